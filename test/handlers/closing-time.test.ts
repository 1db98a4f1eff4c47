/**
 * The admission policy's closing-time rules as write-callback-hours decides them, against DynamoDB Local and the local
 * Connect API (GetEffectiveHoursOfOperations through the real SDK client), for the TypeScript source and the shipped
 * bundle: closing soon, closed, deferred to the next opening (across a weekend, a holiday override and a DST change),
 * the cache, and the policy failing open when the hours cannot be read. The clock is faked (Date only: the SDK's
 * timers stay real).
 */
import { ADMISSION_ENV } from '../../lambda-src/shared/contract';
import { HOURS_CACHE_MS, FAILURE_CACHE_MS } from '../../lambda-src/shared/hours-check';
import { effectiveHoursOf, weekdayHours } from '../../src/simulator/hours-of-operation';
import { getItem } from '../support/dynamodb-server';
import { type FlowHandler, TABLE_NAME, useTestEnvironment } from '../support/environment';
import { INSTANCE_ARN, INSTANCE_ID, QUEUE_ARN, flowEvent, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();
const HOURS_ID = '99999999-8888-4777-8666-555555555555';
const HOURS_ARN = `${INSTANCE_ARN}/operating-hours/${HOURS_ID}`;
const NY = 'America/New_York';
/** Weekdays 09:00 to 17:00 in New York; Tuesday 2 June 2026 a holiday. */
const hours = weekdayHours(HOURS_ID, NY, [{ name: 'holiday', date: '2026-06-02', status: 'CLOSED' }]);
const H = 3600;

let nextLine = 500;
function newNumber(): string {
  nextLine += 1;
  return `+1312555${String(nextLine).padStart(4, '0')}`;
}
const metricOf = (name: string, reason?: string) => env.metrics.filter((doc) => typeof doc[name] === 'number' && (reason === undefined || doc.Reason === reason)).length;

function setClock(iso: string): void {
  jest.setSystemTime(new Date(iso));
}

beforeAll(() => {
  jest.useFakeTimers({
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
});
afterAll(() => jest.useRealTimers());
beforeEach(() => {
  env.connect.effectiveHours = (request) => (request.hoursOfOperationId === HOURS_ID && request.instanceId === INSTANCE_ID
    ? effectiveHoursOf(hours, request.fromDate, request.toDate) : undefined);
  env.connect.failWith('none');
  env.metrics.length = 0;
});

describe.each(VARIANTS)('the closing-time rules (%s)', (variant) => {
  const load = (rules: Record<string, string>) => env.load('write-callback-hours', variant, { [ADMISSION_ENV.HOURS_OF_OPERATION_ARN]: HOURS_ARN, ...rules });
  let refusing: FlowHandler;
  let deferring: FlowHandler;
  const book = async (write: FlowHandler, phone = newNumber()): Promise<Record<string, string>> => {
    const contactId = newContactId();
    return { ...(await write(flowEvent({ contactId, callerNumber: phone }))), contactId };
  };

  beforeEach(() => {
    // A fresh cold start for each test: the cache is per container.
    refusing = load({ [ADMISSION_ENV.STOP_BEFORE_CLOSE_SECONDS]: '900' });
    deferring = load({
      [ADMISSION_ENV.STOP_BEFORE_CLOSE_SECONDS]: '900',
      [ADMISSION_ENV.WHEN_CLOSED]: 'DEFER',
      [ADMISSION_ENV.DEFERRAL_DELAYS_SECONDS]: [12 * H, 15 * H, 16 * H, 38 * H, 39 * H, 62 * H, 63 * H].join(','),
    });
  });

  test('open: books, having asked Connect once, by ids, for the days around', async () => {
    setClock('2026-06-01T16:00:00Z'); // Monday 12:00 in New York
    const calls = env.connect.hoursCalls.length;
    const reply = await book(refusing);
    expect(reply.result).toBe('CREATED');
    expect(env.connect.hoursCalls.slice(calls)).toEqual([{ instanceId: INSTANCE_ID, hoursOfOperationId: HOURS_ID, fromDate: '2026-05-30', toDate: '2026-06-06' }]);
  });

  test('ten minutes before closing: CLOSING, nothing written, the refusal counted', async () => {
    setClock('2026-06-01T20:50:00Z'); // Monday 16:50
    const phone = newNumber();
    const reply = await book(refusing, phone);
    expect(reply).toEqual({ result: 'CLOSING', contactId: reply.contactId, recordId: '', status: '', phoneE164: '', phoneNational: '', requestedAtSpoken: '', canCancel: '' });
    expect(await getItem(env.db.endpoint, TABLE_NAME, `ACTIVE#${QUEUE_ARN}#${phone}`)).toBeUndefined();
    expect(await getItem(env.db.endpoint, TABLE_NAME, `CALLBACK#${reply.contactId}`)).toBeUndefined();
    expect(metricOf('AdmissionRefusals', 'CLOSING')).toBe(1);
  });

  test('closed: CLOSED; a caller whose callback is pending still finds it, and may cancel it', async () => {
    setClock('2026-06-01T16:00:00Z');
    const phone = newNumber();
    const booked = await book(refusing, phone);
    expect(booked.result).toBe('CREATED');
    setClock('2026-06-01T23:00:00Z'); // Monday 19:00
    expect((await book(refusing)).result).toBe('CLOSED');
    expect(await book(refusing, phone)).toMatchObject({ result: 'EXISTS', recordId: booked.recordId, canCancel: 'true' });
    expect(metricOf('AdmissionRefusals', 'CLOSED')).toBe(1);
  });

  test('deferred past a holiday: Monday 18:00 to Wednesday 09:00 is 39 h, so 38 h is too early and 39 h is chosen', async () => {
    setClock('2026-06-01T22:00:00Z');
    const phone = newNumber();
    const reply = await book(deferring, phone);
    expect(reply).toMatchObject({ result: 'CLOSED_DEFERRED', deferSeconds: String(39 * H), phoneE164: phone, status: 'PENDING' });
    expect(await getItem(env.db.endpoint, TABLE_NAME, `CALLBACK#${reply.recordId}`)).toMatchObject({ status: 'PENDING', phoneE164: phone });
    expect(metricOf('DeferredBookings')).toBe(1);
    expect(metricOf('Bookings')).toBe(1);
  });

  test('deferred across the spring-forward weekend: Friday 18:00 EST to Monday 09:00 EDT is 62 h, not 63', async () => {
    setClock('2026-03-06T23:00:00Z');
    expect(await book(deferring)).toMatchObject({ result: 'CLOSED_DEFERRED', deferSeconds: String(62 * H) });
  });

  test('with deferral on, an open booking is CREATED with an empty deferSeconds, which the flow compares', async () => {
    setClock('2026-06-03T14:00:00Z');
    expect(await book(deferring)).toMatchObject({ result: 'CREATED', deferSeconds: '' });
  });

  test('no listed delay reaches the next opening: CLOSED', async () => {
    setClock('2026-06-05T22:00:00Z'); // Friday 18:00 to Monday 09:00 is 63 h: listed
    expect((await book(deferring)).result).toBe('CLOSED_DEFERRED');
    // Saturday 12:00 to Monday 09:00 is 45 h: 38 h and 39 h land on Sunday, 62 h and 63 h before 09:00 on Monday.
    setClock('2026-06-06T16:00:00Z');
    expect((await book(deferring)).result).toBe('CLOSED');
  });

  test('the hours are kept for five minutes, then asked again', async () => {
    setClock('2026-06-03T14:00:00Z');
    const calls = env.connect.hoursCalls.length;
    await book(refusing);
    setClock(new Date(Date.parse('2026-06-03T14:00:00Z') + HOURS_CACHE_MS - 1000).toISOString());
    await book(refusing);
    expect(env.connect.hoursCalls.length - calls).toBe(1);
    setClock(new Date(Date.parse('2026-06-03T14:00:00Z') + HOURS_CACHE_MS).toISOString());
    await book(refusing);
    expect(env.connect.hoursCalls.length - calls).toBe(2);
  });

  test.each([
    ['throttled', () => env.connect.failWith('throttle')],
    ['no such hours of operation', () => { env.connect.effectiveHours = () => undefined; }],
    ['no time zone in the answer', () => { env.connect.effectiveHours = () => ({ EffectiveHoursOfOperationList: [], TimeZone: '' }); }],
  ])('%s: the policy fails open, books, counts it, and does not ask again for 30 s', async (_case, breakIt) => {
    setClock('2026-06-01T23:00:00Z'); // closed, were the hours known
    breakIt();
    const calls = env.connect.hoursCalls.length;
    expect((await book(refusing)).result).toBe('CREATED');
    expect(metricOf('AdmissionInputMissing', 'HOURS_OF_OPERATION')).toBe(1);
    expect(env.logs.some((line) => line.includes('hours of operation not known'))).toBe(true);
    const asked = env.connect.hoursCalls.length - calls;
    expect(asked).toBeGreaterThanOrEqual(1);
    setClock(new Date(Date.parse('2026-06-01T23:00:00Z') + FAILURE_CACHE_MS - 1000).toISOString());
    expect((await book(refusing)).result).toBe('CREATED');
    expect(env.connect.hoursCalls.length - calls).toBe(asked);
    // Connect answers again: after the 30 s the hours are read, and the queue is closed.
    env.connect.failWith('none');
    env.connect.effectiveHours = (request) => effectiveHoursOf(hours, request.fromDate, request.toDate);
    setClock(new Date(Date.parse('2026-06-01T23:00:00Z') + FAILURE_CACHE_MS).toISOString());
    expect((await book(refusing)).result).toBe('CLOSED');
  });
});

describe.each(VARIANTS)('write-callback, the asset without the Connect client (%s)', (variant) => {
  test('given the hours rules anyway, it books, and says it could not check them', async () => {
    setClock('2026-06-01T23:00:00Z');
    const write = env.load('write-callback', variant, { [ADMISSION_ENV.HOURS_OF_OPERATION_ARN]: HOURS_ARN });
    const calls = env.connect.hoursCalls.length;
    expect((await write(flowEvent({ callerNumber: newNumber() }))).result).toBe('CREATED');
    expect(env.connect.hoursCalls.length).toBe(calls);
    expect(metricOf('AdmissionInputMissing', 'HOURS_OF_OPERATION')).toBe(1);
  });
});
