/**
 * The callback life cycle through the handlers, against DynamoDB Local and a Connect
 * endpoint, for the TypeScript sources and for the shipped bundles.
 */
import { CallbackStore } from '../../lambda-src/shared/callback-store';
import { OPEN_RECORD_TTL_SECONDS } from '../../lambda-src/shared/contract';
import { getItem, putItem, scanTable, testClient } from '../support/dynamodb-server';
import { COMPLETED_TTL_SECONDS, type FlowHandler, TABLE_NAME, useTestEnvironment } from '../support/environment';
import {
  INSTANCE_ID, QUEUE_ARN, bookedAttributes, callbackContactCall, callbackContactEvent, callbackContactIdOf, flowEvent, inboundCtr, kinesisBatch,
  newContactId,
} from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();

/** Distinct valid US numbers, so tests never meet each other's bookings. */
let nextLine = 100;
function newUsNumber(): string {
  nextLine += 1;
  return `+1202555${String(nextLine).padStart(4, '0')}`;
}

const recordPk = (recordId: string) => `CALLBACK#${recordId}`;
const pointerPk = (phone: string) => `ACTIVE#${QUEUE_ARN}#${phone}`;
const epochOf = (iso: unknown) => Math.floor(Date.parse(String(iso)) / 1000);

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** How a prompt says `iso` in a zone with a fixed offset (no daylight saving), worked out without Intl: '2:05 PM' or 'Monday 2:05 PM'. */
function spokenAt(iso: string, offsetMinutes: number, withDay: boolean): string {
  const local = new Date(Date.parse(iso) + offsetMinutes * 60_000);
  const hours = local.getUTCHours();
  const time = `${hours % 12 === 0 ? 12 : hours % 12}:${String(local.getUTCMinutes()).padStart(2, '0')} ${hours < 12 ? 'AM' : 'PM'}`;
  return withDay ? `${DAYS[local.getUTCDay()]} ${time}` : time;
}

