/** The size floor of a handler with the Connect client alone: a client built at load and one StopContact. */
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { type FlowEvent, INSTANCE_ID } from './target';

const client = new ConnectClient({});

export async function handler(event: FlowEvent): Promise<Record<string, string>> {
  await client.send(new StopContactCommand({ InstanceId: INSTANCE_ID, ContactId: event.Details.Parameters.callbackContactId ?? '' }));
  return { result: 'STOPPED' };
}
