/** Cold-start baseline of update-callback CONNECT: a DynamoDB client built at load, the GetItem and the transaction. */
import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { type FlowEvent, TARGET } from './target';
import { connectInput, getRecordInput } from '../lib/requests';

const client = new DynamoDBClient({});

export async function handler(event: FlowEvent): Promise<Record<string, string>> {
  const recordId = event.Details.Parameters.recordId ?? '';
  const { Item } = await client.send(new GetItemCommand(getRecordInput(TARGET, recordId)));
  await client.send(new TransactWriteItemsCommand(connectInput(TARGET, recordId, Item?.phoneE164?.S ?? '', event.Details.ContactData.ContactId)));
  return { result: 'APPLIED' };
}
