/**
 * Customer-first callbacks across their three contacts, on DynamoDB Local and the local Connect endpoint: the inbound
 * contact C1 (the record), the queued leg C2 and the dialled leg C3. Which leg a cancel stops (C2 while queued, C3 once
 * dialled), what each flow transition does, how an unanswered or voicemail dial ends the record, and, property-based,
 * that the legs' contact events and CTRs end in the same record in any order and with any duplicates.
 */
import * as fc from 'fast-check';
import { getItem, scanTable } from '../support/dynamodb-server';
import { TABLE_NAME, type FlowHandler, useTestEnvironment } from '../support/environment';
import {
  QUEUE_ARN, type CustomerFirstContacts, type DialledLegEnding, customerFirstContacts, dialledLegCall, dialledLegCtr, dialledLegEvent, flowEvent,
  inboundCtr, kinesisBatch, newContactId, queuedLegCall, queuedLegCtr, queuedLegEvent,
} from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();
const CUSTOMER_FIRST = { CALLBACK_MODE: 'CUSTOMER_FIRST' };

type Processor = (event: unknown) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;
type EventProcessor = (event: unknown) => Promise<{ outcome: string }>;

let nextLine = 5000;
const newNumber = () => `+1415555${String(nextLine++).padStart(4, '0')}`;

