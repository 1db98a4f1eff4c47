/**
 * The callback record and its state machine: every write is conditional, so concurrent flows,
 * whispers and CTR deliveries can only move a record forward (PENDING -> CANCELLED -> COMPLETED),
 * never back, and never create a partial item. Handlers are thin adapters over this module.
 *
 * Items (partition key `pk` only):
 * - record  `CALLBACK#<recordId>`: the callback booked by the inbound contact <recordId>.
 * - pointer `ACTIVE#<queueArn>#<phoneE164>`: exists only while that number has a PENDING callback in
 *   that queue; creating it conditionally is what stops a second booking. Once a processor learns the
 *   callback contact id it is copied here too, so that the next booking attempt's reply (EXISTS) carries
 *   it and the caller's cancel can be decided without reading the record (see `cancel`).
 *
 * - daily counter `DAILY#<queueArn>#<phoneE164>#<YYYY-MM-DD>` (admission policy only): how many callbacks the number
 *   booked on the queue that calendar day. It is raised in the booking's own transaction, conditioned on the limit, so
 *   concurrent bookings can never pass it; a booking given up (RELEASE) gives its count back in the release's.
 *
 * A record carries `openQueueArn` (its queue) from its booking until it is COMPLETED, and nothing else does: that is
 * the partition key of the sparse index of open records (OPEN_RECORDS_INDEX), which the reconciler walks and the
 * callbacks API lists without scanning the table. It is set where a record is created and removed in `completion()`,
 * through which every transition to COMPLETED goes.
 */
import {
  type AttributeValue,
  type CancellationReason,
  type DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
  type TransactWriteItem,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type CallbackMode, type CallbackResolution, type CallbackStatus, OPEN_RECORD_TTL_SECONDS, OPEN_RECORDS_INDEX, TABLE_KEY } from './contract';

export interface CallbackRecord {
  readonly recordId: string;
  readonly status: CallbackStatus;
  readonly resolution?: CallbackResolution;
  readonly phoneE164: string;
  readonly phoneNational: string;
  readonly country: string;
  readonly queueArn: string;
  readonly inboundContactId: string;
  /** Agent-first: the callback contact. Customer-first: the queued leg C2, the contact StopContact removes before any dial. */
  readonly callbackContactId?: string;
  /** Absent on records written in agent-first mode (and before modes existed). */
  readonly callbackMode?: CallbackMode;
  /** Customer-first only: the dialled leg C3, the call to the customer (C2's NextContactId). */
  readonly dialledContactId?: string;
  readonly dialledIdLearnedAt?: string;
  readonly createdAt: string;
  readonly cancelledAt?: string;
  readonly completedAt?: string;
  readonly callbackIdLearnedAt?: string;
  /** The error name StopContact refused the callback contact with (resolution STOP_REFUSED). */
  readonly stopError?: string;
  /** Who cancelled through the callbacks API (the caller's IAM ARN); absent for a caller's cancel. */
  readonly cancelledBy?: string;
  /** Why the reconciler could not settle the record (RECONCILER_FLAGS), and when it first found so. */
  readonly flag?: ReconcilerFlag;
  readonly flaggedAt?: string;
  /** The daily counter the booking raised (admission policy), which a release lowers again. */
  readonly dailyCounterKey?: string;
  /** Epoch seconds; the table's TTL attribute. */
  readonly expiresAt: number;
}

/**
 * Why the reconciler cannot tell what became of an open record's callback:
 * - CALLBACK_ID_UNKNOWN: its callback contact id was never learned (the contact event and the inbound CTR were both
 *   lost), and no documented API lists a callback from its inbound contact;
 * - CONTACT_NOT_FOUND: DescribeContact does not know the callback contact id the record holds.
 */
export type ReconcilerFlag = 'CALLBACK_ID_UNKNOWN' | 'CONTACT_NOT_FOUND';

export interface NewCallback {
  readonly recordId: string;
  readonly phoneE164: string;
  readonly phoneNational: string;
  readonly country: string;
  readonly queueArn: string;
  /** Written only for CUSTOMER_FIRST: a record without it is agent-first. */
  readonly callbackMode?: CallbackMode;
  /** The admission policy's per-number limit: at most `max` bookings on the queue on the calendar day `day` (YYYY-MM-DD). */
  readonly dailyLimit?: { readonly max: number; readonly day: string };
}

/** The legs of a customer-first callback a contact names: its dialled leg C3, and C3's previous contact, the queued leg C2. */
export interface CustomerFirstLegs {
  readonly dialledContactId: string;
  /** Unknown when the source does not name it (e.g. a flow event without PreviousContactId). */
  readonly queuedContactId?: string;
}

/**
 * How a customer-first callback's dialled leg went: a person answered (ANSWERED), a voicemail did (VOICEMAIL), or it
 * ended without media (NOT_ANSWERED: it rang out, was busy, or was refused by the network).
 */
export type DialledLegOutcome = 'ANSWERED' | 'VOICEMAIL' | 'NOT_ANSWERED';

/** What a booking found: the number's PENDING callback in the queue (as the active pointer knows it). */
export interface ActiveCallback {
  readonly recordId: string;
  readonly phoneE164: string;
  /** Known when the existing booking is this contact's own record. */
  readonly phoneNational?: string;
  readonly createdAt: string;
  readonly status: CallbackStatus;
  /** The callback contact id, when a processor has learnt it (the pointer is told after the record). */
  readonly callbackContactId?: string;
}

export type CreateOutcome =
  | { readonly kind: 'CREATED'; readonly record: CallbackRecord }
  | { readonly kind: 'EXISTS'; readonly existing: ActiveCallback }
  /** The number has booked `dailyLimit.max` callbacks on the queue today, and has none pending. */
  | { readonly kind: 'LIMIT_REACHED'; readonly bookedToday: number };

export type TransitionOutcome =
  | { readonly kind: 'APPLIED'; readonly record: CallbackRecord }
  /** The record is not in a state the transition starts from; `record` is its current state. */
  | { readonly kind: 'REFUSED'; readonly record: CallbackRecord }
  /** Cancelling someone else's callback without ALLOW_CANCEL_FOR_OTHER_NUMBER. */
  | { readonly kind: 'FORBIDDEN'; readonly record: CallbackRecord }
  | { readonly kind: 'NOT_FOUND' };

