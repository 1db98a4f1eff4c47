/**
 * The Connect client and StopContact. Handlers load this module lazily, through contact-stopper.ts, so that the
 * Connect client's module loads only when a contact is stopped.
 */
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { type ContactStopper, StopContactRefused, stopOutcomeOf, type StopOutcome } from './contact-stopper';
import { boundedClientOptions } from './sdk-bounds';

export { type ContactStopper, StopContactRefused, type StopOutcome };

/** Region, credentials and endpoint (AWS_ENDPOINT_URL_CONNECT in tests) come from the standard environment. */
export function createConnectClient(): ConnectClient {
  return new ConnectClient(boundedClientOptions());
}

/** One StopContact request; its errors are the SDK's (contact-stopper.ts says what each means). */
export async function stopContactRequest(client: ConnectClient, instanceId: string, contactId: string, abortSignal?: AbortSignal): Promise<void> {
  await client.send(new StopContactCommand({ InstanceId: instanceId, ContactId: contactId }), { abortSignal });
}

/** `abortSignal`: the invocation's deadline (time-budget.ts). */
export function createContactStopper(
  client: ConnectClient,
  instanceId: string,
  abortSignal: () => AbortSignal | undefined = () => undefined,
): ContactStopper {
  return async (contactId) => {
    try {
      await stopContactRequest(client, instanceId, contactId, abortSignal());
      return 'STOPPED';
    } catch (error) {
      return stopOutcomeOf(error);
    }
  };
}
