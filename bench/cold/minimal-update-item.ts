/** Cold-start baseline: a handler that only builds a DynamoDB client and completes a cancelled record (update-callback AGENT_HANG_UP's UpdateItem). */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export async function handler(event: { Details: { ContactData: { Attributes: Record<string, string> } } }): Promise<Record<string, string>> {
  const now = new Date();
  const epoch = Math.floor(now.getTime() / 1000);
  const { Attributes } = await client.send(new UpdateItemCommand({
    TableName: process.env.TABLE_NAME,
    Key: { pk: { S: `CALLBACK#${event.Details.ContactData.Attributes.callbackRecordId}` } },
    UpdateExpression: 'SET #status = :completed, #resolution = :resolution, #completedAt = :at, #expiresAt = :expiresAt',
    ConditionExpression: 'attribute_exists(#pk) AND #status = :cancelled AND #expiresAt > :now',
    ExpressionAttributeNames: { '#pk': 'pk', '#status': 'status', '#resolution': 'resolution', '#completedAt': 'completedAt', '#expiresAt': 'expiresAt' },
    ExpressionAttributeValues: {
      ':completed': { S: 'COMPLETED' },
      ':resolution': { S: 'HUNG_UP_BY_AGENT' },
      ':at': { S: now.toISOString() },
      ':expiresAt': { N: String(epoch + 86_400) },
      ':cancelled': { S: 'CANCELLED' },
      ':now': { N: String(epoch) },
    },
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }));
  return { result: Attributes ? 'APPLIED' : 'ERROR' };
}