export type LearnOutcome =
  | { readonly kind: 'LEARNED'; readonly record: CallbackRecord }
  /**
   * The record already holds a different callback contact id, or was released by its booking contact (no
   * callback was created for it, so no contact can be its callback); `record` is its current state.
   */
  | { readonly kind: 'CONFLICT'; readonly record: CallbackRecord }
  | { readonly kind: 'NOT_FOUND' };

export interface CancelRequest {
  /** The number the caller is calling from (E.164), if Amazon Connect knows it. */
  readonly callerE164?: string;
  readonly allowOtherNumber: boolean;
  /**
   * The queue the handler books for (its QUEUE_ARN): with the number, the record's active pointer. Without it the
   * cancel reads the record first.
   */
  readonly queueArn?: string;
  /**
   * What the flow was told about the record by the booking attempt's reply (EXISTS): the number it is booked for, and
   * its callback contact id or none. The cancel's write is conditioned on them, so a stale or wrong value costs one more
   * write (the failed condition returns the record as it is), never a wrong cancel.
   */
  readonly told?: { readonly phoneE164?: string; readonly callbackContactId?: string };
  /**
   * The mode the handler books in (its CALLBACK_MODE). A cancel decided without a read assumes a record of that mode
   * whose dial has not begun, and its condition checks both: a customer-first record whose dialled leg is known, or
   * one booked before the mode changed, fails it and is cancelled again with its own values, so the removal that
   * follows stops the leg the record has reached (customer-first-lifecycle.ts).
   */
  readonly callbackMode?: CallbackMode;
}

export interface CallbackStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly completedRecordTtlSeconds: number;
  readonly now?: () => Date;
  /** The invocation's deadline (time-budget.ts), passed to every request; none when it returns undefined. */
  readonly abortSignal?: () => AbortSignal | undefined;
}

/** Key helpers, shared with tests that inspect the table. */
export const recordKey = (recordId: string) => `${TABLE_KEY.RECORD_PREFIX}${recordId}`;
export const pointerKey = (queueArn: string, phoneE164: string) => `${TABLE_KEY.ACTIVE_POINTER_PREFIX}${queueArn}#${phoneE164}`;
export const dailyCounterKey = (queueArn: string, phoneE164: string, day: string) =>
  `${TABLE_KEY.DAILY_COUNTER_PREFIX}${queueArn}#${phoneE164}#${day}`;

/**
 * A daily counter outlives its day in every zone (UTC-12 to UTC+14: a local day ends at most 38 hours after it starts
 * in UTC), so a release on the same day always finds it; TTL deletes it the day after.
 */
const DAILY_COUNTER_TTL_SECONDS = 3 * 24 * 3600;

/** Real DynamoDB cancels a transaction that overlaps another one in flight; a second try usually passes. */
const TRANSACTION_ATTEMPTS = 2;

/**
 * Writes of one cancel: the one it was told, one more with the record's own values when those were stale (its
 * failed condition returned them), and one more if the callback contact id was learnt in between. An id is never
 * replaced once stored, and the number and queue never change, so a fourth can only mean something is wrong.
 */
const CANCEL_ATTEMPTS = 3;

const NAMES = {
  '#pk': TABLE_KEY.PARTITION_KEY,
  '#status': 'status',
  '#resolution': 'resolution',
  '#expiresAt': TABLE_KEY.TTL_ATTRIBUTE,
  '#recordId': 'recordId',
  '#phoneE164': 'phoneE164',
  '#inboundContactId': 'inboundContactId',
  '#completedAt': 'completedAt',
  '#cancelledAt': 'cancelledAt',
  '#callbackContactId': 'callbackContactId',
  '#callbackIdLearnedAt': 'callbackIdLearnedAt',
  '#stopError': 'stopError',
  '#openQueueArn': OPEN_RECORDS_INDEX.PARTITION_KEY,
  '#cancelledBy': 'cancelledBy',
  '#flag': 'flag',
  '#flaggedAt': 'flaggedAt',
  '#createdAt': 'createdAt',
  '#queueArn': 'queueArn',
  '#dialledContactId': 'dialledContactId',
  '#dialledIdLearnedAt': 'dialledIdLearnedAt',
  '#callbackMode': 'callbackMode',
  '#bookings': 'bookings',
} as const;

const ALIAS = /#[A-Za-z0-9_]+/g;
/** The expressions are a few fixed texts (values go in :placeholders, never in them): each one's names are worked out once. */
const namesCache = new Map<string, Record<string, string>>();

/** Only the aliases an expression uses may be sent: DynamoDB rejects unused ones. */
function namesFor(...expressions: string[]): Record<string, string> {
  const text = expressions.join(' ');
  let names = namesCache.get(text);
  if (names === undefined) {
    const used = new Set(text.match(ALIAS));
    names = Object.fromEntries(Object.entries(NAMES).filter(([alias]) => used.has(alias)));
    namesCache.set(text, names);
  }
  return names;
}

function valuesFor(values: Record<string, string | number>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, toAttribute(value)]));
}

function toAttribute(value: string | number): AttributeValue {
  return typeof value === 'number' ? { N: String(value) } : { S: value };
}

function toItem(values: Record<string, string | number | undefined>): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) item[name] = toAttribute(value);
  }
  return item;
}

function stringAttribute(item: Record<string, AttributeValue>, name: string): string | undefined {
  return item[name]?.S;
}

