/**
 * The caller's cancel as the set-callback flow makes it: the booking attempt's reply (EXISTS) says what the cancel
 * needs (the number, and the callback contact id once a processor has learnt it), the flow passes it to
 * update-callback CANCEL, and the cancel is decided in at most three requests with no read. What it is told is only
 * a condition of its write: stale or wrong values cost a write more, never a wrong cancel. Against DynamoDB Local and
 * the Connect endpoint, for the TypeScript sources and the shipped bundles; requests are counted where they arrive.
 */
import { getItem } from '../support/dynamodb-server';
import { type FlowHandler, TABLE_NAME, useTestEnvironment } from '../support/environment';
import { INSTANCE_ID, QUEUE_ARN, callbackContactCall, callbackContactEvent, flowEvent, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();

let nextLine = 100;
function newNumber(): string {
  nextLine += 1;
  return `+1312555${String(nextLine).padStart(4, '0')}`;
}

const recordPk = (recordId: string) => `CALLBACK#${recordId}`;
const pointerPk = (phone: string) => `ACTIVE#${QUEUE_ARN}#${phone}`;

describe.each(VARIANTS)('the cancel decision (%s)', (variant) => {
  let write: FlowHandler;
  let update: FlowHandler;
  let processEvent: (event: unknown) => Promise<{ outcome: string }>;

  beforeAll(() => {
    write = env.load('write-callback', variant);
    update = env.load('update-callback', variant);
    processEvent = env.load('contact-event-processor', variant);
  });

  beforeEach(() => {
    env.connect.calls.length = 0;
    env.connect.failWith('none');
  });

  async function book(phone = newNumber()) {
    const recordId = newContactId();
    expect((await write(flowEvent({ contactId: recordId, callerNumber: phone }))).result).toBe('CREATED');
    return { recordId, phone };
  }

  async function learn(recordId: string): Promise<string> {
    const callbackContactId = newContactId();
    expect(await processEvent(callbackContactEvent(recordId, callbackContactId))).toEqual({ outcome: 'ID_LEARNED' });
    return callbackContactId;
  }

  /** The set-callback flow's two calls of a returning caller: the booking attempt, then the cancel with what its reply said. */
  async function callAgainAndCancel(caller: string, told: (reply: Record<string, string>) => Record<string, string> = (reply) => reply) {
    const attempt = await write(flowEvent({ callerNumber: caller }));
    expect(attempt).toMatchObject({ result: 'EXISTS', canCancel: 'true' });
    const passed = told(attempt);
    env.db.operations.length = 0;
    const cancel = await update(flowEvent({
      callerNumber: caller,
      parameters: { recordId: passed.recordId, transition: 'CANCEL', phoneE164: passed.phoneE164, callbackContactId: passed.callbackContactId },
    }));
    return { attempt, cancel, operations: [...env.db.operations] };
  }

  test('with the callback id known: the cancel, StopContact and the completion, and no read', async () => {
    const booked = await book();
    const callbackContactId = await learn(booked.recordId);
    const { attempt, cancel, operations } = await callAgainAndCancel(booked.phone);
    expect(attempt).toMatchObject({ recordId: booked.recordId, phoneE164: booked.phone, callbackContactId });
    expect(operations).toEqual(['TransactWriteItems', 'UpdateItem']);
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);
    expect(cancel).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'REMOVED_BY_API', removedFromQueue: 'true' });
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(booked.phone))).toBeUndefined();
    // The number may book again at once.
    await book(booked.phone);
  });

  test('before the id is known: one transaction; the processor that learns the id stops the callback', async () => {
    const booked = await book();
    const { attempt, cancel, operations } = await callAgainAndCancel(booked.phone);
    expect(attempt.callbackContactId).toBe('');
    expect(operations).toEqual(['TransactWriteItems']);
    expect(cancel).toMatchObject({ result: 'APPLIED', status: 'CANCELLED', removedFromQueue: 'false', phoneE164: booked.phone });
    expect(env.connect.calls).toEqual([]);
    const callbackContactId = newContactId();
    expect(await processEvent(callbackContactEvent(booked.recordId, callbackContactId))).toEqual({ outcome: 'REMOVED' });
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);
  });

  test('an id learnt after the booking attempt\'s reply: the failed condition returns it, and the cancel still stops the callback', async () => {
    const booked = await book();
    const attempt = await write(flowEvent({ callerNumber: booked.phone }));
    expect(attempt.callbackContactId).toBe('');
    // The contact event arrives while the caller listens to the offer.
    const callbackContactId = await learn(booked.recordId);
    env.db.operations.length = 0;
    const cancel = await update(flowEvent({
      callerNumber: booked.phone,
      parameters: { recordId: attempt.recordId, transition: 'CANCEL', phoneE164: attempt.phoneE164, callbackContactId: attempt.callbackContactId },
    }));
    expect(env.db.operations).toEqual(['TransactWriteItems', 'TransactWriteItems', 'UpdateItem']);
    expect(cancel).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'REMOVED_BY_API', removedFromQueue: 'true' });
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);
  });

  test('a wrong callback id told is never stopped: the record\'s own is', async () => {
    const booked = await book();
    const callbackContactId = await learn(booked.recordId);
    const wrong = newContactId();
    const { cancel } = await callAgainAndCancel(booked.phone, (reply) => ({ ...reply, callbackContactId: wrong }));
    expect(cancel).toMatchObject({ result: 'APPLIED', resolution: 'REMOVED_BY_API' });
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);
  });

  test('without ALLOW_CANCEL_FOR_OTHER_NUMBER the caller\'s number decides, whatever number is told', async () => {
    const booked = await book();
    const stranger = newNumber();
    const cancel = await update(flowEvent({ callerNumber: stranger, parameters: { recordId: booked.recordId, transition: 'CANCEL', phoneE164: booked.phone } }));
    expect(cancel).toEqual({ result: 'FORBIDDEN', status: '', resolution: '', phoneE164: '', phoneNational: '', removedFromQueue: 'false', cancelled: '' });
    expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(booked.recordId))).toMatchObject({ status: 'PENDING' });
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(booked.phone))).toMatchObject({ recordId: booked.recordId });
  });

  test('with ALLOW_CANCEL_FOR_OTHER_NUMBER a wrong number told deletes the record\'s own pointer, and no other', async () => {
    const permissive = env.load('update-callback', variant, { ALLOW_CANCEL_FOR_OTHER_NUMBER: 'true' });
    const booked = await book();
    const other = await book();
    const cancel = await permissive(flowEvent({
      callerNumber: newNumber(), parameters: { recordId: booked.recordId, transition: 'CANCEL', phoneE164: other.phone },
    }));
    expect(cancel).toMatchObject({ result: 'APPLIED', status: 'CANCELLED', phoneE164: booked.phone });
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(booked.phone))).toBeUndefined();
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(other.phone))).toMatchObject({ recordId: other.recordId });
    expect(await getItem(env.db.endpoint, TABLE_NAME, recordPk(other.recordId))).toMatchObject({ status: 'PENDING' });
    // And told nothing, it reads the record first.
    const third = await book();
    env.db.operations.length = 0;
    expect(await permissive(flowEvent({ callerNumber: newNumber(), parameters: { recordId: third.recordId, transition: 'CANCEL' } })))
      .toMatchObject({ result: 'APPLIED', status: 'CANCELLED' });
    expect(env.db.operations).toEqual(['GetItem', 'TransactWriteItems']);
  });

  test('a cancel of a record that is gone, or no longer pending, is told so as before', async () => {
    expect((await update(flowEvent({ callerNumber: newNumber(), parameters: { recordId: newContactId(), transition: 'CANCEL' } }))).result).toBe('NOT_FOUND');
    const booked = await book();
    expect((await update(flowEvent(callbackContactCall(booked.recordId, 'CONNECT')))).result).toBe('APPLIED');
    expect(await update(flowEvent({ callerNumber: booked.phone, parameters: { recordId: booked.recordId, transition: 'CANCEL', phoneE164: booked.phone } })))
      .toMatchObject({ result: 'REFUSED', status: 'COMPLETED', resolution: 'CONNECTED' });
  });

  test('the id is copied to the active pointer by the write that learns it, never by a redelivery, and never onto a pointer that is gone', async () => {
    const booked = await book();
    env.db.operations.length = 0;
    const callbackContactId = await learn(booked.recordId);
    expect(env.db.operations).toEqual(['UpdateItem', 'UpdateItem']);
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(booked.phone))).toMatchObject({ recordId: booked.recordId, callbackContactId });
    env.db.operations.length = 0;
    expect(await processEvent(callbackContactEvent(booked.recordId, callbackContactId))).toEqual({ outcome: 'ID_LEARNED' });
    expect(env.db.operations).toEqual(['UpdateItem']);

    // Cancelled before the id arrives: the pointer is gone, and learning the id does not bring it back.
    const cancelled = await book();
    await callAgainAndCancel(cancelled.phone);
    expect(await processEvent(callbackContactEvent(cancelled.recordId, newContactId()))).toEqual({ outcome: 'REMOVED' });
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(cancelled.phone))).toBeUndefined();
  });

  test('the booking attempt\'s reply carries the callback id only for a callback the caller may cancel', async () => {
    const booked = await book();
    await learn(booked.recordId);
    const fromElsewhere = await write(flowEvent({ callerNumber: newNumber(), parameters: { phoneNumber: booked.phone } }));
    expect(fromElsewhere).toMatchObject({ result: 'EXISTS', recordId: booked.recordId, canCancel: 'false', callbackContactId: '' });
  });
});

describe.each(VARIANTS)('time zone settings (%s)', (variant) => {
  test('only the handler that speaks times checks TIME_ZONE; an alias Intl knows is accepted', async () => {
    const update = env.load('update-callback', variant, { TIME_ZONE: 'Mars/Olympus_Mons' });
    const write = env.load('write-callback', variant);
    const recordId = newContactId();
    expect((await write(flowEvent({ contactId: recordId, callerNumber: newNumber() }))).result).toBe('CREATED');
    expect(await update(flowEvent(callbackContactCall(recordId, 'CONNECT')))).toMatchObject({ result: 'APPLIED', resolution: 'CONNECTED' });

    // Not a canonical name (Intl.supportedValuesOf does not list it), yet a zone Intl accepts.
    const aliased = env.load('write-callback', variant, { TIME_ZONE: 'US/Eastern' });
    expect(await aliased(flowEvent({ contactId: newContactId(), callerNumber: newNumber() })))
      .toMatchObject({ result: 'CREATED', requestedAtSpoken: expect.stringMatching(/^\d{1,2}:\d{2} [AP]M$/) });
  });
});
