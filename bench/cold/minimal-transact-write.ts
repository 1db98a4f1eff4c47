/** Cold-start baseline: a handler that only builds a DynamoDB client and books (write-callback's TransactWriteItems, no validation). */
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});
const OPEN_RECORD_TTL_SECONDS = 17 * 24 * 3600;

interface BookingEvent {
  readonly Details: { readonly ContactData: { readonly ContactId: string; readonly CustomerEndpoint: { readonly Address: string } } };
}

export async function handler(event: BookingEvent): Promise<Record<string, string>> {
  const contactId = event.Details.ContactData.ContactId;
  const phone = event.Details.ContactData.CustomerEndpoint.Address;
  const now = Math.floor(Date.now() / 1000);
  const createdAt = new Date().toISOString();
  const expiresAt = { N: String(now + OPEN_RECORD_TTL_SECONDS) };
  await client.send(new TransactWriteItemsCommand({
    TransactItems: [
      {
        Put: {
          TableName: process.env.TABLE_NAME,
          Item: {
            pk: { S: `ACTIVE#${process.env.QUEUE_ARN}#${phone}` },
            recordType: { S: 'ACTIVE' },
            recordId: { S: contactId },
            phoneE164: { S: phone },
            createdAt: { S: createdAt },
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt <= :now',
          ExpressionAttributeNames: { '#pk': 'pk', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: process.env.TABLE_NAME,
          Item: {
            pk: { S: `CALLBACK#${contactId}` },
            recordType: { S: 'CALLBACK' },
            recordId: { S: contactId },
            phoneE164: { S: phone },
            status: { S: 'PENDING' },
            queueArn: { S: process.env.QUEUE_ARN ?? '' },
            inboundContactId: { S: contactId },
            createdAt: { S: createdAt },
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ],
  }));
  return { result: 'CREATED' };
}
