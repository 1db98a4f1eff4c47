/**
 * The inputs of every request lambda-src/shared/callback-store.ts sends, per caller path, as plain data: the same
 * keys, expressions and return options. The warm latency section's raw arm (bench/lib/raw-calls.ts) and the minimal
 * handlers of the cold start section (bench/cold/) both build their requests here, so each compares a handler with
 * exactly its own requests; a counting pass-through checks that each mix still is the handler's.
 * No imports but types: the minimal handlers bundle this file, and it must add nothing to their cold start.
 */
import type {
  AttributeValue,
  GetItemCommandInput,
  TransactWriteItem,
  TransactWriteItemsCommandInput,
  UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';

/** The table and queue a handler works on (its TABLE_NAME and QUEUE_ARN), and the COMPLETED records' TTL. */
export interface Target {
  readonly table: string;
  readonly queueArn: string;
  readonly completedTtlSeconds: number;
}

/** lambda-src/shared/contract.ts OPEN_RECORD_TTL_SECONDS (17 days and an hour); the contract test keeps them equal. */
export const OPEN_TTL_SECONDS = 17 * 24 * 60 * 60 + 60 * 60;

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);
const recordKey = (recordId: string) => ({ pk: s(`CALLBACK#${recordId}`) });
const pointerKey = (target: Target, phoneE164: string) => ({ pk: s(`ACTIVE#${target.queueArn}#${phoneE164}`) });

