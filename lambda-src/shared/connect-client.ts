import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { boundedClientOptions } from './sdk-bounds';

/** How a StopContact call ended; any other failure is thrown (it may be transient). */
export type StopOutcome = 'STOPPED' | 'ALREADY_GONE';

/** Removes a contact (here: a queued callback) from Amazon Connect. */
export type ContactStopper = (contactId: string) => Promise<StopOutcome>;

/** Region, credentials and endpoint (AWS_ENDPOINT_URL_CONNECT in tests) come from the standard environment. */
export function createConnectClient(): ConnectClient {
  return new ConnectClient(boundedClientOptions());
}

export function createContactStopper(client: ConnectClient, instanceId: string): ContactStopper {
  return async (contactId) => {
    try {
      await client.send(new StopContactCommand({ InstanceId: instanceId, ContactId: contactId }));
      return 'STOPPED';
    } catch (error) {
      // The contact ended or was removed already: what we wanted, so not a failure.
      if ((error as { name?: unknown }).name === 'ContactNotFoundException') return 'ALREADY_GONE';
      throw error;
    }
  };
}
