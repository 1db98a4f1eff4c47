import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
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
