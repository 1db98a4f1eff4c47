/** Cold-start baseline: a handler that only builds a DynamoDB client and reads the record (the read-callback request). */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export async function handler(event: { Details: { ContactData: { Attributes: Record<string, string> } } }): Promise<Record<string, string>> {
  const { Item } = await client.send(new GetItemCommand({
    TableName: process.env.TABLE_NAME,
    Key: { pk: { S: `CALLBACK#${event.Details.ContactData.Attributes.callbackRecordId}` } },
    ConsistentRead: true,
  }));
  return { result: Item ? 'FOUND' : 'NOT_FOUND' };
}