/** '+13122015678' -> '(312) 201-5678', as libphonenumber formats a US number. */
export function usNational(e164: string): string {
  const digits = e164.slice(2);
  return `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
}

export function getRecordInput(target: Target, recordId: string): GetItemCommandInput {
  return { TableName: target.table, Key: recordKey(recordId), ConsistentRead: true };
}

export function recordItem(target: Target, recordId: string, phoneE164: string, now: Date): Record<string, AttributeValue> {
  return {
    ...recordKey(recordId),
    recordType: s('CALLBACK'),
    recordId: s(recordId),
    phoneE164: s(phoneE164),
    phoneNational: s(usNational(phoneE164)),
    country: s('US'),
    queueArn: s(target.queueArn),
    status: s('PENDING'),
    inboundContactId: s(recordId),
    createdAt: s(now.toISOString()),
    expiresAt: n(epoch(now) + OPEN_TTL_SECONDS),
  };
}

/** write-callback's booking: one transaction, two conditional Puts (the number's active pointer, the record). */
export function bookingInput(target: Target, recordId: string, phoneE164: string): TransactWriteItemsCommandInput {
  const now = new Date();
  return {
    TransactItems: [
      {
        Put: {
          TableName: target.table,
          Item: {
            ...pointerKey(target, phoneE164),
            recordType: s('ACTIVE'),
            recordId: s(recordId),
            phoneE164: s(phoneE164),
            createdAt: s(now.toISOString()),
            expiresAt: n(epoch(now) + OPEN_TTL_SECONDS),
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt <= :now',
          ExpressionAttributeNames: { '#pk': 'pk', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':now': n(epoch(now)) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: target.table,
          Item: recordItem(target, recordId, phoneE164, now),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ],
  };
}

interface Change {
  readonly update: string;
  readonly condition: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
}

/** A PENDING record leaves PENDING and its active pointer is deleted, in one transaction (the store's closePending). */
function closePendingInput(target: Target, recordId: string, phoneE164: string, change: Change): TransactWriteItemsCommandInput {
  const now = new Date();
  const items: TransactWriteItem[] = [
    {
      Update: {
        TableName: target.table,
        Key: recordKey(recordId),
        UpdateExpression: change.update,
        ConditionExpression: `attribute_exists(#pk) AND #status = :pending AND #expiresAt > :now${change.condition}`,
        ExpressionAttributeNames: { '#pk': 'pk', '#status': 'status', '#expiresAt': 'expiresAt', ...change.names },
        ExpressionAttributeValues: { ...change.values, ':pending': s('PENDING'), ':now': n(epoch(now)) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    {
      Delete: {
        TableName: target.table,
        Key: pointerKey(target, phoneE164),
        ConditionExpression: 'attribute_not_exists(#pk) OR #recordId = :rid',
        ExpressionAttributeNames: { '#pk': 'pk', '#recordId': 'recordId' },
        ExpressionAttributeValues: { ':rid': s(recordId) },
      },
    },
  ];
  return { TransactItems: items };
}

function completion(target: Target, resolution: string, now: Date) {
  return {
    update: 'SET #status = :completed, #resolution = :resolution, #completedAt = :at, #expiresAt = :expiresAt',
    names: { '#resolution': 'resolution', '#completedAt': 'completedAt' },
    values: { ':completed': s('COMPLETED'), ':resolution': s(resolution), ':at': s(now.toISOString()), ':expiresAt': n(epoch(now) + target.completedTtlSeconds) },
  };
}

/** CONNECT's write: PENDING -> COMPLETED(CONNECTED), learning the callback contact id on the way. */
export function connectInput(target: Target, recordId: string, phoneE164: string, callbackContactId: string): TransactWriteItemsCommandInput {
  const done = completion(target, 'CONNECTED', new Date());
  return closePendingInput(target, recordId, phoneE164, {
    update: `${done.update}, #callbackContactId = if_not_exists(#callbackContactId, :cid), #callbackIdLearnedAt = if_not_exists(#callbackIdLearnedAt, :at)`,
    condition: ' AND (attribute_not_exists(#callbackContactId) OR #callbackContactId = :cid)',
    names: { ...done.names, '#callbackContactId': 'callbackContactId', '#callbackIdLearnedAt': 'callbackIdLearnedAt' },
    values: { ...done.values, ':cid': s(callbackContactId) },
  });
}

/** RELEASE's write: PENDING -> COMPLETED(RELEASED), only by the contact that booked it. */
export function releaseInput(target: Target, recordId: string, phoneE164: string): TransactWriteItemsCommandInput {
  const done = completion(target, 'RELEASED', new Date());
  return closePendingInput(target, recordId, phoneE164, {
    update: done.update,
    condition: ' AND #inboundContactId = :requester',
    names: { ...done.names, '#inboundContactId': 'inboundContactId' },
    values: { ...done.values, ':requester': s(recordId) },
  });
}

/** What the cancel is told by the flow (from the booking attempt's reply) about the record it cancels. */
export interface CancelTold {
  readonly recordId: string;
  readonly phoneE164: string;
  /** The callback contact id, when the reply carried one. */
  readonly callbackContactId?: string;
}

/** The caller's cancel: PENDING -> CANCELLED, conditioned on what it was told, and the pointer deleted. */
export function cancelInput(target: Target, told: CancelTold): TransactWriteItemsCommandInput {
  const knownId = told.callbackContactId !== undefined;
  return closePendingInput(target, told.recordId, told.phoneE164, {
    update: 'SET #status = :cancelled, #cancelledAt = :at',
    condition: ` AND #phoneE164 = :phone AND #queueArn = :queue AND ${knownId ? '#callbackContactId = :cid' : 'attribute_not_exists(#callbackContactId)'}`,
    names: { '#cancelledAt': 'cancelledAt', '#phoneE164': 'phoneE164', '#queueArn': 'queueArn', '#callbackContactId': 'callbackContactId' },
    values: {
      ':cancelled': s('CANCELLED'),
      ':at': s(new Date().toISOString()),
      ':phone': s(told.phoneE164),
      ':queue': s(target.queueArn),
      ...(knownId ? { ':cid': s(told.callbackContactId!) } : {}),
    },
  });
}

/**
 * CANCELLED -> COMPLETED(resolution) with one conditional UpdateItem: REMOVED_BY_API after StopContact, or the agent
 * whisper's HUNG_UP_BY_AGENT, which learns the callback contact id on the way.
 */
export function completeCancelledInput(target: Target, recordId: string, resolution: string, callbackContactId?: string): UpdateItemCommandInput {
  const now = new Date();
  const done = completion(target, resolution, now);
  const learn = callbackContactId !== undefined;
  return {
    TableName: target.table,
    Key: recordKey(recordId),
    UpdateExpression: done.update
      + (learn ? ', #callbackContactId = if_not_exists(#callbackContactId, :cid), #callbackIdLearnedAt = if_not_exists(#callbackIdLearnedAt, :at)' : ''),
    ConditionExpression: 'attribute_exists(#pk) AND #status = :cancelled AND #expiresAt > :now AND (attribute_not_exists(#cancelledAt) OR #cancelledAt <= :at)'
      + (learn ? ' AND (attribute_not_exists(#callbackContactId) OR #callbackContactId = :cid)' : ''),
    ExpressionAttributeNames: {
      '#pk': 'pk',
      '#status': 'status',
      '#expiresAt': 'expiresAt',
      '#cancelledAt': 'cancelledAt',
      ...done.names,
      ...(learn ? { '#callbackContactId': 'callbackContactId', '#callbackIdLearnedAt': 'callbackIdLearnedAt' } : {}),
    },
    ExpressionAttributeValues: {
      ...done.values,
      ':cancelled': s('CANCELLED'),
      ':now': n(epoch(now)),
      ...(learn ? { ':cid': s(callbackContactId) } : {}),
    },
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** The first request of learning a callback contact id: on the record, never overwriting another id. */
export function learnRecordInput(target: Target, recordId: string, callbackContactId: string): UpdateItemCommandInput {
  return {
    TableName: target.table,
    Key: recordKey(recordId),
    UpdateExpression: 'SET #callbackContactId = :cid, #callbackIdLearnedAt = if_not_exists(#callbackIdLearnedAt, :at)',
    ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(#callbackContactId) OR #callbackContactId = :cid)'
      + ' AND (attribute_not_exists(#resolution) OR #resolution <> :released)',
    ExpressionAttributeNames: { '#pk': 'pk', '#callbackContactId': 'callbackContactId', '#callbackIdLearnedAt': 'callbackIdLearnedAt', '#resolution': 'resolution' },
    ExpressionAttributeValues: { ':cid': s(callbackContactId), ':at': s(new Date().toISOString()), ':released': s('RELEASED') },
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** The second, for a record still PENDING: the id on the number's active pointer too, for the next booking attempt's reply. */
export function learnPointerInput(target: Target, recordId: string, phoneE164: string, callbackContactId: string): UpdateItemCommandInput {
  return {
    TableName: target.table,
    Key: pointerKey(target, phoneE164),
    UpdateExpression: 'SET #callbackContactId = :cid',
    ConditionExpression: '#recordId = :rid',
    ExpressionAttributeNames: { '#callbackContactId': 'callbackContactId', '#recordId': 'recordId' },
    ExpressionAttributeValues: { ':cid': s(callbackContactId), ':rid': s(recordId) },
  };
}