/** A record item as the store reads it (also for the index of open records, open-records.ts). */
export function recordFromItem(item: Record<string, AttributeValue>): CallbackRecord {
  const recordId = stringAttribute(item, 'recordId');
  const status = stringAttribute(item, 'status') as CallbackStatus | undefined;
  const phoneE164 = stringAttribute(item, 'phoneE164');
  const expiresAt = Number(item[TABLE_KEY.TTL_ATTRIBUTE]?.N);
  if (!recordId || !status || !phoneE164 || !Number.isFinite(expiresAt)) {
    throw new Error('callback record item lacks recordId, status, phoneE164 or expiresAt');
  }
  return {
    recordId,
    status,
    resolution: stringAttribute(item, 'resolution') as CallbackResolution | undefined,
    phoneE164,
    phoneNational: stringAttribute(item, 'phoneNational') ?? '',
    country: stringAttribute(item, 'country') ?? '',
    queueArn: stringAttribute(item, 'queueArn') ?? '',
    inboundContactId: stringAttribute(item, 'inboundContactId') ?? recordId,
    callbackContactId: stringAttribute(item, 'callbackContactId'),
    callbackMode: stringAttribute(item, 'callbackMode') as CallbackMode | undefined,
    dialledContactId: stringAttribute(item, 'dialledContactId'),
    dialledIdLearnedAt: stringAttribute(item, 'dialledIdLearnedAt'),
    createdAt: stringAttribute(item, 'createdAt') ?? '',
    cancelledAt: stringAttribute(item, 'cancelledAt'),
    completedAt: stringAttribute(item, 'completedAt'),
    callbackIdLearnedAt: stringAttribute(item, 'callbackIdLearnedAt'),
    stopError: stringAttribute(item, 'stopError'),
    cancelledBy: stringAttribute(item, 'cancelledBy'),
    flag: stringAttribute(item, 'flag') as ReconcilerFlag | undefined,
    flaggedAt: stringAttribute(item, 'flaggedAt'),
    dailyCounterKey: stringAttribute(item, 'dailyCounterKey'),
    expiresAt,
  };
}

/** The number's PENDING callback as its active pointer holds it (a pointer exists only while its record is PENDING). */
function activeFromPointer(pointer: Record<string, AttributeValue>, phoneE164: string): ActiveCallback {
  return {
    recordId: stringAttribute(pointer, 'recordId') ?? '',
    phoneE164: stringAttribute(pointer, 'phoneE164') ?? phoneE164,
    createdAt: stringAttribute(pointer, 'createdAt') ?? '',
    status: 'PENDING',
    callbackContactId: stringAttribute(pointer, 'callbackContactId'),
  };
}

/** A learn whose condition failed: the record holds another id (or was released), or there is none. */
function learnRefusal(item: Record<string, AttributeValue> | undefined): LearnOutcome {
  return item ? { kind: 'CONFLICT', record: recordFromItem(item) } : { kind: 'NOT_FOUND' };
}

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: unknown }).name === 'ConditionalCheckFailedException';
}

