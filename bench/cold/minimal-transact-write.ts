/** Cold-start baseline of write-callback: a DynamoDB client built at load and the booking's one TransactWriteItems, nothing else. */
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { type FlowEvent, TARGET } from './target';
import { bookingInput } from '../lib/requests';

const client = new DynamoDBClient({});

export async function handler(event: FlowEvent): Promise<Record<string, string>> {
  const { ContactId, CustomerEndpoint } = event.Details.ContactData;
  await client.send(new TransactWriteItemsCommand(bookingInput(TARGET, ContactId, CustomerEndpoint?.Address ?? '')));
  return { result: 'CREATED' };
}
