/**
 * The contact event processor: learns the callback contact id from the contact event of the callback's creation,
 * together with the CTR processor in either order and any number of times; stops a callback cancelled before its
 * id was known exactly once; ignores what is not a new callback of this instance without throwing; hands
 * transient failures back to Lambda for retry.
 */
import { getItem } from '../support/dynamodb-server';
import { TABLE_NAME, type FlowHandler, useTestEnvironment } from '../support/environment';
import { INSTANCE_ARN, INSTANCE_ID, callbackContactEvent, callbackCtr, flowEvent, inboundCtr, kinesisBatch, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();

type Processor = (event: unknown) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;
type EventProcessor = (event: unknown) => Promise<{ outcome: string }>;

let nextLine = 3000;
const newNumber = () => `+1415555${String(nextLine++).padStart(4, '0')}`;
const recordPk = (recordId: string) => `CALLBACK#${recordId}`;

describe.each(VARIANTS)('contact-event-processor (%s)', (variant) => {
  let write: FlowHandler;
  let update: FlowHandler;
  let processCtrs: Processor;
  let processEvent: EventProcessor;

  beforeAll(() => {
    write = env.load('write-callback', variant);
    update = env.load('update-callback', variant);
    processCtrs = env.load<Processor>('ctr-processor', variant);
    processEvent = env.load<EventProcessor>('contact-event-processor', variant);
  });

  beforeEach(() => {
    env.connect.calls.length = 0;
    env.connect.failWith('none');
  });

  async function book(recordId = newContactId(), phone = newNumber()) {
    const reply = await write(flowEvent({ contactId: recordId, callerNumber: phone, parameters: { phoneNumber: phone } }));
    expect(reply.result).toBe('CREATED');
    return { recordId, phone };
  }
  const cancel = (recordId: string, phone: string) =>
    update(flowEvent({ callerNumber: phone, parameters: { recordId, transition: 'CANCEL' } }));
  const record = (recordId: string) => getItem(env.db.endpoint, TABLE_NAME, recordPk(recordId));
  const ctrsApplied = async (batch: ReturnType<typeof kinesisBatch>) => expect((await processCtrs(batch)).batchItemFailures).toEqual([]);

  test('event then CTR: the event stores the id, the later CTR changes nothing', async () => {
    const { recordId } = await book();
    const callbackContactId = newContactId();
    expect(await processEvent(callbackContactEvent(recordId, callbackContactId))).toEqual({ outcome: 'ID_LEARNED' });
    const learned = await record(recordId);
    expect(learned).toMatchObject({ status: 'PENDING', callbackContactId });
    expect(typeof learned?.callbackIdLearnedAt).toBe('string');

    await ctrsApplied(kinesisBatch([inboundCtr(recordId, callbackContactId)]));
    expect(await record(recordId)).toEqual(learned);
    expect(env.connect.calls).toEqual([]);
  });

  test('CTR then event: the CTR stores the id, the later event changes nothing', async () => {
    const { recordId } = await book();
    const callbackContactId = newContactId();
    await ctrsApplied(kinesisBatch([inboundCtr(recordId, callbackContactId)]));
    const learned = await record(recordId);
    expect(learned).toMatchObject({ status: 'PENDING', callbackContactId });

    expect(await processEvent(callbackContactEvent(recordId, callbackContactId))).toEqual({ outcome: 'ID_LEARNED' });
    expect(await record(recordId)).toEqual(learned);
    expect(env.connect.calls).toEqual([]);
  });

  test('the event twice stores the id once; an event naming another contact never overwrites it', async () => {
    const { recordId } = await book();
    const callbackContactId = newContactId();
    const event = callbackContactEvent(recordId, callbackContactId);
    expect(await processEvent(event)).toEqual({ outcome: 'ID_LEARNED' });
    const learned = await record(recordId);
    expect(await processEvent(event)).toEqual({ outcome: 'ID_LEARNED' });
    expect(await processEvent(callbackContactEvent(recordId, newContactId()))).toEqual({ outcome: 'CONFLICT' });
    expect(await record(recordId)).toEqual(learned);
    expect(env.connect.calls).toEqual([]);
  });

  test('with the id learnt from the event, the caller\'s cancel removes the callback at once, and nothing stops it again', async () => {
    const { recordId, phone } = await book();
    const callbackContactId = newContactId();
    await processEvent(callbackContactEvent(recordId, callbackContactId));
    expect(await cancel(recordId, phone)).toMatchObject({ result: 'APPLIED', status: 'COMPLETED', resolution: 'REMOVED_BY_API', removedFromQueue: 'true' });
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);

    expect(await processEvent(callbackContactEvent(recordId, callbackContactId))).toEqual({ outcome: 'ID_LEARNED' });
    await ctrsApplied(kinesisBatch([inboundCtr(recordId, callbackContactId), callbackCtr(recordId, callbackContactId)]));
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', callbackContactId });
    expect(env.connect.calls).toHaveLength(1);
  });

  test('an event after the cancel stops the callback, exactly once overall, even when the event and the CTRs follow', async () => {
    const { recordId, phone } = await book();
    // Cancelled before the id is known: nothing to stop yet.
    expect(await cancel(recordId, phone)).toMatchObject({ result: 'APPLIED', status: 'CANCELLED', removedFromQueue: 'false' });
    expect(env.connect.calls).toEqual([]);

    const callbackContactId = newContactId();
    expect(await processEvent(callbackContactEvent(recordId, callbackContactId))).toEqual({ outcome: 'REMOVED' });
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);
    const removed = await record(recordId);
    expect(removed).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', callbackContactId });

    expect(await processEvent(callbackContactEvent(recordId, callbackContactId))).toEqual({ outcome: 'ID_LEARNED' });
    await ctrsApplied(kinesisBatch([inboundCtr(recordId, callbackContactId)]));
    await ctrsApplied(kinesisBatch([callbackCtr(recordId, callbackContactId), inboundCtr(recordId, callbackContactId)]));
    expect(await record(recordId)).toEqual(removed);
    expect(env.connect.calls).toHaveLength(1);
  });

  test('a callback Amazon Connect no longer knows counts as removed', async () => {
    const { recordId, phone } = await book();
    await cancel(recordId, phone);
    const callbackContactId = newContactId();
    env.connect.markUnknown(callbackContactId);
    expect(await processEvent(callbackContactEvent(recordId, callbackContactId))).toEqual({ outcome: 'REMOVED' });
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
  });

  test('an event for a contact that booked nothing is logged and ignored, and writes nothing', async () => {
    const recordId = newContactId();
    const logged = env.logs.length;
    expect(await processEvent(callbackContactEvent(recordId, newContactId()))).toEqual({ outcome: 'NO_RECORD' });
    expect(await record(recordId)).toBeUndefined();
    expect(env.logs.slice(logged).join('\n')).toContain('contact event for a contact without a callback record');
    expect(env.connect.calls).toEqual([]);
  });

  test('malformed and unrelated events are answered IGNORED, never thrown, touch nothing, and log no number', async () => {
    const { recordId } = await book();
    const phone = '+14155550123';
    const valid = callbackContactEvent(recordId, newContactId());
    const withDetail = (detail: unknown) => ({ ...valid, detail });
    const changed = (fields: Record<string, unknown>) => withDetail({ ...valid.detail, ...fields });
    const garbage: unknown[] = [
      undefined, null, 'INITIATED', 42, [valid], {},
      { ...valid, source: 'aws.other' },
      { ...valid, 'detail-type': 'Amazon Connect Agent Event' },
      withDetail(undefined), withDetail(null), withDetail('detail'), withDetail([valid.detail]),
      changed({ contactId: 42 }), changed({ contactId: undefined }), changed({ contactId: 'x'.repeat(300) }),
      changed({ contactId: phone }), changed({ previousContactId: phone }),
      changed({ previousContactId: [recordId] }), changed({ previousContactId: null }),
      changed({ previousContactId: valid.detail.contactId }),
      changed({ eventType: 'QUEUED' }), changed({ eventType: 'DISCONNECTED' }), changed({ eventType: ['INITIATED'] }),
      changed({ initiationMethod: 'INBOUND' }), changed({ initiationMethod: 'callback' }),
      changed({ instanceArn: INSTANCE_ARN.replace('11111111', '99999999') }), changed({ instanceArn: undefined }),
      changed({ instanceARN: INSTANCE_ARN, instanceArn: undefined }),
    ];
    const logged = env.logs.length;
    env.db.operations.length = 0;
    for (const event of garbage) {
      await expect(processEvent(event)).resolves.toEqual({ outcome: 'IGNORED' });
    }
    expect(env.db.operations).toEqual([]);
    expect(env.connect.calls).toEqual([]);
    expect(await record(recordId)).not.toHaveProperty('callbackContactId');

    const lines = env.logs.slice(logged);
    expect(lines.filter((line) => line.includes('contact event ignored'))).toHaveLength(garbage.length);
    // Contact and event ids are UUIDs, not personal data; their hex groups often hold long digit runs.
    const text = lines.join('\n').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
    expect(text).not.toContain(phone.slice(1));
    expect(text).not.toMatch(/\d{7,}/);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  test('with DynamoDB down the event is handed back to Lambda (thrown), and its retry applies it', async () => {
    const recordId = newContactId();
    const phone = newNumber();
    await book(recordId, phone);
    const callbackContactId = newContactId();
    const event = callbackContactEvent(recordId, callbackContactId);

    await env.db.pause();
    try {
      await expect(processEvent(event)).rejects.toThrow(/contact event not applied/);
    } finally {
      await env.db.restart();
      await env.recreateTable();
    }
    // The in-memory table is gone: book again (same contact), then Lambda's retry delivers the same event.
    await book(recordId, phone);
    expect(await processEvent(event)).toEqual({ outcome: 'ID_LEARNED' });
    expect(await record(recordId)).toMatchObject({ status: 'PENDING', callbackContactId });
  });

  test('with StopContact throttled the event is thrown for retry, and the retry stops the callback', async () => {
    const { recordId, phone } = await book();
    await cancel(recordId, phone);
    const callbackContactId = newContactId();
    const event = callbackContactEvent(recordId, callbackContactId);
    env.connect.failWith('throttle');
    await expect(processEvent(event)).rejects.toThrow(/ThrottlingException/);
    expect(await record(recordId)).toMatchObject({ status: 'CANCELLED', callbackContactId });

    env.connect.failWith('none');
    env.connect.calls.length = 0;
    expect(await processEvent(event)).toEqual({ outcome: 'REMOVED' });
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: INSTANCE_ID }]);
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
  });

  test('missing settings are thrown, naming the setting, so the event is kept for the dead-letter queue', async () => {
    for (const [overrides, setting] of [[{ TABLE_NAME: undefined }, 'TABLE_NAME'], [{ INSTANCE_ARN: 'not-an-arn' }, 'INSTANCE_ARN']] as const) {
      const broken = env.load<EventProcessor>('contact-event-processor', variant, overrides);
      const logged = env.logs.length;
      await expect(broken(callbackContactEvent(newContactId(), newContactId()))).rejects.toThrow(setting);
      expect(env.logs.slice(logged).join('\n')).toContain(setting);
    }
  });
});
