/**
 * DescribeContact, for the reconciler: what became of a callback contact. A module of its own, so that the handlers
 * which only ever stop contacts (and load the Connect client lazily, contact-stopper.ts) do not bundle it.
 */
import { type ConnectClient, DescribeContactCommand } from '@aws-sdk/client-connect';
import { createConnectClient } from './connect-client';
import type { HandlerRuntime } from './runtime';

/** What DescribeContact says about a contact, as far as a callback record cares. */
export type ContactLookup =
  | {
    readonly kind: 'FOUND';
    readonly initiationMethod?: string;
    readonly previousContactId?: string;
    /** Set once the contact has ended. */
    readonly disconnectedAt?: Date;
    readonly disconnectReason?: string;
    readonly enqueuedAt?: Date;
    /** Set once an agent has the contact (accepted or connected). */
    readonly agentConnectedAt?: Date;
  }
  /** ResourceNotFoundException (404): the instance has no such contact (or it is older than its 24-month retention). */
  | { readonly kind: 'NOT_FOUND' };

/** Looks a contact up by id; throws whatever else the API answers (throttling, 5xx, a refused parameter). */
export type ContactDescriber = (contactId: string) => Promise<ContactLookup>;

/**
 * DescribeContact (GET /contacts/{InstanceId}/{ContactId}, docs.aws.amazon.com/connect/latest/APIReference/
 * API_DescribeContact.html, "in preview release ... and is subject to change"): "Contact information remains available
 * in Amazon Connect for 24 months from the InitiationTimestamp, and then it is deleted. Only contact information that
 * is available in Amazon Connect is returned by this API." DisconnectTimestamp is "the date and time that the customer
 * endpoint disconnected from the current contact" (@aws-sdk/client-connect model); its absence is read as "not ended
 * yet", which the reference implies but does not state for a queued callback. The errors it lists include
 * ResourceNotFoundException (404), with the generic text "The specified resource was not found".
 */
export function createContactDescriber(
  client: ConnectClient,
  instanceId: string,
  abortSignal: () => AbortSignal | undefined = () => undefined,
): ContactDescriber {
  return async (contactId) => {
    try {
      const request = new DescribeContactCommand({ InstanceId: instanceId, ContactId: contactId });
      const { Contact: contact } = await client.send(request, { abortSignal: abortSignal() });
      return {
        kind: 'FOUND',
        initiationMethod: contact?.InitiationMethod,
        previousContactId: contact?.PreviousContactId,
        disconnectedAt: contact?.DisconnectTimestamp,
        disconnectReason: contact?.DisconnectReason,
        enqueuedAt: contact?.QueueInfo?.EnqueueTimestamp,
        agentConnectedAt: contact?.AgentInfo?.ConnectedToAgentTimestamp ?? contact?.AgentInfo?.AcceptedByAgentTimestamp,
      };
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return { kind: 'NOT_FOUND' };
      throw error;
    }
  };
}

/** DescribeContact with the runtime's instance and deadline; undefined without a usable INSTANCE_ARN. */
export function createDescriber(runtime: HandlerRuntime, client = createConnectClient()): ContactDescriber | undefined {
  const { config, budget } = runtime;
  if (config.instanceId === undefined) return undefined;
  return createContactDescriber(client, config.instanceId, () => budget.signal);
}
