/**
 * The reconciler against DynamoDB Local and the local Connect endpoint (DescribeContact, StopContact), for the
 * TypeScript source and the shipped bundle. Records are made by the real handlers and then backdated (as if booked
 * that long ago); each test has a queue of its own, since a run reads every open record of its queue.
 */
import { randomUUID } from 'node:crypto';
import { LONGEST_CALLBACK_WAIT_SECONDS, METRICS } from '../../lambda-src/shared/contract';
import { FIRST_LOOKUP_SECONDS, MAX_LOOKUP_SPACING_SECONDS, type ReconcileSummary, lookupDue } from '../../lambda-src/shared/reconciler';
import { backdateRecord, getItem } from '../support/dynamodb-server';
import { type FlowHandler, TABLE_NAME, useTestEnvironment } from '../support/environment';
import { INSTANCE_ARN, callbackContactEvent, customerFirstContacts, dialledLegEvent, flowEvent, inboundCtr, kinesisBatch, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();
const MINUTE = 60;

let nextLine = 3000;
const newNumber = () => `+1312555${String(nextLine++).padStart(4, '0')}`;
const recordPk = (recordId: string) => `CALLBACK#${recordId}`;
const pointerPk = (queueArn: string, phone: string) => `ACTIVE#${queueArn}#${phone}`;
const record = (recordId: string) => getItem(env.db.endpoint, TABLE_NAME, recordPk(recordId));

describe('lookupDue: a PENDING record is looked up after 30 minutes, 1, 2, 4... hours, then every 12 hours, once per slot', () => {
  test.each([
    [FIRST_LOOKUP_SECONDS - 1, 600, false],
    [FIRST_LOOKUP_SECONDS, 600, true],
    [35 * MINUTE, 600, true],
    [48 * MINUTE, 600, false],
    [60 * MINUTE, 600, true],
  ])('age %ss, interval %ss: %s', (age, interval, due) => {
    expect(lookupDue(age, interval)).toBe(due);
  });

  test('each slot falls in exactly one run, whatever the interval; 38 lookups at most in 17 days', () => {
    for (const interval of [60, 600, 3600]) {
      let lookups = 0;
      for (let age = interval; age <= LONGEST_CALLBACK_WAIT_SECONDS; age += interval) if (lookupDue(age, interval)) lookups += 1;
      // With a long interval several early slots share one run.
      expect(lookups).toBeGreaterThan(LONGEST_CALLBACK_WAIT_SECONDS / MAX_LOOKUP_SPACING_SECONDS - 1);
      expect(lookups).toBeLessThanOrEqual(38);
    }
  });
});

describe.each(VARIANTS)('reconciler (%s)', (variant) => {
  let queueArn: string;
  let write: FlowHandler;
  let update: FlowHandler;
  let processCtrs: (event: unknown) => Promise<{ batchItemFailures: unknown[] }>;
  let processEvent: (event: unknown) => Promise<unknown>;
  let reconcile: (event: unknown) => Promise<ReconcileSummary>;

  beforeEach(() => {
    // A queue of this test's own: the run sees only its records.
    queueArn = `${INSTANCE_ARN}/queue/${randomUUID()}`;
    const overrides = { QUEUE_ARN: queueArn, RECONCILE_INTERVAL_SECONDS: '600', RECONCILE_CALL_SPACING_MS: '0' };
    write = env.load('write-callback', variant, overrides);
    update = env.load('update-callback', variant, overrides);
    processCtrs = env.load('ctr-processor', variant, overrides);
    processEvent = env.load('contact-event-processor', variant, overrides);
    reconcile = env.load('reconciler', variant, overrides);
    env.connect.calls.length = 0;
    env.connect.describeCalls.length = 0;
    env.connect.contacts.clear();
    env.connect.failWith('none');
    env.connect.beforeDescribe = undefined;
    env.metrics.length = 0;
  });

  async function book(phone = newNumber()) {
    const recordId = newContactId();
    expect((await write(flowEvent({ contactId: recordId, callerNumber: phone }))).result).toBe('CREATED');
    return { recordId, phone };
  }
  async function learn(recordId: string): Promise<string> {
    const callbackContactId = newContactId();
    expect((await processCtrs(kinesisBatch([inboundCtr(recordId, callbackContactId)]))).batchItemFailures).toEqual([]);
    return callbackContactId;
  }
  const queued = (recordId: string, callbackContactId: string, extra: object = {}) => env.connect.contacts.set(callbackContactId, {
    Id: callbackContactId,
    InitiationMethod: 'CALLBACK',
    PreviousContactId: recordId,
    Channel: 'VOICE',
    InitiationTimestamp: new Date(),
    QueueInfo: { EnqueueTimestamp: new Date() },
    ...extra,
  });
  const backdate = (recordId: string, seconds: number) => backdateRecord(env.db.endpoint, TABLE_NAME, recordId, seconds);
  const run = () => reconcile({ 'source': 'aws.events', 'detail-type': 'Scheduled Event', 'time': new Date().toISOString() });
  const metricTotal = (name: string) => env.metrics.reduce((sum, doc) => sum + (typeof doc[name] === 'number' ? doc[name] : 0), 0);

  test('a PENDING record whose callback ended (its CTR lost) is completed ENDED, and the number can book again', async () => {
    const { recordId, phone } = await book();
    const callbackContactId = await learn(recordId);
    queued(recordId, callbackContactId, { DisconnectTimestamp: new Date(), DisconnectReason: 'CUSTOMER_DISCONNECT' });
    await backdate(recordId, 35 * MINUTE);

    env.db.operations.length = 0;
    const summary = await run();
    expect(summary).toMatchObject({ open: 1, lookups: 1, stops: 0, repaired: { ENDED: 1 }, backlog: 0, actions: { [recordId]: 'ENDED' } });
    // One Query page; the CTR processor's completeEnded: the CANCELLED -> ENDED try (refused: PENDING), then PENDING -> ENDED
    // with the pointer's delete.
    expect(env.db.operations).toEqual(['Query', 'UpdateItem', 'TransactWriteItems']);
    expect(env.connect.describeCalls).toEqual([{ instanceId: '11111111-2222-3333-4444-555555555555', contactId: callbackContactId }]);
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'ENDED' });
    expect((await record(recordId))?.openQueueArn).toBeUndefined();
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(queueArn, phone))).toBeUndefined();
    expect((await write(flowEvent({ callerNumber: phone }))).result).toBe('CREATED');
    expect(metricTotal(METRICS.RECONCILER_REPAIRS)).toBe(1);
    expect(env.metrics).toContainEqual(expect.objectContaining({ Outcomes: 1, Resolution: 'ENDED' }));
    expect(env.metrics).toContainEqual(expect.objectContaining({ OpenCallbacks: 1, ReconcilerLookups: 1, CallbackManagement: 'test' }));
  });

  test('a CANCELLED record whose callback is still queued (every StopContact failed) is stopped and completed', async () => {
    const { recordId, phone } = await book();
    // The caller cancels before the id is known; the contact event brings it while StopContact is throttled.
    expect(await update(flowEvent({ callerNumber: phone, parameters: { recordId, transition: 'CANCEL' } }))).toMatchObject({ status: 'CANCELLED' });
    const callbackContactId = newContactId();
    env.connect.failWith('throttle');
    await expect(processEvent(callbackContactEvent(recordId, callbackContactId))).rejects.toThrow(/ThrottlingException/);
    env.connect.failWith('none');
    queued(recordId, callbackContactId);
    await backdate(recordId, 10 * MINUTE);
    env.connect.calls.length = 0;

    env.db.operations.length = 0;
    const summary = await run();
    expect(summary).toMatchObject({ lookups: 1, stops: 1, repaired: { REMOVED_BY_API: 1 }, actions: { [recordId]: 'REMOVED' } });
    // One Query page, DescribeContact, StopContact, and the removal's one conditional UpdateItem.
    expect(env.db.operations).toEqual(['Query', 'UpdateItem']);
    expect(env.connect.calls.map((call) => call.contactId)).toEqual([callbackContactId]);
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
    expect(env.metrics).toContainEqual(expect.objectContaining({ Removals: 1, Path: 'reconciler' }));
  });

  test('a customer-first record is settled by its dialled leg once known: its queued leg ends when the dial begins', async () => {
    const overrides = { QUEUE_ARN: queueArn, RECONCILE_INTERVAL_SECONDS: '600', RECONCILE_CALL_SPACING_MS: '0', CALLBACK_MODE: 'CUSTOMER_FIRST' };
    const recordId = newContactId();
    expect((await env.load<FlowHandler>('write-callback', variant, overrides)(flowEvent({ contactId: recordId, callerNumber: newNumber() }))).result).toBe('CREATED');
    const legs = customerFirstContacts(recordId);
    await env.load<(event: unknown) => Promise<unknown>>('contact-event-processor', variant, overrides)(dialledLegEvent(legs));
    // The queued leg was taken out of the queue to dial; the dialled leg is still on the line with an agent.
    queued(recordId, legs.queued, { InitiationMethod: 'CALLBACK', DisconnectTimestamp: new Date() });
    env.connect.contacts.set(legs.dialled, { Id: legs.dialled, InitiationMethod: 'CALLBACK', PreviousContactId: legs.queued, Channel: 'VOICE', InitiationTimestamp: new Date() });
    await backdate(recordId, 35 * MINUTE);

    expect(await run()).toMatchObject({ lookups: 1, repaired: {}, actions: { [recordId]: 'STILL_WAITING' } });
    expect(env.connect.describeCalls.map((call) => call.contactId)).toEqual([legs.dialled]);
    expect(await record(recordId)).toMatchObject({ status: 'PENDING' });

    env.connect.contacts.set(legs.dialled, { ...env.connect.contacts.get(legs.dialled)!, DisconnectTimestamp: new Date() });
    // Cumulative: 60 minutes since booking, the second lookup slot.
    await backdate(recordId, 25 * MINUTE);
    expect(await run()).toMatchObject({ repaired: { ENDED: 1 }, actions: { [recordId]: 'ENDED' } });
  });

  test('a PENDING record whose callback is still waiting is left as it is, and looked up only when a slot is due', async () => {
    const { recordId } = await book();
    const callbackContactId = await learn(recordId);
    queued(recordId, callbackContactId);
    await backdate(recordId, 35 * MINUTE);
    expect(await run()).toMatchObject({ lookups: 1, repaired: {}, actions: { [recordId]: 'STILL_WAITING' } });
    expect(await record(recordId)).toMatchObject({ status: 'PENDING' });

    // 48 minutes old: its 30-minute slot belonged to an earlier run, its hour one is to come.
    await backdate(recordId, 13 * MINUTE);
    env.connect.describeCalls.length = 0;
    expect(await run()).toMatchObject({ lookups: 0, actions: { [recordId]: 'NOT_DUE' } });
    expect(env.connect.describeCalls).toEqual([]);
  });

  test('a record in its first minutes is not touched, nor a PENDING one before its first lookup at 30 minutes', async () => {
    const { recordId } = await book();
    env.db.iamActions.length = 0;
    expect(await run()).toMatchObject({ open: 1, lookups: 0, actions: { [recordId]: 'NOT_DUE' } });
    expect(env.db.iamActions).toEqual(['dynamodb:Query']);
    const callbackContactId = await learn(recordId);
    queued(recordId, callbackContactId, { DisconnectTimestamp: new Date() });
    await backdate(recordId, 20 * MINUTE);
    expect(await run()).toMatchObject({ lookups: 0, actions: { [recordId]: 'NOT_DUE' } });
    expect(env.connect.describeCalls).toEqual([]);
  });

  test('a record whose callback id was never learned is flagged once, and expired past the longest wait (17 days)', async () => {
    const { recordId, phone } = await book();
    await backdate(recordId, 20 * MINUTE);
    expect(await run()).toMatchObject({ flagged: 1, lookups: 0, actions: { [recordId]: 'FLAGGED' } });
    const flagged = await record(recordId);
    expect(flagged).toMatchObject({ status: 'PENDING', flag: 'CALLBACK_ID_UNKNOWN', flaggedAt: expect.any(String) });

    // Flagged already: the next run writes nothing.
    env.db.iamActions.length = 0;
    expect(await run()).toMatchObject({ flagged: 0, actions: { [recordId]: 'FLAGGED' } });
    expect(env.db.iamActions).toEqual(['dynamodb:Query']);

    await backdate(recordId, LONGEST_CALLBACK_WAIT_SECONDS);
    expect(await run()).toMatchObject({ repaired: { EXPIRED: 1 }, actions: { [recordId]: 'EXPIRED' } });
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'EXPIRED', flag: 'CALLBACK_ID_UNKNOWN' });
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(queueArn, phone))).toBeUndefined();
    expect(env.connect.describeCalls).toEqual([]);
  });

  test('a callback contact DescribeContact does not know (404) is flagged CONTACT_NOT_FOUND, not completed', async () => {
    const { recordId } = await book();
    await learn(recordId);
    await backdate(recordId, 35 * MINUTE);
    expect(await run()).toMatchObject({ lookups: 1, flagged: 1, actions: { [recordId]: 'FLAGGED' } });
    expect(await record(recordId)).toMatchObject({ status: 'PENDING', flag: 'CONTACT_NOT_FOUND' });
  });

  test('a repair never overrides a fresher state: a record connected while the reconciler looked is left CONNECTED', async () => {
    const { recordId } = await book();
    const callbackContactId = await learn(recordId);
    queued(recordId, callbackContactId, { DisconnectTimestamp: new Date() });
    await backdate(recordId, 35 * MINUTE);
    // The outbound whisper completes the record after the reconciler read it, before DescribeContact answers.
    env.connect.beforeDescribe = async () => {
      env.connect.beforeDescribe = undefined;
      const connected = await update(flowEvent({
        contactId: callbackContactId,
        initiationMethod: 'CALLBACK',
        previousContactId: recordId,
        parameters: { recordId, transition: 'CONNECT' },
      }));
      expect(connected.result).toBe('APPLIED');
    };
    expect(await run()).toMatchObject({ lookups: 1, repaired: {}, actions: { [recordId]: 'MOVED_ON' } });
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED' });
    expect(metricTotal(METRICS.RECONCILER_REPAIRS)).toBe(0);
  });

  test('a DescribeContact failure ends the run with an error, after what it had repaired; the next run carries on', async () => {
    const ended = await book();
    const endedId = await learn(ended.recordId);
    queued(ended.recordId, endedId, { DisconnectTimestamp: new Date() });
    await backdate(ended.recordId, 65 * MINUTE);
    const other = await book();
    const otherId = await learn(other.recordId);
    queued(other.recordId, otherId, { DisconnectTimestamp: new Date() });
    await backdate(other.recordId, 35 * MINUTE);
    // The oldest record is looked up first; the second lookup is throttled.
    env.connect.beforeDescribe = async (contactId) => {
      if (contactId === otherId) env.connect.failWith('throttle');
    };
    await expect(run()).rejects.toThrow(/reconciler run failed: ThrottlingException/);
    expect(await record(ended.recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'ENDED' });
    expect(await record(other.recordId)).toMatchObject({ status: 'PENDING' });
    env.connect.beforeDescribe = undefined;
    env.connect.failWith('none');
    expect(await run()).toMatchObject({ repaired: { ENDED: 1 }, actions: { [other.recordId]: 'ENDED' } });
  });
});
