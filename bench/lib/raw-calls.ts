/**
 * The raw @aws-sdk/client-dynamodb (and client-connect) requests that a handler's work is compared with:
 * the same requests, with the same keys, expressions and return options, that lambda-src/shared/callback-store.ts
 * sends, issued by a plain client with no handler around them.
 */
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { OPEN_RECORD_TTL_SECONDS, usNational } from './events';
import { INSTANCE_ID, QUEUE_ARN, TABLE_NAME } from './handlers';

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);
const recordKey = (recordId: string) => ({ pk: s(`CALLBACK#${recordId}`) });
const pointerKey = (phoneE164: string) => ({ pk: s(`ACTIVE#${QUEUE_ARN}#${phoneE164}`) });

export class RawCalls {
  readonly dynamodb: DynamoDBClient;
  readonly connect: ConnectClient;

  /** Plain clients: region, credentials and endpoints from the environment, SDK defaults otherwise. */
  constructor() {
    this.dynamodb = new DynamoDBClient({});
    this.connect = new ConnectClient({});
  }

  /** update-callback's first request for CANCEL and CONNECT (and CANCEL's re-read): a consistent GetItem of the record. */
  async getRecord(recordId: string): Promise<Record<string, AttributeValue> | undefined> {
    const { Item } = await this.dynamodb.send(new GetItemCommand({ TableName: TABLE_NAME, Key: recordKey(recordId), ConsistentRead: true }));
    return Item;
  }

  /** write-callback's request: one TransactWriteItems with two conditional Puts (active pointer, record). */
  async book(recordId: string, phoneE164: string): Promise<void> {
    const now = new Date();
    const createdAt = now.toISOString();
    const expiresAt = epoch(now) + OPEN_RECORD_TTL_SECONDS;
    await this.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: TABLE_NAME,
            Item: {
              ...pointerKey(phoneE164),
              recordType: s('ACTIVE'),
              recordId: s(recordId),
              phoneE164: s(phoneE164),
              createdAt: s(createdAt),
              expiresAt: n(expiresAt),
            },
            ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt <= :now',
            ExpressionAttributeNames: { '#pk': 'pk', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':now': n(epoch(now)) },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: TABLE_NAME,
            Item: {
              ...recordKey(recordId),
              recordType: s('CALLBACK'),
              recordId: s(recordId),
              phoneE164: s(phoneE164),
              phoneNational: s(usNational(phoneE164)),
              country: s('US'),
              queueArn: s(QUEUE_ARN),
              status: s('PENDING'),
              inboundContactId: s(recordId),
              createdAt: s(createdAt),
              expiresAt: n(expiresAt),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'pk' },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    }));
  }

  /** A conditional PutItem of the record alone: the cheapest possible booking, shown for context. */
  async putRecordOnly(recordId: string, phoneE164: string): Promise<void> {
    const now = new Date();
    await this.dynamodb.send(new PutItemCommand({
      TableName: TABLE_NAME,
      Item: {
        ...recordKey(recordId),
        recordType: s('CALLBACK'),
        recordId: s(recordId),
        phoneE164: s(phoneE164),
        phoneNational: s(usNational(phoneE164)),
        country: s('US'),
        queueArn: s(QUEUE_ARN),
        status: s('PENDING'),
        inboundContactId: s(recordId),
        createdAt: s(now.toISOString()),
        expiresAt: n(epoch(now) + OPEN_RECORD_TTL_SECONDS),
      },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }));
  }

  /** update-callback AGENT_HANG_UP's request (also REMOVED_BY_API's): CANCELLED -> COMPLETED with one conditional UpdateItem. */
  async completeCancelled(recordId: string, resolution: string): Promise<void> {
    const now = new Date();
    await this.dynamodb.send(new UpdateItemCommand({
      TableName: TABLE_NAME,
      Key: recordKey(recordId),
      UpdateExpression: 'SET #status = :completed, #resolution = :resolution, #completedAt = :at, #expiresAt = :expiresAt',
      ConditionExpression: 'attribute_exists(#pk) AND #status = :cancelled AND #expiresAt > :now',
      ExpressionAttributeNames: { '#pk': 'pk', '#status': 'status', '#resolution': 'resolution', '#completedAt': 'completedAt', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: {
        ':completed': s('COMPLETED'),
        ':resolution': s(resolution),
        ':at': s(now.toISOString()),
        ':expiresAt': n(epoch(now) + 86_400),
        ':cancelled': s('CANCELLED'),
        ':now': n(epoch(now)),
      },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }));
  }

  /** A PENDING record leaves PENDING (to `status`) and its active pointer is deleted, in one transaction. */
  async closePending(recordId: string, phoneE164: string, status: 'CANCELLED' | 'COMPLETED'): Promise<void> {
    const now = new Date();
    const update: { expression: string; names: Record<string, string>; values: Record<string, AttributeValue> } = status === 'CANCELLED'
      ? { expression: 'SET #status = :next, #cancelledAt = :at', names: { '#cancelledAt': 'cancelledAt' }, values: {} }
      : {
        expression: 'SET #status = :next, #resolution = :resolution, #completedAt = :at, #expiresAt = :expiresAt',
        names: { '#resolution': 'resolution', '#completedAt': 'completedAt' },
        values: { ':resolution': s('CONNECTED'), ':expiresAt': n(epoch(now) + 86_400) },
      };
    const ownership = status === 'CANCELLED' ? ' AND #phoneE164 = :caller' : '';
    await this.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [
        {
          Update: {
            TableName: TABLE_NAME,
            Key: recordKey(recordId),
            UpdateExpression: update.expression,
            ConditionExpression: `attribute_exists(#pk) AND #status = :pending AND #expiresAt > :now${ownership}`,
            ExpressionAttributeNames: {
              '#pk': 'pk',
              '#status': 'status',
              '#expiresAt': 'expiresAt',
              ...update.names,
              ...(ownership ? { '#phoneE164': 'phoneE164' } : {}),
            },
            ExpressionAttributeValues: {
              ':next': s(status),
              ':at': s(now.toISOString()),
              ':pending': s('PENDING'),
              ':now': n(epoch(now)),
              ...update.values,
              ...(ownership ? { ':caller': s(phoneE164) } : {}),
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Delete: {
            TableName: TABLE_NAME,
            Key: pointerKey(phoneE164),
            ConditionExpression: 'attribute_not_exists(#pk) OR #recordId = :rid',
            ExpressionAttributeNames: { '#pk': 'pk', '#recordId': 'recordId' },
            ExpressionAttributeValues: { ':rid': s(recordId) },
          },
        },
      ],
    }));
  }

  async stopContact(contactId: string): Promise<void> {
    await this.connect.send(new StopContactCommand({ InstanceId: INSTANCE_ID, ContactId: contactId }));
  }

  destroy(): void {
    this.dynamodb.destroy();
    this.connect.destroy();
  }
}