function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if ((error as { name?: unknown }).name !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

function failed(reason: CancellationReason | undefined): reason is CancellationReason {
  return reason?.Code === 'ConditionalCheckFailed';
}

/** An update of one record: its expression, values, extra condition, and the record it leaves. */
interface RecordChange {
  readonly update: string;
  readonly values: Record<string, string | number>;
  /** Appended to the transition's own condition, starting with ' AND '. */
  readonly condition: string;
  readonly conditionValues: Record<string, string>;
  readonly after: (record: CallbackRecord) => CallbackRecord;
  /**
   * Whether `record` already shows this very change. An SDK retry after a lost response finds its own
   * committed write and fails the condition; its timestamp (to the millisecond) tells it apart from
   * another writer's.
   */
  readonly isOwnWrite: (record: CallbackRecord) => boolean;
}

export class CallbackStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly completedRecordTtlSeconds: number;
  private readonly now: () => Date;
  private readonly abortSignal: () => AbortSignal | undefined;

  constructor(options: CallbackStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.completedRecordTtlSeconds = options.completedRecordTtlSeconds;
    this.now = options.now ?? (() => new Date());
    this.abortSignal = options.abortSignal ?? (() => undefined);
  }

  /** Consistent read; a record past its expiresAt counts as gone (TTL deletion lags by up to days). */
  async get(recordId: string): Promise<CallbackRecord | undefined> {
    const { Item } = await this.send<{ Item?: Record<string, AttributeValue> }>(new GetItemCommand({
      TableName: this.tableName,
      Key: { [TABLE_KEY.PARTITION_KEY]: { S: recordKey(recordId) } },
      ConsistentRead: true,
    }));
    if (!Item) return undefined;
    const record = recordFromItem(Item);
    return this.isExpired(record) ? undefined : record;
  }

  /**
   * Books a callback in one round trip. A PENDING callback for the same number and queue is reported
   * (EXISTS) instead of being overwritten; a retry by the contact that booked it reports CREATED again.
   */
  async create(request: NewCallback): Promise<CreateOutcome> {
    const now = this.now();
    const createdAt = now.toISOString();
    const expiresAt = epochSeconds(now) + OPEN_RECORD_TTL_SECONDS;
    const { dailyLimit, ...booked } = request;
    const counterKey = dailyLimit === undefined ? undefined : dailyCounterKey(request.queueArn, request.phoneE164, dailyLimit.day);
    const record: CallbackRecord = {
      ...booked,
      dailyCounterKey: counterKey,
      status: 'PENDING',
      inboundContactId: request.recordId,
      createdAt,
      expiresAt,
    };
    const pointerCondition = 'attribute_not_exists(#pk) OR #expiresAt <= :now';
    // A contact whose own booking was released (no callback came of it) may book again: the customer queue flow
    // offers the callback again at its next interval, to the caller whose set-callback booking failed too.
    const recordCondition = 'attribute_not_exists(#pk) OR #resolution = :released';
    const items: TransactWriteItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: toItem({
            [TABLE_KEY.PARTITION_KEY]: pointerKey(request.queueArn, request.phoneE164),
            recordType: 'ACTIVE',
            recordId: request.recordId,
            phoneE164: request.phoneE164,
            createdAt,
            [TABLE_KEY.TTL_ATTRIBUTE]: expiresAt,
          }),
          ConditionExpression: pointerCondition,
          ExpressionAttributeNames: namesFor(pointerCondition),
          ExpressionAttributeValues: valuesFor({ ':now': epochSeconds(now) }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: toItem({
            [TABLE_KEY.PARTITION_KEY]: recordKey(request.recordId),
            recordType: 'CALLBACK',
            ...record,
            // In the index of open records until completion() removes it.
            [OPEN_RECORDS_INDEX.PARTITION_KEY]: request.queueArn,
          }),
          ConditionExpression: recordCondition,
          ExpressionAttributeNames: namesFor(recordCondition),
          ExpressionAttributeValues: valuesFor({ ':released': 'RELEASED' }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
    if (dailyLimit !== undefined) {
      // Raised only if this booking commits, and only below the limit: the condition is what makes the limit race-free.
      const update = 'SET #expiresAt = if_not_exists(#expiresAt, :expiresAt) ADD #bookings :one';
      const condition = 'attribute_not_exists(#bookings) OR #bookings < :max';
      items.push({
        Update: {
          ...this.updateInput(counterKey!, update, condition, { ':one': 1, ':max': dailyLimit.max, ':expiresAt': epochSeconds(now) + DAILY_COUNTER_TTL_SECONDS }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }

    const reasons = await this.transact(items);
    if (reasons === undefined) return { kind: 'CREATED', record };

    const [pointerReason, recordReason, counterReason] = reasons;
    if (failed(recordReason) && recordReason.Item) {
      const mine = recordFromItem(recordReason.Item);
      // The same contact asking again (a Lambda or flow retry) for the same number: its booking stands.
      if (failed(pointerReason) && stringAttribute(pointerReason.Item ?? {}, 'recordId') === request.recordId) {
        return { kind: 'CREATED', record: mine };
      }
      return { kind: 'EXISTS', existing: mine };
    }
    if (failed(pointerReason) && pointerReason.Item) return { kind: 'EXISTS', existing: activeFromPointer(pointerReason.Item, request.phoneE164) };
    // Only when the number has nothing pending: a caller at the limit can still hear, and cancel, their callback.
    if (failed(counterReason)) return { kind: 'LIMIT_REACHED', bookedToday: Number(counterReason.Item?.bookings?.N ?? dailyLimit?.max) };
    throw new Error(`callback booking cancelled: ${reasons.map((reason) => reason.Code ?? 'None').join(', ')}`);
  }

  /**
   * The number's PENDING callback in the queue, as its active pointer knows it, or undefined: what a booking the
   * admission policy refuses before writing (AT_CAPACITY) still reports, so that a caller can hear and cancel it.
   */
  async activeCallback(queueArn: string, phoneE164: string): Promise<ActiveCallback | undefined> {
    const { Item } = await this.send<{ Item?: Record<string, AttributeValue> }>(new GetItemCommand({
      TableName: this.tableName,
      Key: { [TABLE_KEY.PARTITION_KEY]: { S: pointerKey(queueArn, phoneE164) } },
      ConsistentRead: true,
    }));
    // A pointer past its expiresAt is one a new booking may replace (create's condition): nothing is pending.
    if (!Item || !(Number(Item[TABLE_KEY.TTL_ATTRIBUTE]?.N) > epochSeconds(this.now()))) return undefined;
    return activeFromPointer(Item, phoneE164);
  }

  /**
   * PENDING -> CANCELLED; by default only from the number the callback was booked for.
   *
   * With the number and queue known (the caller's number, or what the flow was told, and the handler's queue), the
   * cancel is one transaction and no read: the record's update is conditioned on the number, the queue and the
   * callback contact id it was told (`= :cid`, or none stored yet), together with deleting the number's pointer. When
   * it commits, the record's id state at that instant is the one told: with an id, the caller's StopContact can follow
   * at once; without one, whichever processor stores the id later finds the record CANCELLED and stops the callback
   * (as before, when the cancel read the record again). When the condition fails, DynamoDB returns the record as it
   * is: a record that is gone, no longer PENDING or someone else's ends the cancel as the read used to, and a PENDING
   * one whose values were not the ones told is written again with its own. Without the number or the queue, the
   * record is read first.
   *
   * On APPLIED, `record` is what the cancel knows: the values it was told or read and its own changes; fields it did
   * not learn (the national form of the number, the booking time) are empty unless a read or a failed condition
   * returned the whole record.
   */
  async cancel(recordId: string, request: CancelRequest): Promise<TransitionOutcome> {
    const phoneE164 = request.allowOtherNumber ? request.told?.phoneE164 : request.callerE164;
    let assumed: CallbackRecord;
    if (phoneE164 !== undefined && request.queueArn !== undefined) {
      assumed = assumedPending(recordId, phoneE164, request.queueArn, request.told?.callbackContactId, request.callbackMode);
    } else {
      const current = await this.get(recordId);
      if (!current) return { kind: 'NOT_FOUND' };
      if (current.status !== 'PENDING') return { kind: 'REFUSED', record: current };
      if (!mayCancel(current, request)) return { kind: 'FORBIDDEN', record: current };
      assumed = current;
    }
    for (let attempt = 1; attempt <= CANCEL_ATTEMPTS; attempt++) {
      const cancelledAt = this.now().toISOString();
      const knownId = assumed.callbackContactId !== undefined;
      const dialled = assumed.dialledContactId !== undefined;
      const customerFirst = assumed.callbackMode !== undefined;
      const outcome = await this.closePending(assumed, {
        update: 'SET #status = :cancelled, #cancelledAt = :at',
        values: { ':cancelled': 'CANCELLED', ':at': cancelledAt },
        // The number's condition is also the ownership check: without ALLOW_CANCEL_FOR_OTHER_NUMBER it is the caller's.
        // The mode and the dialled leg decide which contact the removal stops, so they are checked as well.
        condition: ` AND #phoneE164 = :phone AND #queueArn = :queue AND ${knownId ? '#callbackContactId = :cid' : 'attribute_not_exists(#callbackContactId)'}`
          + ` AND ${customerFirst ? '#callbackMode = :mode' : 'attribute_not_exists(#callbackMode)'}`
          + ` AND ${dialled ? '#dialledContactId = :did' : 'attribute_not_exists(#dialledContactId)'}`,
        conditionValues: {
          ':phone': assumed.phoneE164,
          ':queue': assumed.queueArn,
          ...(knownId ? { ':cid': assumed.callbackContactId! } : {}),
          ...(customerFirst ? { ':mode': assumed.callbackMode! } : {}),
          ...(dialled ? { ':did': assumed.dialledContactId! } : {}),
        },
        after: (record) => ({ ...record, status: 'CANCELLED', cancelledAt }),
        isOwnWrite: (record) => record.status === 'CANCELLED' && record.cancelledAt === cancelledAt,
      });
      if (outcome.kind !== 'REFUSED' || outcome.record.status !== 'PENDING') return outcome;
      const current = outcome.record;
      if (!mayCancel(current, request)) return { kind: 'FORBIDDEN', record: current };
      // PENDING and the caller's to cancel, but not as told: the number, the queue or the id differ. Again, with its own.
      assumed = current;
    }
    throw new Error(`callback cancel of ${recordId}: the record changed under every attempt`);
  }

  /**
   * PENDING -> COMPLETED(RELEASED): the contact that booked the record gives it up, because the callback was not
   * created after all (the set-callback flow's undo path). Only that contact may, whichever number it was for.
   */
  async release(recordId: string, requesterContactId: string): Promise<TransitionOutcome> {
    const current = await this.get(recordId);
    if (!current) return { kind: 'NOT_FOUND' };
    if (current.inboundContactId !== requesterContactId) return { kind: 'FORBIDDEN', record: current };
    // A retry of the undo path finds its own release.
    if (current.status === 'COMPLETED' && current.resolution === 'RELEASED') return { kind: 'APPLIED', record: current };
    if (current.status !== 'PENDING') return { kind: 'REFUSED', record: current };
    const change = this.completion('RELEASED');
    return this.closePending(current, {
      ...change,
      condition: ' AND #inboundContactId = :requester',
      conditionValues: { ':requester': requesterContactId },
    }, current.dailyCounterKey === undefined ? undefined : this.giveBackDailyCount(current.dailyCounterKey));
  }

  /** Lowers a daily counter by the booking a release gives up; never below zero, never creating a counter. */
  private giveBackDailyCount(key: string): TransactWriteItem {
    const update = 'ADD #bookings :minusOne';
    const condition = 'attribute_exists(#pk) AND #bookings > :zero';
    return { Update: this.updateInput(key, update, condition, { ':minusOne': -1, ':zero': 0 }) };
  }

  /**
   * PENDING -> COMPLETED(CONNECTED): the customer answered the callback contact `callbackContactId`. A record that
   * already knows its callback contact completes only for that contact; one that does not learns it here.
   */
  async connect(recordId: string, callbackContactId: string): Promise<TransitionOutcome> {
    const current = await this.get(recordId);
    if (!current) return { kind: 'NOT_FOUND' };
    if (current.status !== 'PENDING') return { kind: 'REFUSED', record: current };
    return this.closePending(current, this.learningOnTheWay(this.completion('CONNECTED'), callbackContactId));
  }

  /**
   * CANCELLED -> COMPLETED(HUNG_UP_BY_AGENT): the cancelled callback contact `callbackContactId` reached an agent,
   * who hangs up. Like connect, only for the record's own callback contact.
   */
  agentHangUp(recordId: string, callbackContactId: string): Promise<TransitionOutcome> {
    return this.completeCancelled(recordId, 'HUNG_UP_BY_AGENT', undefined, (change) => this.learningOnTheWay(change, callbackContactId));
  }

  /** CANCELLED -> COMPLETED(REMOVED_BY_API): StopContact removed it, or it was already gone. */
  completeRemovedByApi(recordId: string): Promise<TransitionOutcome> {
    return this.completeCancelled(recordId, 'REMOVED_BY_API');
  }

  /**
   * CANCELLED -> COMPLETED(STOP_REFUSED): StopContact refused the callback contact with an error that retrying
   * cannot fix. The error's name is kept for whoever looks at the record; nothing more is tried for it.
   */
  completeStopRefused(recordId: string, errorName: string): Promise<TransitionOutcome> {
    return this.completeCancelled(recordId, 'STOP_REFUSED', undefined, (change) => ({
      ...change,
      update: `${change.update}, #stopError = :stopError`,
      values: { ...change.values, ':stopError': errorName.slice(0, 100) },
    }));
  }

  /**
   * PENDING|CANCELLED -> COMPLETED(ENDED): the callback contact ended in Amazon Connect (its own CTR
   * arrived) without being connected, hung up or removed, so the number may book again.
   */
  async completeEnded(recordId: string): Promise<TransitionOutcome> {
    const fromCancelled = await this.completeCancelled(recordId, 'ENDED');
    if (fromCancelled.kind !== 'REFUSED' || fromCancelled.record.status !== 'PENDING') return fromCancelled;
    return this.closePending(fromCancelled.record, this.completion('ENDED'));
  }

  /**
   * Records the callback contact id (from the inbound CTR's NextContactId or the callback's own CTR).
   * Idempotent for the same id; a different id is never overwritten.
   *
   * The write that stores the id first, on a record still PENDING, copies it to the number's active pointer, where the
   * next booking attempt's reply finds it for the caller's cancel. That copy is conditioned on the pointer being this
   * record's (so it never creates one, nor touches a later booking's), and may lose a race with the cancel's delete,
   * which is harmless: the pointer only saves the cancel a write. A redelivery (the id stored before) does not repeat it.
   */
  async learnCallbackId(recordId: string, callbackContactId: string): Promise<LearnOutcome> {
    const learnedAt = this.now().toISOString();
    const update = 'SET #callbackContactId = :cid, #callbackIdLearnedAt = if_not_exists(#callbackIdLearnedAt, :at)';
    // A released record never had a callback: whatever contact a CTR names for it is not one.
    const condition = 'attribute_exists(#pk) AND (attribute_not_exists(#callbackContactId) OR #callbackContactId = :cid)'
      + ' AND (attribute_not_exists(#resolution) OR #resolution <> :released)';
    const result = await this.updateIf(this.updateInput(recordKey(recordId), update, condition,
      { ':cid': callbackContactId, ':at': learnedAt, ':released': 'RELEASED' }));
    if (!result.applied) return learnRefusal(result.item);
    const record = recordFromItem(result.item);
    if (record.status === 'PENDING' && record.callbackIdLearnedAt === learnedAt) await this.tellPointer(record, callbackContactId);
    return { kind: 'LEARNED', record };
  }

  /** The callback contact id on the record's own active pointer; nothing when the pointer is gone or another record's. */
  private async tellPointer(record: CallbackRecord, callbackContactId: string): Promise<void> {
    const update = 'SET #callbackContactId = :cid';
    const condition = '#recordId = :rid';
    try {
      await this.send(new UpdateItemCommand(this.updateInput(pointerKey(record.queueArn, record.phoneE164), update, condition,
        { ':cid': callbackContactId, ':rid': record.recordId })));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * PENDING -> CANCELLED by an operator through the callbacks API. IAM authorised the request, so there is no number
   * to check: who asked is kept in `cancelledBy`. Like a caller's cancel it frees the number at once; the callback is
   * then removed from the queue the same way (callback-lifecycle.ts).
   */
  async cancelByOperator(recordId: string, operator: string): Promise<TransitionOutcome> {
    const current = await this.get(recordId);
    if (!current) return { kind: 'NOT_FOUND' };
    if (current.status !== 'PENDING') return { kind: 'REFUSED', record: current };
    const cancelledAt = this.now().toISOString();
    const cancelledBy = operator.slice(0, 2048);
    const outcome = await this.closePending(current, {
      update: 'SET #status = :cancelled, #cancelledAt = :at, #cancelledBy = :by',
      values: { ':cancelled': 'CANCELLED', ':at': cancelledAt, ':by': cancelledBy },
      condition: '',
      conditionValues: {},
      after: (record) => ({ ...record, status: 'CANCELLED', cancelledAt, cancelledBy }),
      isOwnWrite: (record) => record.status === 'CANCELLED' && record.cancelledAt === cancelledAt,
    });
    if (outcome.kind !== 'APPLIED') return outcome;
    // Read again: the callback contact id may have been learned between the first read and the write.
    const after = await this.get(recordId);
    return { kind: 'APPLIED', record: after ?? { ...current, status: 'CANCELLED', cancelledAt, cancelledBy } };
  }

  /**
   * PENDING|CANCELLED -> COMPLETED(EXPIRED), by the reconciler: a record booked no later than `createdNoLaterThan`
   * (the longest time a callback can wait ago) whose callback no documented API can find. The cut-off is part of the
   * condition, so a record booked since can never be expired by it.
   */
  async completeExpired(recordId: string, createdNoLaterThan: string): Promise<TransitionOutcome> {
    const bookedBefore = (change: RecordChange): RecordChange => ({
      ...change,
      condition: `${change.condition} AND #createdAt <= :cutoff`,
      conditionValues: { ...change.conditionValues, ':cutoff': createdNoLaterThan },
    });
    const fromCancelled = await this.completeCancelled(recordId, 'EXPIRED', undefined, bookedBefore);
    if (fromCancelled.kind !== 'REFUSED' || fromCancelled.record.status !== 'PENDING') return fromCancelled;
    return this.closePending(fromCancelled.record, bookedBefore(this.completion('EXPIRED')));
  }

  /**
   * Marks an open record the reconciler cannot settle, once: the first flag and its time are kept. Undefined when the
   * record is no longer open (it was completed meanwhile) or gone.
   */
  async flagOpenRecord(recordId: string, flag: ReconcilerFlag): Promise<CallbackRecord | undefined> {
    const update = 'SET #flag = if_not_exists(#flag, :flag), #flaggedAt = if_not_exists(#flaggedAt, :at)';
    const condition = 'attribute_exists(#pk) AND attribute_exists(#openQueueArn)';
    const result = await this.updateIf(this.updateInput(recordKey(recordId), update, condition, { ':flag': flag, ':at': this.now().toISOString() }));
    return result.applied ? recordFromItem(result.item) : undefined;
  }

  /**
   * COMPLETED starts the short retention of a finished record (the construct's callbackTtl). `notBefore`: the
   * completion is never stamped earlier than that (the cancel it follows, when that was stamped later).
   */
  private completion(resolution: CallbackResolution, notBefore?: string): RecordChange {
    const floor = notBefore === undefined ? NaN : Date.parse(notBefore);
    const now = Number.isNaN(floor) || floor <= this.now().getTime() ? this.now() : new Date(floor);
    const completedAt = now.toISOString();
    const expiresAt = epochSeconds(now) + this.completedRecordTtlSeconds;
    return {
      // REMOVE first: callers append SET actions (`, #x = :y`) to this expression. A COMPLETED record leaves the index.
      update: 'REMOVE #openQueueArn SET #status = :completed, #resolution = :resolution, #completedAt = :at, #expiresAt = :expiresAt',
      values: { ':completed': 'COMPLETED', ':resolution': resolution, ':at': completedAt, ':expiresAt': expiresAt },
      condition: '',
      conditionValues: {},
      after: (record) => ({ ...record, status: 'COMPLETED', resolution, completedAt, expiresAt }),
      isOwnWrite: (record) => record.status === 'COMPLETED' && record.resolution === resolution && record.completedAt === completedAt,
    };
  }

  /**
   * Applies a transition out of PENDING together with deleting the active pointer, so the number can
   * book again exactly when the record stops being PENDING.
   */
  private async closePending(current: CallbackRecord, change: RecordChange, alongside?: TransactWriteItem): Promise<TransitionOutcome> {
    const recordCondition = `attribute_exists(#pk) AND #status = :pending AND #expiresAt > :now${change.condition}`;
    const recordValues = { ...change.values, ...change.conditionValues, ':pending': 'PENDING', ':now': epochSeconds(this.now()) };
    const recordUpdate = this.updateInput(recordKey(current.recordId), change.update, recordCondition, recordValues);
    // Only this record's own pointer is deleted; a later booking's pointer is left alone.
    const pointerCondition = 'attribute_not_exists(#pk) OR #recordId = :rid';
    const reasons = await this.transact([
      { Update: { ...recordUpdate, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      {
        Delete: {
          TableName: this.tableName,
          Key: { [TABLE_KEY.PARTITION_KEY]: { S: pointerKey(current.queueArn, current.phoneE164) } },
          ConditionExpression: pointerCondition,
          ExpressionAttributeNames: namesFor(pointerCondition),
          ExpressionAttributeValues: valuesFor({ ':rid': current.recordId }),
        },
      },
      ...(alongside ? [alongside] : []),
    ]);
    if (reasons === undefined) return { kind: 'APPLIED', record: change.after(current) };

    const [recordReason, pointerReason, alongsideReason] = reasons;
    if (failed(recordReason)) return this.refusal(recordReason.Item, change);
    // What goes alongside (a daily count given back) must never hold the transition up: without it, once more.
    if (failed(alongsideReason)) return this.closePending(current, change);
    if (failed(pointerReason)) {
      // The number's pointer belongs to another record (this one's expired and was replaced): the
      // record alone moves on, still guarded by the same condition.
      const alone = await this.updateIf(recordUpdate);
      return alone.applied ? { kind: 'APPLIED', record: recordFromItem(alone.item) } : this.refusal(alone.item, change);
    }
    throw new Error(`callback transition cancelled: ${reasons.map((reason) => reason.Code ?? 'None').join(', ')}`);
  }

  private async completeCancelled(
    recordId: string,
    resolution: CallbackResolution,
    notBefore?: string,
    adapt: (change: RecordChange) => RecordChange = (change) => change,
  ): Promise<TransitionOutcome> {
    const change = adapt(this.completion(resolution, notBefore));
    // The time is taken before the request is sent, so a cancel stored meanwhile may carry a later one: the
    // completion must not be stamped before the cancel it follows (see the retry below).
    const condition = 'attribute_exists(#pk) AND #status = :cancelled AND #expiresAt > :now AND (attribute_not_exists(#cancelledAt) OR #cancelledAt <= :at)'
      + change.condition;
    const result = await this.updateIf(this.updateInput(recordKey(recordId), change.update, condition,
      { ...change.values, ...change.conditionValues, ':cancelled': 'CANCELLED', ':now': epochSeconds(this.now()) }));
    if (result.applied) return { kind: 'APPLIED', record: recordFromItem(result.item) };
    const item = result.item;
    const cancelledAt = item ? stringAttribute(item, 'cancelledAt') : undefined;
    if (notBefore === undefined && item && stringAttribute(item, 'status') === 'CANCELLED' && cancelledAt !== undefined
      && cancelledAt > String(change.values[':at'])) {
      // Cancelled after this completion's time was taken: complete it again, stamped no earlier than the cancel.
      return this.completeCancelled(recordId, resolution, cancelledAt, adapt);
    }
    return this.refusal(item, change);
  }

  /**
   * A whisper's transition names the callback contact it runs for: a record that knows its callback contact
   * moves only for that one, and a record that does not yet know it learns it in the same write.
   */
  private learningOnTheWay(change: RecordChange, callbackContactId: string): RecordChange {
    return {
      ...change,
      update: `${change.update}, #callbackContactId = if_not_exists(#callbackContactId, :cid), `
        + '#callbackIdLearnedAt = if_not_exists(#callbackIdLearnedAt, :at)',
      condition: `${change.condition} AND (attribute_not_exists(#callbackContactId) OR #callbackContactId = :cid)`,
      conditionValues: { ...change.conditionValues, ':cid': callbackContactId },
      after: (record) => ({ ...change.after(record), callbackContactId: record.callbackContactId ?? callbackContactId }),
    };
  }

  private refusal(item: Record<string, AttributeValue> | undefined, change: RecordChange): TransitionOutcome {
    if (!item) return { kind: 'NOT_FOUND' };
    const record = recordFromItem(item);
    if (change.isOwnWrite(record)) return { kind: 'APPLIED', record };
    return this.isExpired(record) ? { kind: 'NOT_FOUND' } : { kind: 'REFUSED', record };
  }

  /** One conditional update of the item `pk`, as an UpdateItem's input or a transaction's Update. */
  private updateInput(pk: string, update: string, condition: string, values: Record<string, string | number>) {
    return {
      TableName: this.tableName,
      Key: { [TABLE_KEY.PARTITION_KEY]: { S: pk } },
      UpdateExpression: update,
      ConditionExpression: condition,
      ExpressionAttributeNames: namesFor(update, condition),
      ExpressionAttributeValues: valuesFor(values),
    };
  }

  /**
   * Sends one conditional UpdateItem: the item as the update left it, or, when the condition failed, as it was
   * (undefined: there is no such item). The failed condition returns it, so no read, and no GetItem grant, is needed.
   */
  private async updateIf(input: ReturnType<CallbackStore['updateInput']>): Promise<
    { readonly applied: true; readonly item: Record<string, AttributeValue> }
    | { readonly applied: false; readonly item?: Record<string, AttributeValue> }> {
    try {
      const { Attributes } = await this.send<{ Attributes?: Record<string, AttributeValue> }>(new UpdateItemCommand({
        ...input,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return { applied: true, item: Attributes ?? {} };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { applied: false, item: (error as { Item?: Record<string, AttributeValue> }).Item };
    }
  }

  /** Runs a transaction; undefined when it committed, else why each item's condition stopped it. */
  private async transact(items: TransactWriteItem[]): Promise<CancellationReason[] | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return undefined;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        const conflict = reasons.some((reason) => reason.Code === 'TransactionConflict');
        if (conflict && attempt < TRANSACTION_ATTEMPTS) continue;
        if (conflict) throw error;
        return reasons;
      }
    }
  }

  /** Every request of the store, under the invocation's deadline. */
  private send<Output extends object>(command: object): Promise<Output> {
    return this.client.send(command as never, { abortSignal: this.abortSignal() }) as Promise<Output>;
  }

  private isExpired(record: CallbackRecord): boolean {
    return record.expiresAt <= epochSeconds(this.now());
  }

  // Customer-first callbacks (lambda-src/shared/customer-first-lifecycle.ts). The queued leg C2 is the record's
  // callbackContactId, as an agent-first callback contact is: the contact StopContact removes from the queue before
  // any dial. The dialled leg C3 is its dialledContactId. Each method is one conditional write per transition.

  /**
   * Records the dialled leg C3 and its queued leg C2 (from C3's contact event, or C2's CTR, whose NextContactId C3 is)
   * in one conditional write: both are kept once known, and a different id is never written over either.
   */
  async learnDialledContactId(recordId: string, legs: CustomerFirstLegs): Promise<LearnOutcome> {
    const clauses = legClauses(legs);
    const update = `SET ${clauses.set.join(', ')}`;
    const condition = `attribute_exists(#pk) AND (attribute_not_exists(#resolution) OR #resolution <> :released)${clauses.condition}`;
    const result = await this.updateIf(this.updateInput(recordKey(recordId), update, condition,
      { ...clauses.values, ':at': this.now().toISOString(), ':released': 'RELEASED' }));
    return result.applied ? { kind: 'LEARNED', record: recordFromItem(result.item) } : learnRefusal(result.item);
  }

  /**
   * The dialled leg's outcome ends the record, learning both legs on the way: from PENDING, ANSWERED is CONNECTED and
   * VOICEMAIL / NOT_ANSWERED are themselves; from CANCELLED (the cancel came after the dial began), ANSWERED is
   * CANCELLED_ON_ANSWER. The outcome depends on the leg alone, so every source of it (the outbound callback flow,
   * C3's DISCONNECTED event, C3's CTR) ends the record the same way, whichever comes first.
   */
  async completeDialledLeg(recordId: string, legs: CustomerFirstLegs, outcome: DialledLegOutcome): Promise<TransitionOutcome> {
    const withLegs = (change: RecordChange) => this.legsOnTheWay(change, legs);
    const afterCancel: CallbackResolution = outcome === 'ANSWERED' ? 'CANCELLED_ON_ANSWER' : outcome;
    const whilePending: CallbackResolution = outcome === 'ANSWERED' ? 'CONNECTED' : outcome;
    // A cancel stored between the two writes moves the record on: the second round finds it CANCELLED.
    for (let round = 0; ; round++) {
      const fromCancelled = await this.completeCancelled(recordId, afterCancel, undefined, withLegs);
      if (fromCancelled.kind !== 'REFUSED' || fromCancelled.record.status !== 'PENDING') return fromCancelled;
      const fromPending = await this.closePending(fromCancelled.record, withLegs(this.completion(whilePending)));
      if (round > 0 || fromPending.kind !== 'REFUSED' || fromPending.record.status !== 'CANCELLED') return fromPending;
    }
  }

  /** CANCELLED -> COMPLETED(DIAL_STOPPED): StopContact ended the dialled leg of a callback cancelled after its dial began. */
  completeDialStopped(recordId: string): Promise<TransitionOutcome> {
    return this.completeCancelled(recordId, 'DIAL_STOPPED');
  }

  /** A transition that names the legs of the contact it runs for: it learns them, and only moves a record whose legs they are. */
  private legsOnTheWay(change: RecordChange, legs: CustomerFirstLegs): RecordChange {
    const clauses = legClauses(legs);
    return {
      ...change,
      update: `${change.update}, ${clauses.set.join(', ')}`,
      condition: `${change.condition}${clauses.condition}`,
      conditionValues: { ...change.conditionValues, ...clauses.values },
      after: (record) => ({
        ...change.after(record),
        dialledContactId: record.dialledContactId ?? legs.dialledContactId,
        callbackContactId: record.callbackContactId ?? legs.queuedContactId,
      }),
    };
  }
}

/**
 * The SET clauses, condition and values that learn a customer-first callback's legs: `:at` is the caller's timestamp.
 * Each id is written only where none is, and the condition refuses a record that holds a different one.
 */
function legClauses(legs: CustomerFirstLegs): { set: string[]; condition: string; values: Record<string, string> } {
  const set = ['#dialledContactId = if_not_exists(#dialledContactId, :did)', '#dialledIdLearnedAt = if_not_exists(#dialledIdLearnedAt, :at)'];
  let condition = ' AND (attribute_not_exists(#dialledContactId) OR #dialledContactId = :did)';
  const values: Record<string, string> = { ':did': legs.dialledContactId };
  if (legs.queuedContactId !== undefined) {
    set.push('#callbackContactId = if_not_exists(#callbackContactId, :qid)', '#callbackIdLearnedAt = if_not_exists(#callbackIdLearnedAt, :at)');
    condition += ' AND (attribute_not_exists(#callbackContactId) OR #callbackContactId = :qid)';
    values[':qid'] = legs.queuedContactId;
  }
  return { set, condition, values };
}

/**
 * The PENDING record a cancel was told of, before it reads anything: the fields a cancel needs (its key, its
 * pointer's key, its callback contact id) and nothing it does not know. The record id is the booking contact's id.
 */
function assumedPending(
  recordId: string, phoneE164: string, queueArn: string, callbackContactId: string | undefined, mode: CallbackMode | undefined,
): CallbackRecord {
  return {
    recordId,
    status: 'PENDING',
    phoneE164,
    phoneNational: '',
    country: '',
    queueArn,
    inboundContactId: recordId,
    callbackContactId,
    // A booking stamps only the customer-first mode (agent-first records carry none).
    callbackMode: mode === 'CUSTOMER_FIRST' ? mode : undefined,
    createdAt: '',
    // Not known without a read; only ever compared on records read from the table.
    expiresAt: Number.NaN,
  };
}

/** Whether `request` may cancel `record`: by default only from the number it was booked for (the write re-checks it). */
function mayCancel(record: CallbackRecord, request: CancelRequest): boolean {
  return request.allowOtherNumber || (request.callerE164 !== undefined && request.callerE164 === record.phoneE164);
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