describe.each(VARIANTS)('callback life cycle (%s)', (variant) => {
  let write: FlowHandler;
  let update: FlowHandler;
  let processCtrs: (event: unknown) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;
  let processEvent: (event: unknown) => Promise<{ outcome: string }>;

  beforeAll(() => {
    write = env.load('write-callback', variant);
    update = env.load('update-callback', variant);
    processCtrs = env.load('ctr-processor', variant);
    processEvent = env.load('contact-event-processor', variant);
  });

  beforeEach(() => {
    env.connect.calls.length = 0;
    env.connect.failWith('none');
  });

  async function book(phone = newUsNumber(), caller = phone) {
    const recordId = newContactId();
    const reply = await write(flowEvent({ contactId: recordId, callerNumber: caller, parameters: { phoneNumber: phone } }));
    expect(reply.result).toBe('CREATED');
    return { recordId, phone, caller };
  }

  /** A caller's transition from the set-callback flow; the whisper transitions come from the record's callback contact. */
  const transition = (recordId: string, name: string, caller?: string | null) => update(flowEvent(
    name === 'CONNECT' || name === 'AGENT_HANG_UP'
      ? { ...callbackContactCall(recordId, name), callerNumber: caller }
      : { callerNumber: caller, parameters: { recordId, transition: name } },
  ));

  async function learnCallbackId(recordId: string): Promise<string> {
    const callbackContactId = callbackContactIdOf(recordId);
    const result = await processCtrs(kinesisBatch([inboundCtr(recordId, callbackContactId)]));
    expect(result.batchItemFailures).toEqual([]);
    return callbackContactId;
  }

  test('booking writes the record and its active pointer, with the open-record TTL', async () => {
    const phone = newUsNumber();
    const recordId = newContactId();
    const before = Math.floor(Date.now() / 1000);
    const reply = await write(flowEvent({ contactId: recordId, callerNumber: phone, parameters: { phoneNumber: phone.slice(2) } }));

    expect(reply).toEqual({
      result: 'CREATED',
      recordId,
      status: 'PENDING',
      phoneE164: phone,
      phoneNational: `(202) 555-${phone.slice(-4)}`,
      requestedAtSpoken: expect.stringMatching(/^\d{1,2}:\d{2} [AP]M$/),
      canCancel: 'true',
    });
    const record = await getItem(env.db.endpoint, TABLE_NAME, recordPk(recordId));
    expect(record).toMatchObject({
      recordType: 'CALLBACK', recordId, status: 'PENDING', phoneE164: phone, queueArn: QUEUE_ARN, inboundContactId: recordId,
    });
    expect(record?.expiresAt).toBe(epochOf(record?.createdAt) + OPEN_RECORD_TTL_SECONDS);
    expect(Number(record?.expiresAt)).toBeGreaterThanOrEqual(before + OPEN_RECORD_TTL_SECONDS);
    const pointer = await getItem(env.db.endpoint, TABLE_NAME, pointerPk(phone));
    expect(pointer).toMatchObject({ recordType: 'ACTIVE', recordId, phoneE164: phone, expiresAt: record?.expiresAt });
  });

  test('a second booking for the same number gets the existing one in a single round trip', async () => {
    const first = await book();
    env.db.operations.length = 0;
    const reply = await write(flowEvent({ callerNumber: first.phone, parameters: { phoneNumber: first.phone } }));

    expect(env.db.operations).toEqual(['TransactWriteItems']);
    expect(reply).toMatchObject({ result: 'EXISTS', recordId: first.recordId, status: 'PENDING', phoneE164: first.phone, canCancel: 'true' });
    expect(reply.requestedAtSpoken).toMatch(/\d:\d{2} [AP]M$/);
    const record = await getItem(env.db.endpoint, TABLE_NAME, recordPk(first.recordId));
    expect(record?.status).toBe('PENDING');
  });

  test.each([
    ['UTC', 'UTC', 0],
    ['Asia/Kolkata', 'Asia/Kolkata', 330],
    ['Asia/Tokyo', 'Asia/Tokyo', 540],
    ['Pacific/Kiritimati', 'Pacific/Kiritimati', 840],
    ['unset (UTC, never a hard-coded US zone)', undefined, 0],
  ])('requestedAtSpoken is the booking time in TIME_ZONE %s, with the weekday when it was another day', async (_label, timeZone, offsetMinutes) => {
    const writeIn = env.load('write-callback', variant, { TIME_ZONE: timeZone });
    const recordId = newContactId();
    const phone = newUsNumber();
    const created = await writeIn(flowEvent({ contactId: recordId, callerNumber: phone }));
    const record = await getItem(env.db.endpoint, TABLE_NAME, recordPk(recordId));
    expect(created).toMatchObject({ result: 'CREATED', requestedAtSpoken: spokenAt(String(record?.createdAt), offsetMinutes, false) });

    // A number booked three days ago (a pointer planted with that time): another local day in any zone.
    const older = newUsNumber();
    const bookedAt = new Date(Date.now() - 3 * 24 * 3600_000).toISOString();
    await putItem(env.db.endpoint, TABLE_NAME, {
      pk: pointerPk(older), recordType: 'ACTIVE', recordId: newContactId(), phoneE164: older, createdAt: bookedAt, expiresAt: epochOf(bookedAt) + OPEN_RECORD_TTL_SECONDS,
    });
    expect(await writeIn(flowEvent({ callerNumber: older }))).toMatchObject({ result: 'EXISTS', requestedAtSpoken: spokenAt(bookedAt, offsetMinutes, true) });
  });

  /** How `locale` says a time in Tokyo (UTC+9, no daylight saving), worked out by hand from each locale's conventions. */
  const WEEKDAYS_ES = ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'];
  function tokyoTime(iso: string, locale: string, withDay: boolean): string {
    const local = new Date(Date.parse(iso) + 9 * 3600_000);
    const hours = local.getUTCHours();
    const minutes = String(local.getUTCMinutes()).padStart(2, '0');
    const twelve = hours % 12 === 0 ? 12 : hours % 12;
    const day = local.getUTCDay();
    switch (locale) {
      case 'es-US': return `${withDay ? `${WEEKDAYS_ES[day]} ` : ''}${twelve}:${minutes} ${hours < 12 ? 'a.m.' : 'p.m.'}`;
      case 'es-ES': return `${withDay ? `${WEEKDAYS_ES[day]}, ` : ''}${hours}:${minutes}`;
      default: return spokenAt(iso, 540, withDay);
    }
  }

  test.each(['en-US', 'es-US', 'es-ES'])('requestedAtSpoken is worded in LOCALE %s', async (locale) => {
    const writeIn = env.load('write-callback', variant, { TIME_ZONE: 'Asia/Tokyo', LOCALE: locale });
    const recordId = newContactId();
    const created = await writeIn(flowEvent({ contactId: recordId, callerNumber: newUsNumber() }));
    const record = await getItem(env.db.endpoint, TABLE_NAME, recordPk(recordId));
    expect(created.requestedAtSpoken).toBe(tokyoTime(String(record?.createdAt), locale, false));
    const older = newUsNumber();
    const bookedAt = new Date(Date.now() - 3 * 24 * 3600_000).toISOString();
    await putItem(env.db.endpoint, TABLE_NAME, {
      pk: pointerPk(older), recordType: 'ACTIVE', recordId: newContactId(), phoneE164: older, createdAt: bookedAt, expiresAt: epochOf(bookedAt) + OPEN_RECORD_TTL_SECONDS,
    });
    expect((await writeIn(flowEvent({ callerNumber: older }))).requestedAtSpoken).toBe(tokyoTime(bookedAt, locale, true));
  });

  test('an unknown LOCALE is spoken as en-US rather than refusing the booking', async () => {
    const writeIn = env.load('write-callback', variant, { LOCALE: 'xx-not-a-locale' });
    const reply = await writeIn(flowEvent({ callerNumber: newUsNumber() }));
    expect(reply).toMatchObject({ result: 'CREATED', requestedAtSpoken: expect.stringMatching(/^\d{1,2}:\d{2} [AP]M$/) });
  });

  test('a contact whose own booking was released may book again (the customer queue flow offers it again), once', async () => {
    const booked = await book();
    await update(flowEvent({ contactId: booked.recordId, callerNumber: booked.caller, parameters: { recordId: booked.recordId, transition: 'RELEASE' } }));
    const again = await write(flowEvent({ contactId: booked.recordId, callerNumber: booked.caller }));
    expect(again).toMatchObject({ result: 'CREATED', recordId: booked.recordId, status: 'PENDING' });
    const record = await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId));
    expect(record).toMatchObject({ status: 'PENDING' });
    expect(record?.resolution).toBeUndefined();
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(booked.phone))).toMatchObject({ recordId: booked.recordId });
    // Its retry is the same booking; another contact for that number finds it pending.
    expect((await write(flowEvent({ contactId: booked.recordId, callerNumber: booked.caller }))).result).toBe('CREATED');
    expect(await write(flowEvent({ callerNumber: booked.caller }))).toMatchObject({ result: 'EXISTS', recordId: booked.recordId });
  });

  test('a retry by the contact that booked is answered as created, and changes nothing', async () => {
    const first = await book();
    const stored = await getItem(env.db.endpoint, TABLE_NAME, recordPk(first.recordId));
    const retry = await write(flowEvent({ contactId: first.recordId, callerNumber: first.caller, parameters: { phoneNumber: first.phone } }));

    expect(retry).toMatchObject({ result: 'CREATED', recordId: first.recordId, status: 'PENDING', phoneE164: first.phone });
    expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(first.recordId))).toEqual(stored);
  });

  test('canCancel is false when the existing booking is for a number other than the caller\'s', async () => {
    const first = await book(newUsNumber(), newUsNumber());
    const someoneElse = newUsNumber();
    const reply = await write(flowEvent({ callerNumber: someoneElse, parameters: { phoneNumber: first.phone } }));
    expect(reply).toMatchObject({ result: 'EXISTS', recordId: first.recordId, canCancel: 'false' });
  });

  test('an expired pointer does not block a new booking', async () => {
    const phone = newUsNumber();
    const past = Math.floor(Date.now() / 1000) - 60;
    await putItem(env.db.endpoint, TABLE_NAME, { pk: pointerPk(phone), recordType: 'ACTIVE', recordId: 'gone', phoneE164: phone, createdAt: '2020-01-01T00:00:00.000Z', expiresAt: past });
    const booked = await book(phone);
    expect((await getItem(env.db.endpoint, TABLE_NAME, pointerPk(phone)))?.recordId).toBe(booked.recordId);
  });

  test('the store reads back the booked state; unknown and expired records are gone, and NOT_FOUND to update-callback', async () => {
    const booked = await book();
    const client = testClient(env.db.endpoint);
    const store = new CallbackStore({ client, tableName: TABLE_NAME, completedRecordTtlSeconds: COMPLETED_TTL_SECONDS });
    try {
      expect(await store.get(booked.recordId)).toMatchObject({
        recordId: booked.recordId,
        status: 'PENDING',
        resolution: undefined,
        phoneE164: booked.phone,
        phoneNational: `(202) 555-${booked.phone.slice(-4)}`,
        callbackContactId: undefined,
      });
      const unknownId = newContactId();
      expect(await store.get(unknownId)).toBeUndefined();
      expect((await transition(unknownId, 'CONNECT')).result).toBe('NOT_FOUND');

      const expiredId = newContactId();
      await putItem(env.db.endpoint, TABLE_NAME, {
        pk: recordPk(expiredId),
        recordType: 'CALLBACK',
        recordId: expiredId,
        status: 'PENDING',
        phoneE164: booked.phone,
        queueArn: QUEUE_ARN,
        createdAt: '2020-01-01T00:00:00.000Z',
        expiresAt: Math.floor(Date.now() / 1000) - 1,
      });
      // Still in the table (TTL deletion lags), but past its expiresAt: gone to the store and the handlers.
      expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(expiredId))).toMatchObject({ status: 'PENDING' });
      expect(await store.get(expiredId)).toBeUndefined();
      expect((await transition(expiredId, 'CONNECT')).result).toBe('NOT_FOUND');
      expect((await transition(expiredId, 'CANCEL', booked.phone)).result).toBe('NOT_FOUND');
      expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(expiredId))).toMatchObject({ status: 'PENDING' });
    } finally {
      client.destroy();
    }
  });

  test('CONNECT completes a pending callback once; later transitions are refused replies', async () => {
    const booked = await book();
    const connected = await transition(booked.recordId, 'CONNECT');
    expect(connected).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'CONNECTED', removedFromQueue: 'false' });

    const record = await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId));
    expect(record?.expiresAt).toBe(epochOf(record?.completedAt) + COMPLETED_TTL_SECONDS);
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(booked.phone))).toBeUndefined();

    for (const name of ['CONNECT', 'CANCEL', 'AGENT_HANG_UP']) {
      expect(await transition(booked.recordId, name, booked.caller)).toMatchObject({ result: 'REFUSED', status: 'COMPLETED', resolution: 'CONNECTED' });
    }
    // The number may book again once its callback is over.
    await book(booked.phone);
  });

  test('a cancelled callback cannot be connected; the agent hangs up and the record says so', async () => {
    const booked = await book();
    expect(await transition(booked.recordId, 'CANCEL', booked.caller))
      .toMatchObject({ result: 'APPLIED', status: 'CANCELLED', removedFromQueue: 'false' });
    expect(env.connect.calls).toEqual([]);
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(booked.phone))).toBeUndefined();

    expect(await transition(booked.recordId, 'CONNECT')).toMatchObject({ result: 'REFUSED', status: 'CANCELLED' });
    expect(await transition(booked.recordId, 'CANCEL', booked.caller)).toMatchObject({ result: 'REFUSED', status: 'CANCELLED' });
    expect(await transition(booked.recordId, 'AGENT_HANG_UP'))
      .toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'HUNG_UP_BY_AGENT' });
    expect(await transition(booked.recordId, 'AGENT_HANG_UP')).toMatchObject({ result: 'REFUSED', status: 'COMPLETED' });
  });

  test('a transition whose response was lost is still APPLIED when the SDK retries it', async () => {
    const booked = await book();
    env.db.loseNextResponse('TransactWriteItems');
    expect(await transition(booked.recordId, 'CONNECT')).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'CONNECTED' });

    const cancelled = await book();
    env.db.loseNextResponse('TransactWriteItems');
    expect(await transition(cancelled.recordId, 'CANCEL', cancelled.caller)).toMatchObject({ result: 'APPLIED', status: 'CANCELLED' });
    env.db.loseNextResponse('UpdateItem');
    expect(await transition(cancelled.recordId, 'AGENT_HANG_UP')).toMatchObject({ result: 'APPLIED', resolution: 'HUNG_UP_BY_AGENT' });

    const phone = newUsNumber();
    const recordId = newContactId();
    env.db.loseNextResponse('TransactWriteItems');
    expect(await write(flowEvent({ contactId: recordId, callerNumber: phone, parameters: { phoneNumber: phone } })))
      .toMatchObject({ result: 'CREATED', recordId });
  });

  test('AGENT_HANG_UP on a pending callback is refused', async () => {
    const booked = await book();
    expect(await transition(booked.recordId, 'AGENT_HANG_UP')).toMatchObject({ result: 'REFUSED', status: 'PENDING' });
  });

  test('cancel with the callback id known removes it from the queue in the same invocation', async () => {
    const booked = await book();
    const callbackContactId = await learnCallbackId(booked.recordId);
    expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId))).toMatchObject({ status: 'PENDING', callbackContactId });

    const reply = await transition(booked.recordId, 'CANCEL', booked.caller);
    expect(reply).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'REMOVED_BY_API', removedFromQueue: 'true' });
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);
  });

  test('cancel before the id is known: the inbound CTR later stops the callback exactly once', async () => {
    const booked = await book();
    expect(await transition(booked.recordId, 'CANCEL', booked.caller)).toMatchObject({ result: 'APPLIED', status: 'CANCELLED' });
    expect(env.connect.calls).toEqual([]);

    const callbackContactId = newContactId();
    const ctr = inboundCtr(booked.recordId, callbackContactId);
    expect((await processCtrs(kinesisBatch([ctr]))).batchItemFailures).toEqual([]);
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);
    expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId)))
      .toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', callbackContactId });

    // CTRs are re-sent on change: nothing is stopped twice.
    expect((await processCtrs(kinesisBatch([ctr, ctr]))).batchItemFailures).toEqual([]);
    expect(env.connect.calls).toHaveLength(1);
  });

  test('ContactNotFoundException means the callback is already gone: REMOVED_BY_API', async () => {
    const booked = await book();
    const callbackContactId = await learnCallbackId(booked.recordId);
    env.connect.markUnknown(callbackContactId);

    const reply = await transition(booked.recordId, 'CANCEL', booked.caller);
    expect(reply).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'REMOVED_BY_API', removedFromQueue: 'true' });
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);
  });

  test.each(['ctr-processor', 'contact-event-processor'] as const)(
    'a failed StopContact leaves the cancel stored; a later delivery of the id (%s) finishes the removal',
    async (deliverer) => {
      const booked = await book();
      const callbackContactId = await learnCallbackId(booked.recordId);
      env.connect.failWith('server-error');
      expect(await transition(booked.recordId, 'CANCEL', booked.caller))
        .toMatchObject({ result: 'APPLIED', status: 'CANCELLED', removedFromQueue: 'false' });
      // Two attempts: the SDK's bounded retry.
      expect(env.connect.calls).toHaveLength(2);
      expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId))).toMatchObject({ status: 'CANCELLED', callbackContactId });
      expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(booked.phone))).toBeUndefined();

      const deliver = deliverer === 'ctr-processor'
        ? async () => (await processCtrs(kinesisBatch([inboundCtr(booked.recordId, callbackContactId)]))).batchItemFailures.length === 0
        : async () => (await processEvent(callbackContactEvent(booked.recordId, callbackContactId))).outcome === 'REMOVED';
      // While Connect still fails, the delivery is handed back for retry (a batch item failure, or a throw) and the cancel stays stored.
      if (deliverer === 'ctr-processor') expect(await deliver()).toBe(false);
      else await expect(deliver()).rejects.toThrow(/InternalServiceException/);
      expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId))).toMatchObject({ status: 'CANCELLED', callbackContactId });

      env.connect.failWith('none');
      env.connect.calls.length = 0;
      expect(await deliver()).toBe(true);
      expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);
      const removed = await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId));
      expect(removed).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', callbackContactId });
      expect(removed?.expiresAt).toBe(epochOf(removed?.completedAt) + COMPLETED_TTL_SECONDS);

      // Redelivered by either source: nothing is stopped twice, and the caller's retried cancel is refused.
      expect((await processCtrs(kinesisBatch([inboundCtr(booked.recordId, callbackContactId)]))).batchItemFailures).toEqual([]);
      expect(await processEvent(callbackContactEvent(booked.recordId, callbackContactId))).toEqual({ outcome: 'ID_LEARNED' });
      expect(await transition(booked.recordId, 'CANCEL', booked.caller)).toMatchObject({ result: 'REFUSED', status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
      expect(env.connect.calls).toHaveLength(1);
    },
  );

  test('only the booked number may cancel, unless ALLOW_CANCEL_FOR_OTHER_NUMBER is set', async () => {
    const booked = await book();
    expect(await transition(booked.recordId, 'CANCEL', newUsNumber())).toEqual({
      result: 'FORBIDDEN', status: '', resolution: '', phoneE164: '', phoneNational: '', removedFromQueue: 'false', cancelled: '',
    });
    expect((await transition(booked.recordId, 'CANCEL', null)).result).toBe('FORBIDDEN');
    expect((await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId)))?.status).toBe('PENDING');

    const permissiveUpdate = env.load('update-callback', variant, { ALLOW_CANCEL_FOR_OTHER_NUMBER: 'true' });
    const permissiveWrite = env.load('write-callback', variant, { ALLOW_CANCEL_FOR_OTHER_NUMBER: 'true' });
    const otherCaller = newUsNumber();
    expect(await permissiveWrite(flowEvent({ callerNumber: otherCaller, parameters: { phoneNumber: booked.phone } })))
      .toMatchObject({ result: 'EXISTS', canCancel: 'true' });
    expect(await permissiveUpdate(flowEvent({ callerNumber: otherCaller, parameters: { recordId: booked.recordId, transition: 'CANCEL' } })))
      .toMatchObject({ result: 'APPLIED', status: 'CANCELLED' });
  });

  test('RELEASE: only the contact that booked may release its record, whichever number it was for, and the number is free again', async () => {
    const caller = newUsNumber();
    const booked = await book(newUsNumber(), caller);
    const fromSameCallerLater = await update(flowEvent({ callerNumber: caller, parameters: { recordId: booked.recordId, transition: 'RELEASE' } }));
    expect(fromSameCallerLater.result).toBe('FORBIDDEN');
    // The caller's own cancel cannot stand in for it: the callback was booked for another number.
    expect((await transition(booked.recordId, 'CANCEL', caller)).result).toBe('FORBIDDEN');
    const release = () => update(flowEvent({
      contactId: booked.recordId, callerNumber: caller, parameters: { recordId: booked.recordId, transition: 'RELEASE' },
    }));
    expect(await release()).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'RELEASED' });
    // The undo path retried (a lost reply) finds its own release.
    expect(await release()).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'RELEASED' });
    const record = await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId));
    expect(record?.expiresAt).toBe(epochOf(record?.completedAt) + COMPLETED_TTL_SECONDS);
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(booked.phone))).toBeUndefined();
    // The number is free again: the failed booking does not block the next one.
    expect((await write(flowEvent({ callerNumber: booked.phone, parameters: { phoneNumber: booked.phone } }))).result).toBe('CREATED');
  });

  test('a released record learns no callback id, whatever a CTR or contact event names for it', async () => {
    const booked = await book();
    await update(flowEvent({ contactId: booked.recordId, callerNumber: booked.caller, parameters: { recordId: booked.recordId, transition: 'RELEASE' } }));
    // E.g. the caller transferred to the queue, then transferred on by an agent: NextContactId is that transfer.
    const transfer = newContactId();
    expect((await processCtrs(kinesisBatch([inboundCtr(booked.recordId, transfer)]))).batchItemFailures).toEqual([]);
    expect(await processEvent(callbackContactEvent(booked.recordId, transfer))).toEqual({ outcome: 'CONFLICT' });
    const record = await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId));
    expect(record).toMatchObject({ status: 'COMPLETED', resolution: 'RELEASED' });
    expect(record?.callbackContactId).toBeUndefined();
    expect(env.connect.calls).toEqual([]);
  });

  test('whisper transitions act only for the record\'s callback contact: never for the booking contact or another contact', async () => {
    const booked = await book();
    const cancelled = await book();
    expect((await transition(cancelled.recordId, 'CANCEL', cancelled.caller)).status).toBe('CANCELLED');
    const notACallback = { result: 'NOT_A_CALLBACK', status: '', resolution: '', phoneE164: '', phoneNational: '', removedFromQueue: 'false', cancelled: '' };
    for (const record of [booked, cancelled]) {
      for (const name of ['CONNECT', 'AGENT_HANG_UP']) {
        // The booking contact itself (a caller transferred to the queue after a failed booking, its hook left set).
        expect(await update(flowEvent({
          contactId: record.recordId, attributes: bookedAttributes(record.recordId), parameters: { recordId: record.recordId, transition: name },
        }))).toEqual(notACallback);
        // A contact that is not a callback, or a callback of another contact.
        expect(await update(flowEvent({ initiationMethod: 'OUTBOUND', parameters: { recordId: record.recordId, transition: name } }))).toEqual(notACallback);
        expect(await update(flowEvent({ ...callbackContactCall(record.recordId, name), previousContactId: newContactId() }))).toEqual(notACallback);
      }
    }
    // Once the record knows its callback contact, another callback contact is not it.
    await learnCallbackId(booked.recordId);
    expect(await update(flowEvent(callbackContactCall(booked.recordId, 'CONNECT', newContactId())))).toEqual(notACallback);
    for (const record of [booked, cancelled]) {
      expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(record.recordId))).toMatchObject({ status: record === booked ? 'PENDING' : 'CANCELLED' });
    }
    expect(env.connect.calls).toEqual([]);
    // The record's own callback contact still moves it, and a record that did not know it learns it.
    expect(await transition(booked.recordId, 'CONNECT')).toMatchObject({ result: 'APPLIED', resolution: 'CONNECTED' });
    expect(await transition(cancelled.recordId, 'AGENT_HANG_UP')).toMatchObject({ result: 'APPLIED', resolution: 'HUNG_UP_BY_AGENT' });
    expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(cancelled.recordId)))
      .toMatchObject({ callbackContactId: callbackContactIdOf(cancelled.recordId) });
  });

  test('the agent whisper of a cancelled callback stops the callback contact, so its customer is not dialled', async () => {
    const cancelled = await book();
    await transition(cancelled.recordId, 'CANCEL', cancelled.caller);
    expect(env.connect.calls).toEqual([]);
    expect(await transition(cancelled.recordId, 'AGENT_HANG_UP')).toMatchObject({ result: 'APPLIED', resolution: 'HUNG_UP_BY_AGENT' });
    expect(env.connect.calls).toEqual([{ contactId: callbackContactIdOf(cancelled.recordId), instanceId: INSTANCE_ID }]);
    // StopContact failing does not change what the agent is told, nor the record.
    const another = await book();
    await transition(another.recordId, 'CANCEL', another.caller);
    env.connect.failWith('server-error');
    expect(await transition(another.recordId, 'AGENT_HANG_UP')).toMatchObject({ result: 'APPLIED', resolution: 'HUNG_UP_BY_AGENT' });
    // A pending callback is never stopped from its whisper.
    env.connect.failWith('none');
    env.connect.calls.length = 0;
    const pending = await book();
    expect(await transition(pending.recordId, 'AGENT_HANG_UP')).toMatchObject({ result: 'REFUSED', status: 'PENDING' });
    expect(env.connect.calls).toEqual([]);
  });

  test.each(['cancel', 'ctr-processor', 'contact-event-processor'] as const)(
    'a StopContact refusal that retrying cannot fix ends the work for the record: STOP_REFUSED, kept, never retried (%s)',
    async (path) => {
      const booked = await book();
      env.connect.failWith('invalid-request');
      if (path === 'cancel') {
        await learnCallbackId(booked.recordId);
        env.connect.calls.length = 0;
        expect(await transition(booked.recordId, 'CANCEL', booked.caller))
          .toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'STOP_REFUSED', removedFromQueue: 'false' });
      } else {
        expect((await transition(booked.recordId, 'CANCEL', booked.caller)).status).toBe('CANCELLED');
        const delivered = path === 'ctr-processor'
          ? (await processCtrs(kinesisBatch([inboundCtr(booked.recordId, callbackContactIdOf(booked.recordId))]))).batchItemFailures
          : (await processEvent(callbackContactEvent(booked.recordId, callbackContactIdOf(booked.recordId)))).outcome;
        // Nothing handed back for a retry: the shard moves on.
        expect(delivered).toEqual(path === 'ctr-processor' ? [] : 'STOP_REFUSED');
      }
      // A 400 is not retried by the SDK either: one request.
      expect(env.connect.calls).toHaveLength(1);
      expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId)))
        .toMatchObject({ status: 'COMPLETED', resolution: 'STOP_REFUSED', stopError: 'InvalidRequestException' });
      // Later deliveries find nothing left to do.
      expect((await processCtrs(kinesisBatch([inboundCtr(booked.recordId, callbackContactIdOf(booked.recordId))]))).batchItemFailures).toEqual([]);
      expect(env.connect.calls).toHaveLength(1);
    },
  );

  test('bad input is an INVALID_INPUT reply', async () => {
    const booked = await book();
    expect((await update(flowEvent({ parameters: { recordId: booked.recordId } }))).result).toBe('INVALID_INPUT');
    expect((await update(flowEvent({ parameters: { recordId: booked.recordId, transition: 'DELETE' } }))).result).toBe('INVALID_INPUT');
    expect((await update(flowEvent({ parameters: { transition: 'CANCEL' } }))).result).toBe('INVALID_INPUT');
    expect((await update(flowEvent({ parameters: { recordId: 'x'.repeat(300), transition: 'CANCEL' } }))).result).toBe('INVALID_INPUT');
    expect((await update({})).result).toBe('INVALID_INPUT');
  });

  test('every item in the table carries a TTL that follows the stated policy', async () => {
    const items = await scanTable(env.db.endpoint, TABLE_NAME);
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) {
      expect(typeof item.expiresAt).toBe('number');
      if (item.recordId === 'gone') continue; // the expired pointer a test planted
      if (item.status === 'COMPLETED') {
        expect(item.expiresAt).toBe(epochOf(item.completedAt) + COMPLETED_TTL_SECONDS);
      } else if (item.createdAt !== '2020-01-01T00:00:00.000Z') {
        expect(item.expiresAt).toBe(epochOf(item.createdAt) + OPEN_RECORD_TTL_SECONDS);
      }
    }
  });
});