describe.each(VARIANTS)('customer-first callbacks (%s)', (variant) => {
  let write: FlowHandler;
  let update: FlowHandler;
  let processCtrs: Processor;
  let processEvent: EventProcessor;

  beforeAll(() => {
    write = env.load('write-callback', variant, CUSTOMER_FIRST);
    update = env.load('update-callback', variant, CUSTOMER_FIRST);
    processCtrs = env.load<Processor>('ctr-processor', variant, CUSTOMER_FIRST);
    processEvent = env.load<EventProcessor>('contact-event-processor', variant, CUSTOMER_FIRST);
  });

  beforeEach(() => {
    env.connect.calls.length = 0;
    env.connect.failWith('none');
  });

  async function book(phone = newNumber()): Promise<CustomerFirstContacts & { phone: string }> {
    const recordId = newContactId();
    const reply = await write(flowEvent({ contactId: recordId, callerNumber: phone }));
    expect(reply.result).toBe('CREATED');
    return { ...customerFirstContacts(recordId), phone };
  }
  const cancel = (legs: { recordId: string; phone: string }) =>
    update(flowEvent({ callerNumber: legs.phone, parameters: { recordId: legs.recordId, transition: 'CANCEL' } }));
  const record = (recordId: string) => getItem(env.db.endpoint, TABLE_NAME, `CALLBACK#${recordId}`);
  const pointers = async (phone: string) => (await scanTable(env.db.endpoint, TABLE_NAME)).filter((item) => item.pk === `ACTIVE#${QUEUE_ARN}#${phone}`);
  const ctrs = async (...entries: object[]) => expect((await processCtrs(kinesisBatch(entries))).batchItemFailures).toEqual([]);
  const stopped = () => env.connect.calls.map((call) => call.contactId);

  test('a booking in customer-first mode is stamped with it: the mode decides which leg a cancel stops', async () => {
    const legs = await book();
    expect(await record(legs.recordId)).toMatchObject({ status: 'PENDING', callbackMode: 'CUSTOMER_FIRST' });
    const agentFirst = env.load<FlowHandler>('write-callback', variant);
    const other = newContactId();
    expect((await agentFirst(flowEvent({ contactId: other, callerNumber: newNumber() }))).result).toBe('CREATED');
    expect((await record(other))?.callbackMode).toBeUndefined();
  });

  test('cancel while queued, C2 known: StopContact on C2, REMOVED_BY_API, before any dial', async () => {
    const legs = await book();
    expect(await processEvent(queuedLegEvent(legs))).toEqual({ outcome: 'ID_LEARNED' });
    expect(await record(legs.recordId)).toMatchObject({ status: 'PENDING', callbackContactId: legs.queued });
    expect(await cancel(legs)).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'REMOVED_BY_API', removedFromQueue: 'true', cancelled: 'true' });
    expect(stopped()).toEqual([legs.queued]);
    expect(await pointers(legs.phone)).toEqual([]);
  });

  test('a cancel told only the queued leg (the booking attempt\'s EXISTS reply) after the dial began still stops the dial', async () => {
    const legs = await book();
    await processEvent(queuedLegEvent(legs));
    // What the set-callback flow passes on from EXISTS: the number and C2's id, which the pointer carries; not C3's.
    const exists = await write(flowEvent({ callerNumber: legs.phone }));
    expect(exists).toMatchObject({ result: 'EXISTS', callbackContactId: legs.queued });
    await processEvent(dialledLegEvent(legs));
    const told = { recordId: legs.recordId, transition: 'CANCEL', phoneE164: exists.phoneE164, callbackContactId: exists.callbackContactId };
    expect(await update(flowEvent({ callerNumber: legs.phone, parameters: told })))
      .toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'DIAL_STOPPED', removedFromQueue: 'true' });
    expect(stopped()).toEqual([legs.dialled]);
  });

  test('cancel after the dial began, C3 known: StopContact on C3, DIAL_STOPPED', async () => {
    const legs = await book();
    expect(await processEvent(dialledLegEvent(legs))).toEqual({ outcome: 'ID_LEARNED' });
    expect(await record(legs.recordId)).toMatchObject({ status: 'PENDING', callbackContactId: legs.queued, dialledContactId: legs.dialled });
    env.metrics.length = 0;
    expect(await cancel(legs)).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'DIAL_STOPPED', removedFromQueue: 'true' });
    expect(stopped()).toEqual([legs.dialled]);
    // Counted as what the record became, not as an agent-first removal.
    expect(env.metrics).toContainEqual(expect.objectContaining({ Removals: 1, Path: 'caller' }));
    expect(env.metrics).toContainEqual(expect.objectContaining({ Outcomes: 1, Resolution: 'DIAL_STOPPED' }));
    expect(env.metrics).not.toContainEqual(expect.objectContaining({ Resolution: 'REMOVED_BY_API' }));
  });

  test('cancel racing the dial: C2 is gone already, so the record waits, and C3\'s id stops the dial the moment it comes', async () => {
    const legs = await book();
    await ctrs(inboundCtr(legs.recordId, legs.queued));
    env.connect.markUnknown(legs.queued);
    // StopContact on C2 answers ContactNotFoundException: taken out of the queue to dial. Not a removal.
    expect(await cancel(legs)).toMatchObject({ result: 'APPLIED', status: 'CANCELLED', removedFromQueue: 'false', cancelled: 'true' });
    expect(stopped()).toEqual([legs.queued]);
    expect(await processEvent(dialledLegEvent(legs))).toEqual({ outcome: 'REMOVED' });
    expect(stopped()).toEqual([legs.queued, legs.dialled]);
    expect(await record(legs.recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'DIAL_STOPPED', dialledContactId: legs.dialled });
    // C3's end, later, changes nothing.
    expect(await processEvent(dialledLegEvent(legs, 'DISCONNECTED', { answeringMachineDetectionStatus: 'AMD_UNANSWERED' }))).toEqual({ outcome: 'ALREADY_COMPLETED' });
    expect(await record(legs.recordId)).toMatchObject({ resolution: 'DIAL_STOPPED' });
  });

  test('cancel before any id: the first id to arrive (C2\'s event) stops C2', async () => {
    const legs = await book();
    expect(await cancel(legs)).toMatchObject({ result: 'APPLIED', status: 'CANCELLED', removedFromQueue: 'false' });
    expect(stopped()).toEqual([]);
    expect(await processEvent(queuedLegEvent(legs))).toEqual({ outcome: 'REMOVED' });
    expect(stopped()).toEqual([legs.queued]);
    expect(await record(legs.recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
  });

  test('the creation flow\'s check: a PENDING callback goes on to the queue with C2\'s id learnt; a cancelled one is stopped there', async () => {
    const pending = await book();
    expect(await update(flowEvent(queuedLegCall(pending, 'CHECK_BEFORE_QUEUE')))).toMatchObject({ result: 'APPLIED', status: 'PENDING', cancelled: 'false' });
    expect(await record(pending.recordId)).toMatchObject({ callbackContactId: pending.queued });
    expect(stopped()).toEqual([]);

    const cancelled = await book();
    await cancel(cancelled);
    expect(await update(flowEvent(queuedLegCall(cancelled, 'CHECK_BEFORE_QUEUE'))))
      .toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'REMOVED_BY_API', cancelled: 'true' });
    expect(stopped()).toEqual([cancelled.queued]);
  });

  test('the creation flow\'s check finds the record by C2\'s previous contact when the attributes were not inherited', async () => {
    const legs = await book();
    const call = { ...queuedLegCall(legs, 'CHECK_BEFORE_QUEUE'), attributes: {}, parameters: { recordId: '', transition: 'CHECK_BEFORE_QUEUE' } };
    expect(await update(flowEvent(call))).toMatchObject({ result: 'APPLIED', status: 'PENDING' });
    expect(await record(legs.recordId)).toMatchObject({ callbackContactId: legs.queued });
  });

  test('the creation flow\'s check refuses a contact that is not this record\'s queued leg', async () => {
    const legs = await book();
    await processEvent(queuedLegEvent(legs));
    const stranger = { ...queuedLegCall(legs, 'CHECK_BEFORE_QUEUE'), contactId: newContactId() };
    expect(await update(flowEvent(stranger))).toMatchObject({ result: 'NOT_A_CALLBACK' });
    expect(await update(flowEvent({ ...queuedLegCall(legs, 'CHECK_BEFORE_QUEUE'), initiationMethod: 'INBOUND' }))).toMatchObject({ result: 'NOT_A_CALLBACK' });
  });

  test('the customer answers: CONNECTED, the number may book again; a cancel that raced the dial is CANCELLED_ON_ANSWER', async () => {
    const answered = await book();
    expect(await update(flowEvent(dialledLegCall(answered, 'CUSTOMER_ANSWERED'))))
      .toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'CONNECTED', cancelled: 'false' });
    expect(await record(answered.recordId)).toMatchObject({ callbackContactId: answered.queued, dialledContactId: answered.dialled });
    expect(await pointers(answered.phone)).toEqual([]);
    expect((await write(flowEvent({ contactId: newContactId(), callerNumber: answered.phone }))).result).toBe('CREATED');

    const raced = await book();
    env.connect.markUnknown(raced.queued);
    await processEvent(queuedLegEvent(raced));
    await cancel(raced);
    expect(await update(flowEvent(dialledLegCall(raced, 'CUSTOMER_ANSWERED'))))
      .toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'CANCELLED_ON_ANSWER', cancelled: 'true' });
  });

  test('a customer answering a dial that was stopped hears it was cancelled: REFUSED, cancelled', async () => {
    const legs = await book();
    await processEvent(dialledLegEvent(legs));
    await cancel(legs);
    expect(await update(flowEvent(dialledLegCall(legs, 'CUSTOMER_ANSWERED'))))
      .toMatchObject({ result: 'REFUSED', status: 'COMPLETED', resolution: 'DIAL_STOPPED', cancelled: 'true' });
  });

  test('the outbound callback flow of another dialled leg than the record\'s writes nothing', async () => {
    const legs = await book();
    await processEvent(dialledLegEvent(legs));
    const before = await record(legs.recordId);
    const other = { ...dialledLegCall(legs, 'CUSTOMER_ANSWERED'), contactId: newContactId() };
    expect(await update(flowEvent(other))).toMatchObject({ result: 'NOT_A_CALLBACK' });
    const otherQueue = { ...dialledLegCall(legs, 'VOICEMAIL'), previousContactId: newContactId() };
    expect(await update(flowEvent(otherQueue))).toMatchObject({ result: 'NOT_A_CALLBACK' });
    expect(await record(legs.recordId)).toEqual(before);
  });

  test('a voicemail ends the record VOICEMAIL (not retried), from the flow or from C3\'s CTR', async () => {
    const fromFlow = await book();
    expect(await update(flowEvent(dialledLegCall(fromFlow, 'VOICEMAIL')))).toMatchObject({ result: 'APPLIED', resolution: 'VOICEMAIL' });
    const fromCtr = await book();
    await ctrs(dialledLegCtr(fromCtr, { answeringMachineDetectionStatus: 'VOICEMAIL_NO_BEEP' }));
    expect(await record(fromCtr.recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'VOICEMAIL', dialledContactId: fromCtr.dialled });
    expect(await pointers(fromCtr.phone)).toEqual([]);
  });

  test('an unanswered dial ends the record NOT_ANSWERED from C3\'s DISCONNECTED event, and frees the number', async () => {
    const legs = await book();
    expect(await processEvent(dialledLegEvent(legs, 'DISCONNECTED', { answeringMachineDetectionStatus: 'AMD_UNANSWERED' }))).toEqual({ outcome: 'COMPLETED' });
    expect(await record(legs.recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'NOT_ANSWERED', callbackContactId: legs.queued, dialledContactId: legs.dialled });
    expect(await pointers(legs.phone)).toEqual([]);
    // A DISCONNECTED event without any detection result is read as no answer too.
    const bare = await book();
    expect(await processEvent(dialledLegEvent(bare, 'DISCONNECTED'))).toEqual({ outcome: 'COMPLETED' });
    expect(await record(bare.recordId)).toMatchObject({ resolution: 'NOT_ANSWERED' });
  });

  test('C2 ending without a dial (no NextContactId on its CTR) ends the record ENDED', async () => {
    const legs = await book();
    await ctrs(queuedLegCtr(legs, false));
    expect(await record(legs.recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'ENDED', callbackContactId: legs.queued });
  });

  test('C2\'s DISCONNECTED event and events of other initiation methods change nothing', async () => {
    const legs = await book();
    expect(await processEvent(queuedLegEvent(legs, 'DISCONNECTED'))).toEqual({ outcome: 'IGNORED' });
    expect(await processEvent(dialledLegEvent(legs, 'QUEUED'))).toEqual({ outcome: 'IGNORED' });
    expect(await record(legs.recordId)).toMatchObject({ status: 'PENDING' });
    expect((await record(legs.recordId))?.callbackContactId).toBeUndefined();
  });

  describe('the legs\' contact events and CTRs, in any order, with duplicates, end in the same record', () => {
    const ENDINGS: Record<string, { ending: DialledLegEnding; resolution: string; afterCancel: string }> = {
      'answered, reached an agent': { ending: { answeringMachineDetectionStatus: 'HUMAN_ANSWERED', connectedToAgentAt: '2025-01-01T00:05:00Z' }, resolution: 'CONNECTED', afterCancel: 'CANCELLED_ON_ANSWER' },
      'voicemail': { ending: { answeringMachineDetectionStatus: 'VOICEMAIL_BEEP' }, resolution: 'VOICEMAIL', afterCancel: 'VOICEMAIL' },
      'not answered': { ending: { answeringMachineDetectionStatus: 'AMD_UNANSWERED' }, resolution: 'NOT_ANSWERED', afterCancel: 'NOT_ANSWERED' },
    };
    type Delivery = 'inbound CTR' | 'C2 INITIATED' | 'C3 INITIATED' | 'C2 CTR' | 'C3 DISCONNECTED' | 'C3 CTR';
    const DELIVERIES: readonly Delivery[] = ['inbound CTR', 'C2 INITIATED', 'C3 INITIATED', 'C2 CTR', 'C3 DISCONNECTED', 'C3 CTR'];

    /** Every delivery once, some a second or third time, in any order. */
    const orders = fc.array(fc.constantFrom(...DELIVERIES), { maxLength: 4 })
      .chain((duplicates) => fc.shuffledSubarray([...DELIVERIES, ...duplicates], { minLength: DELIVERIES.length + duplicates.length }));

    async function deliver(legs: CustomerFirstContacts, delivery: Delivery, ending: DialledLegEnding): Promise<void> {
      switch (delivery) {
        case 'inbound CTR': return ctrs(inboundCtr(legs.recordId, legs.queued));
        case 'C2 INITIATED': await processEvent(queuedLegEvent(legs)); return;
        case 'C3 INITIATED': await processEvent(dialledLegEvent(legs)); return;
        case 'C2 CTR': return ctrs(queuedLegCtr(legs));
        case 'C3 DISCONNECTED': await processEvent(dialledLegEvent(legs, 'DISCONNECTED', ending)); return;
        case 'C3 CTR': return ctrs(dialledLegCtr(legs, ending));
      }
    }

    /** The record without what depends on when things arrived (learnt-at and completion times, the TTL). */
    const settled = (item: Record<string, unknown> | undefined) => {
      const { callbackIdLearnedAt, dialledIdLearnedAt, completedAt, expiresAt, ...rest } = item ?? {};
      expect({ callbackIdLearnedAt, dialledIdLearnedAt, completedAt, expiresAt }).toEqual({
        callbackIdLearnedAt: expect.any(String),
        dialledIdLearnedAt: expect.any(String),
        completedAt: expect.any(String),
        expiresAt: expect.any(Number),
      });
      return rest;
    };

    test('a callback that stays booked until its dial ends', async () => {
      await fc.assert(fc.asyncProperty(orders, fc.constantFrom(...Object.keys(ENDINGS)), async (order, endingName) => {
        const { ending, resolution } = ENDINGS[endingName];
        const legs = await book();
        env.connect.calls.length = 0;
        for (const delivery of order) await deliver(legs, delivery, ending);
        const { createdAt, ...final } = settled(await record(legs.recordId));
        expect(final).toEqual({
          pk: `CALLBACK#${legs.recordId}`,
          recordType: 'CALLBACK',
          recordId: legs.recordId,
          inboundContactId: legs.recordId,
          status: 'COMPLETED',
          resolution,
          callbackMode: 'CUSTOMER_FIRST',
          callbackContactId: legs.queued,
          dialledContactId: legs.dialled,
          phoneE164: legs.phone,
          phoneNational: expect.any(String),
          country: 'US',
          queueArn: QUEUE_ARN,
        });
        expect(typeof createdAt).toBe('string');
        expect(await pointers(legs.phone)).toEqual([]);
        // Nothing was cancelled, so nothing is ever stopped.
        expect(stopped()).toEqual([]);
      }), { numRuns: 60 });
    });

    test('a callback cancelled before any of them arrived, whose dial had already ended', async () => {
      await fc.assert(fc.asyncProperty(orders, fc.constantFrom(...Object.keys(ENDINGS)), async (order, endingName) => {
        const { ending, afterCancel } = ENDINGS[endingName];
        const legs = await book();
        expect(await cancel(legs)).toMatchObject({ result: 'APPLIED', status: 'CANCELLED' });
        // The dial is over: Connect knows neither leg any more, so every stop finds its leg gone.
        env.connect.markUnknown(legs.queued);
        env.connect.markUnknown(legs.dialled);
        env.connect.calls.length = 0;
        for (const delivery of order) await deliver(legs, delivery, ending);
        const { createdAt: _created, cancelledAt, ...final } = settled(await record(legs.recordId));
        expect(typeof cancelledAt).toBe('string');
        expect(final).toMatchObject({ status: 'COMPLETED', resolution: afterCancel, callbackContactId: legs.queued, dialledContactId: legs.dialled });
        // Stops only ever went to this callback's legs.
        expect(stopped().every((id) => id === legs.queued || id === legs.dialled)).toBe(true);
      }), { numRuns: 60 });
    });
  });
});
