/**
 * Stopping a queued callback contact (StopContact), without loading the Connect client until it is needed.
 *
 * @aws-sdk/client-connect carries the shapes of every Connect operation (about 200 KB of the bundle, section 2b of
 * bench/RESULTS.md) and runs them at module load. Most invocations of the handlers that may stop a contact never do
 * (update-callback's CONNECT, RELEASE and most CANCELs before the id is known; the processors' every learning of a
 * pending callback's id), so the client and its module load on the first StopContact of the process: connect-client.ts
 * is required from inside the stopper, which esbuild bundles as a module initialised on that first require.
 */
import type * as ConnectClientModule from './connect-client';

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

/** Removes a contact (here: a queued callback) from Amazon Connect. */
export type ContactStopper = (contactId: string) => Promise<StopOutcome>;

const REFUSALS = new Set(['InvalidRequestException', 'InvalidParameterException', 'ResourceNotFoundException']);

/** What a failed StopContact means: gone already, refused for good (StopContactRefused), or thrown again to retry. */
export function stopOutcomeOf(error: unknown): StopOutcome {
  const name = (error as { name?: unknown }).name;
  // "The contact with the specified ID is not active or does not exist" (410): ended or removed already,
  // which is what we wanted, so not a failure.
  if (name === 'ContactNotFoundException') return 'ALREADY_GONE';
  if (typeof name === 'string' && REFUSALS.has(name)) throw new StopContactRefused(name);
  throw error;
}

/**
 * A stopper whose Connect client is built, and whose module is loaded, on its first call; every later call reuses
 * them. `abortSignal`: the invocation's deadline (time-budget.ts).
 */
export function createLazyContactStopper(instanceId: string, abortSignal: () => AbortSignal | undefined = () => undefined): ContactStopper {
  let send: ((contactId: string) => Promise<void>) | undefined;
  return async (contactId) => {
    if (send === undefined) {
      // A require, not a static import: that is what keeps the Connect client's module from running at load.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createConnectClient, stopContactRequest } = require('./connect-client') as typeof ConnectClientModule;
      const client = createConnectClient();
      send = (id) => stopContactRequest(client, instanceId, id, abortSignal());
    }
    try {
      await send(contactId);
      return 'STOPPED';
    } catch (error) {
      return stopOutcomeOf(error);
    }
  };
}
