/**
 * 1,000 races (500 per variant) on shared records and numbers, across every writer: bookings, the caller's cancel, the
 * whispers' completions (CONNECT, AGENT_HANG_UP) and the arrival of the callback's contact id (contact event, inbound
 * CTR, the callback's own CTR). Each race's requests are sent at once; afterwards an invariant check runs over the
 * whole table: at most one PENDING record per number and queue, pointers and PENDING records in step, every terminal
 * state reached once, only allowed transitions (timestamps in order), and every TTL as the policy says.
 */
import { OPEN_RECORD_TTL_SECONDS } from '../../lambda-src/shared/contract';
import { createCallbackTable, type PlainItem, scanTable } from '../support/dynamodb-server';
import { COMPLETED_TTL_SECONDS, type FlowHandler, useTestEnvironment } from '../support/environment';
import { callbackContactEvent, callbackCtr, callbackContactCall, flowEvent, inboundCtr, kinesisBatch, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';
import { inPool } from '../support/pool';

const env = useTestEnvironment();
const RACES_PER_VARIANT = 500;
/** Races in flight at once; each sends two to four requests together. */
const RACES_IN_FLIGHT = 16;

type Processor = (event: unknown) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;
type EventProcessor = (event: unknown) => Promise<{ outcome: string }>;

const KINDS = ['create-vs-create', 'cancel-vs-connect', 'cancel-vs-id-arrival', 'connect-vs-ended-vs-id', 'rebook-vs-cancel-vs-hang-up'] as const;
type Kind = typeof KINDS[number];

interface RaceResult {
  readonly kind: Kind;
  readonly phone: string;
  /** The record(s) the race is about. */
  readonly recordIds: string[];
  readonly replies: Record<string, any>;
}

const epochOf = (iso: unknown) => Math.floor(Date.parse(String(iso)) / 1000);
const RESOLUTIONS = ['CONNECTED', 'REMOVED_BY_API', 'HUNG_UP_BY_AGENT', 'ENDED'];
const RECORD_ATTRIBUTES = ['pk', 'recordType', 'recordId', 'status', 'phoneE164', 'phoneNational', 'country', 'queueArn', 'inboundContactId', 'createdAt', 'expiresAt'];

/** The invariants over every item of the table. Returns the records by id for the per-race checks. */
function checkTable(items: PlainItem[]): Map<string, PlainItem> {
  const records = new Map<string, PlainItem>();
  const pointers = new Map<string, PlainItem>();
  for (const item of items) {
    expect(['CALLBACK', 'ACTIVE']).toContain(item.recordType);
    expect(typeof item.expiresAt).toBe('number');
    if (item.recordType === 'ACTIVE') {
      pointers.set(String(item.pk), item);
      continue;
    }
    for (const attribute of RECORD_ATTRIBUTES) expect({ id: item.recordId, has: attribute in item }).toEqual({ id: item.recordId, has: true });
    records.set(String(item.recordId), item);
    const created = Date.parse(String(item.createdAt));
    if (item.callbackIdLearnedAt !== undefined) expect(Date.parse(String(item.callbackIdLearnedAt))).toBeGreaterThanOrEqual(created);
    switch (item.status) {
      case 'PENDING':
        expect(item.cancelledAt).toBeUndefined();
        expect(item.completedAt).toBeUndefined();
        expect(item.resolution).toBeUndefined();
        expect(item.expiresAt).toBe(epochOf(item.createdAt) + OPEN_RECORD_TTL_SECONDS);
        break;
      case 'CANCELLED':
        expect(Date.parse(String(item.cancelledAt))).toBeGreaterThanOrEqual(created);
        expect(item.completedAt).toBeUndefined();
        expect(item.expiresAt).toBe(epochOf(item.createdAt) + OPEN_RECORD_TTL_SECONDS);
        break;
      case 'COMPLETED': {
        expect(RESOLUTIONS).toContain(item.resolution);
        const completed = Date.parse(String(item.completedAt));
        expect(completed).toBeGreaterThanOrEqual(created);
        if (item.cancelledAt !== undefined) expect(completed).toBeGreaterThanOrEqual(Date.parse(String(item.cancelledAt)));
        // Allowed transitions: CONNECTED only from PENDING; removal and hang-up only from CANCELLED.
        if (item.resolution === 'CONNECTED') expect(item.cancelledAt).toBeUndefined();
        if (item.resolution === 'REMOVED_BY_API' || item.resolution === 'HUNG_UP_BY_AGENT') expect(item.cancelledAt).toBeDefined();
        expect(item.expiresAt).toBe(epochOf(item.completedAt) + COMPLETED_TTL_SECONDS);
        break;
      }
      default:
        throw new Error(`record ${item.recordId} has status ${item.status}`);
    }
  }
  // At most one PENDING record per number and queue, and it is exactly the one its pointer names.
  const pending = [...records.values()].filter((record) => record.status === 'PENDING');
  const pendingPerNumber = new Map<string, number>();
  for (const record of pending) {
    const key = `ACTIVE#${record.queueArn}#${record.phoneE164}`;
    pendingPerNumber.set(key, (pendingPerNumber.get(key) ?? 0) + 1);
    expect(pointers.get(key)).toMatchObject({ recordId: record.recordId });
  }
  expect([...pendingPerNumber.values()].filter((count) => count > 1)).toEqual([]);
  for (const [key, pointer] of pointers) {
    expect({ key, status: records.get(String(pointer.recordId))?.status }).toEqual({ key, status: 'PENDING' });
  }
  return records;
}

describe.each(VARIANTS)('races on shared records (%s)', (variant) => {
  test(`${RACES_PER_VARIANT} races, then the table's invariants`, async () => {
    const tableName = `Races-${variant}`;
    await createCallbackTable(env.db.endpoint, tableName);
    const overrides = { TABLE_NAME: tableName };
    const write = env.load('write-callback', variant, overrides);
    const update = env.load('update-callback', variant, overrides);
    const processCtrs = env.load<Processor>('ctr-processor', variant, overrides);
    const processEvent = env.load<EventProcessor>('contact-event-processor', variant, overrides);
    env.connect.failWith('none');
    const firstStop = env.connect.calls.length;
    const firstLine = variant === 'source' ? 0 : 1000;

    const book = async (phone: string, recordId = newContactId()): Promise<FlowHandlerReply> => {
      const reply = await write(flowEvent({ contactId: recordId, callerNumber: phone }));
      return { ...reply, contactId: recordId };
    };
    const transition = (recordId: string, name: string, caller?: string): Promise<Record<string, string>> =>
      update(flowEvent({ callerNumber: caller, parameters: { recordId, transition: name } }));
    /** A whisper's transition, from the record's callback contact. */
    const whisper = (recordId: string, name: string, callbackContactId: string): Promise<Record<string, string>> =>
      update(flowEvent(callbackContactCall(recordId, name, callbackContactId)));
    const ctr = async (entry: object) => (await processCtrs(kinesisBatch([entry]))).batchItemFailures;

    const started = Date.now();
    const results = await inPool(Array.from({ length: RACES_PER_VARIANT }, (_, i) => i), RACES_IN_FLIGHT, async (index): Promise<RaceResult> => {
      const kind = KINDS[index % KINDS.length];
      const phone = `+1917555${String(firstLine + index).padStart(4, '0')}`;
      if (kind === 'create-vs-create') {
        const [a, b] = await Promise.all([book(phone), book(phone)]);
        return { kind, phone, recordIds: [a.contactId, b.contactId], replies: { a, b } };
      }
      const booked = await book(phone);
      expect(booked.result).toBe('CREATED');
      const recordId = booked.contactId;
      const callbackContactId = newContactId();
      switch (kind) {
        case 'cancel-vs-connect': {
          const [cancel, connect] = await Promise.all([transition(recordId, 'CANCEL', phone), whisper(recordId, 'CONNECT', callbackContactId)]);
          return { kind, phone, recordIds: [recordId], replies: { cancel, connect } };
        }
        case 'cancel-vs-id-arrival': {
          const [cancel, event, inbound] = await Promise.all([
            transition(recordId, 'CANCEL', phone),
            processEvent(callbackContactEvent(recordId, callbackContactId)),
            ctr(inboundCtr(recordId, callbackContactId)),
          ]);
          return { kind, phone, recordIds: [recordId], replies: { cancel, event, inbound, callbackContactId } };
        }
        case 'connect-vs-ended-vs-id': {
          const [connect, ended, event] = await Promise.all([
            whisper(recordId, 'CONNECT', callbackContactId),
            ctr(callbackCtr(recordId, callbackContactId)),
            processEvent(callbackContactEvent(recordId, callbackContactId)),
          ]);
          return { kind, phone, recordIds: [recordId], replies: { connect, ended, event } };
        }
        case 'rebook-vs-cancel-vs-hang-up': {
          const [cancel, rebook, hangUp] = await Promise.all([
            transition(recordId, 'CANCEL', phone),
            book(phone),
            whisper(recordId, 'AGENT_HANG_UP', callbackContactId),
          ]);
          return { kind, phone, recordIds: [recordId, rebook.contactId], replies: { cancel, rebook, hangUp } };
        }
      }
      throw new Error(`unknown race ${kind}`);
    });
    const elapsed = Date.now() - started;

    const items = await scanTable(env.db.endpoint, tableName);
    const records = checkTable(items);
    const stops = env.connect.calls.slice(firstStop);

    const counts: Record<string, number> = {};
    for (const { kind, phone, recordIds, replies } of results) {
      counts[kind] = (counts[kind] ?? 0) + 1;
      const [first, second] = recordIds.map((id) => records.get(id));
      switch (kind) {
        case 'create-vs-create': {
          // Exactly one booking wins; the loser is told about the winner's, and stores nothing.
          const { a, b } = replies;
          expect([a.result, b.result].sort()).toEqual(['CREATED', 'EXISTS']);
          const [winner, loser] = a.result === 'CREATED' ? [a, b] : [b, a];
          expect(loser.recordId).toBe(winner.recordId);
          expect(records.get(winner.recordId)).toMatchObject({ status: 'PENDING', phoneE164: phone });
          expect(records.has(loser.contactId)).toBe(false);
          break;
        }
        case 'cancel-vs-connect': {
          const { cancel, connect } = replies;
          expect([cancel.result, connect.result].sort()).toEqual(['APPLIED', 'REFUSED']);
          expect(first).toMatchObject(cancel.result === 'APPLIED' ? { status: 'CANCELLED' } : { status: 'COMPLETED', resolution: 'CONNECTED' });
          break;
        }
        case 'cancel-vs-id-arrival': {
          // Whatever the order, the cancel is stored, the id is learnt, and the callback is removed.
          const { cancel, event, inbound, callbackContactId } = replies;
          expect(cancel.result).toBe('APPLIED');
          expect(inbound).toEqual([]);
          expect(['ID_LEARNED', 'REMOVED']).toContain(event.outcome);
          expect(first).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', callbackContactId });
          expect(stops.filter((call) => call.contactId === callbackContactId).length).toBeGreaterThanOrEqual(1);
          break;
        }
        case 'connect-vs-ended-vs-id': {
          // One terminal state, reached once: CONNECTED if the whisper won, else ENDED.
          const { connect, ended, event } = replies;
          expect(ended).toEqual([]);
          // The record is PENDING or already COMPLETED when the id arrives: it is stored, nothing is stopped.
          expect(event.outcome).toBe('ID_LEARNED');
          expect(['APPLIED', 'REFUSED']).toContain(connect.result);
          expect(first).toMatchObject({ status: 'COMPLETED', resolution: connect.result === 'APPLIED' ? 'CONNECTED' : 'ENDED' });
          break;
        }
        case 'rebook-vs-cancel-vs-hang-up': {
          const { cancel, rebook, hangUp } = replies;
          expect(cancel.result).toBe('APPLIED');
          // The hang-up applies only once the cancel is stored; before it, the record was PENDING and it is refused.
          expect(first).toMatchObject(hangUp.result === 'APPLIED'
            ? { status: 'COMPLETED', resolution: 'HUNG_UP_BY_AGENT' }
            : { status: 'CANCELLED' });
          expect(hangUp.result === 'APPLIED' || hangUp.result === 'REFUSED').toBe(true);
          // The new booking either came after the cancel (its own PENDING record) or before it (told of the first).
          if (rebook.result === 'CREATED') {
            expect(second).toMatchObject({ status: 'PENDING', phoneE164: phone });
          } else {
            expect(rebook).toMatchObject({ result: 'EXISTS', recordId: recordIds[0] });
            expect(second).toBeUndefined();
          }
          break;
        }
      }
    }
    expect(counts).toEqual(Object.fromEntries(KINDS.map((kind) => [kind, RACES_PER_VARIANT / KINDS.length])));
    // No request hit the handlers' bounds: a reply of ERROR anywhere would have failed a check above.
    expect(elapsed).toBeLessThan(60_000);
  }, 120_000);
});

type FlowHandlerReply = Awaited<ReturnType<FlowHandler>> & { contactId: string };

/**
 * The admission policy's daily limit under the same kind of races (200 per variant, limit 2): bookings of one number
 * racing each other, its cancel, and the release of a booking given up. Afterwards, for every number: its counter is
 * exactly the bookings it made that were not given up, never above the limit, and no booking over the limit exists.
 */
describe.each(VARIANTS)('races on a daily limit (%s)', (variant) => {
  const LIMIT = 2;
  const LIMIT_RACES = 200;
  test(`${LIMIT_RACES} races, then every number's count`, async () => {
    const tableName = `LimitRaces-${variant}`;
    await createCallbackTable(env.db.endpoint, tableName);
    const overrides = { TABLE_NAME: tableName, ADMISSION_MAX_CALLBACKS_PER_NUMBER_PER_DAY: String(LIMIT) };
    const write = env.load('write-callback', variant, overrides);
    const update = env.load('update-callback', variant, overrides);
    const firstLine = variant === 'source' ? 2000 : 3000;
    const book = async (phone: string): Promise<Record<string, string>> => {
      const recordId = newContactId();
      return { ...(await write(flowEvent({ contactId: recordId, callerNumber: phone }))), contactId: recordId };
    };
    const cancel = (recordId: string, phone: string) => update(flowEvent({ callerNumber: phone, parameters: { recordId, transition: 'CANCEL' } }));
    const release = (recordId: string, phone: string) =>
      update(flowEvent({ contactId: recordId, callerNumber: phone, parameters: { recordId, transition: 'RELEASE' } }));

    const replies = await inPool(Array.from({ length: LIMIT_RACES }, (_, i) => i), RACES_IN_FLIGHT, async (index) => {
      const phone = `+1917555${String(firstLine + index).padStart(4, '0')}`;
      const first = await book(phone);
      expect(first.result).toBe('CREATED');
      // The first booking is cancelled or given up while three more race for the number's remaining booking.
      const undo = index % 2 === 0 ? cancel(first.contactId, phone) : release(first.contactId, phone);
      const [undone, ...rebooks] = await Promise.all([undo, book(phone), book(phone), book(phone)]);
      expect(undone.result).toBe('APPLIED');
      // Whatever won is cancelled, and the number tries once more: refused exactly when its kept bookings used the limit up.
      const won = rebooks.filter((reply) => reply.result === 'CREATED');
      expect(won.length).toBeLessThanOrEqual(1);
      for (const booked of won) expect((await cancel(booked.contactId, phone)).result).toBe('APPLIED');
      const last = await book(phone);
      // A cancelled booking still counts, a released one does not: only two kept bookings use the limit up.
      expect(last.result).toBe(index % 2 === 0 && won.length === 1 ? 'LIMIT_REACHED' : 'CREATED');
      return { phone, all: [first, ...rebooks, last] };
    });

    const items = await scanTable(env.db.endpoint, tableName);
    const counters = new Map<string, number>();
    for (const item of items.filter((candidate) => String(candidate.pk).startsWith('DAILY#'))) {
      const phone = String(item.pk).split('#')[2];
      counters.set(phone, (counters.get(phone) ?? 0) + Number(item.bookings));
      expect(Number(item.bookings)).toBeLessThanOrEqual(LIMIT);
      expect(Number(item.bookings)).toBeGreaterThanOrEqual(0);
    }
    const records = items.filter((item) => String(item.pk).startsWith('CALLBACK#'));
    for (const { phone, all } of replies) {
      const mine = records.filter((record) => record.phoneE164 === phone);
      const kept = mine.filter((record) => record.resolution !== 'RELEASED');
      // Every booking the handler reported CREATED is a record, and every record was reported once.
      expect(mine.map((record) => record.recordId).sort()).toEqual(all.filter((reply) => reply.result === 'CREATED').map((reply) => reply.contactId).sort());
      expect(kept.length).toBeLessThanOrEqual(LIMIT);
      expect(counters.get(phone)).toBe(kept.length);
      // At most one of them is pending, and a refusal came only once the kept bookings reached the limit.
      expect(mine.filter((record) => record.status === 'PENDING').length).toBeLessThanOrEqual(1);
      if (all.some((reply) => reply.result === 'LIMIT_REACHED')) expect(kept.length).toBe(LIMIT);
    }
    // The limit was really reached in some races, and not in others.
    const refused = replies.filter(({ all }) => all.some((reply) => reply.result === 'LIMIT_REACHED')).length;
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(LIMIT_RACES);
  }, 300_000);
});
