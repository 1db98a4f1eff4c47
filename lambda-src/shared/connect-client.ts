import { ConnectClient, DescribeContactCommand, StopContactCommand } from '@aws-sdk/client-connect';
import { boundedClientOptions } from './sdk-bounds';

/** How a StopContact call ended; a failure that may pass is thrown as the SDK's error. */
export type StopOutcome = 'STOPPED' | 'ALREADY_GONE';

/**
 * StopContact refused the contact for a reason that retrying cannot change. From the StopContact reference
 * (docs.aws.amazon.com/connect/latest/APIReference/API_StopContact.html) and the @aws-sdk/client-connect model:
 * InvalidRequestException and InvalidParameterException (400) say the request itself is wrong for this contact
 * (e.g. a voice contact initiated by TRANSFER, QUEUE_TRANSFER, DISCONNECT, EXTERNAL_OUTBOUND or MONITOR, which
 * the reference says StopContact does not support), and ResourceNotFoundException (404) that it names nothing
 * there is to stop. Throttling (429), InternalServiceException (500), access errors and network failures may
 * pass, and are thrown for the caller to retry.
 */
export class StopContactRefused extends Error {
  constructor(public readonly errorName: string) {
    super(`StopContact refused the contact: ${errorName}`);
    this.name = 'StopContactRefused';
  }
}

const REFUSALS = new Set(['InvalidRequestException', 'InvalidParameterException', 'ResourceNotFoundException']);

/** Removes a contact (here: a queued callback) from Amazon Connect. */
export type ContactStopper = (contactId: string) => Promise<StopOutcome>;

/** Region, credentials and endpoint (AWS_ENDPOINT_URL_CONNECT in tests) come from the standard environment. */
export function createConnectClient(): ConnectClient {
  return new ConnectClient(boundedClientOptions());
}

/** `abortSignal`: the invocation's deadline (time-budget.ts). */
export function createContactStopper(
  client: ConnectClient,
  instanceId: string,
  abortSignal: () => AbortSignal | undefined = () => undefined,
): ContactStopper {
  return async (contactId) => {
    try {
      await client.send(new StopContactCommand({ InstanceId: instanceId, ContactId: contactId }), { abortSignal: abortSignal() });
      return 'STOPPED';
    } catch (error) {
      const name = (error as { name?: unknown }).name;
      // "The contact with the specified ID is not active or does not exist" (410): ended or removed already,
      // which is what we wanted, so not a failure.
      if (name === 'ContactNotFoundException') return 'ALREADY_GONE';
      if (typeof name === 'string' && REFUSALS.has(name)) throw new StopContactRefused(name);
      throw error;
    }
  };
}

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
