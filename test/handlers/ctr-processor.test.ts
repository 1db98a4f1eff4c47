/**
 * The CTR processor: idempotent under duplicated, re-sent and reordered CTRs; poison records are
 * skipped, transient failures are handed back to Lambda for retry.
 */
import { getItem } from '../support/dynamodb-server';
import { TABLE_NAME, type FlowHandler, useTestEnvironment } from '../support/environment';
import { QUEUE_ARN, callbackCtr, callbackContactCall, flowEvent, inboundCtr, kinesisBatch, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();

type Processor = (event: unknown) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

let nextLine = 2000;
const newNumber = () => `+1415555${String(nextLine++).padStart(4, '0')}`;
const recordPk = (recordId: string) => `CALLBACK#${recordId}`;

describe.each(VARIANTS)('ctr-processor (%s)', (variant) => {
  let write: FlowHandler;
  let update: FlowHandler;
  let processCtrs: Processor;

  beforeAll(() => {
    write = env.load('write-callback', variant);
    update = env.load('update-callback', variant);
    processCtrs = env.load<Processor>('ctr-processor', variant);
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

  const record = (recordId: string) => getItem(env.db.endpoint, TABLE_NAME, recordPk(recordId));

  test('the inbound CTR stores the callback id once; duplicates and other ids change nothing', async () => {
    const { recordId } = await book();
    const callbackContactId = newContactId();
    expect((await processCtrs(kinesisBatch([inboundCtr(recordId, callbackContactId)]))).batchItemFailures).toEqual([]);
    const learned = await record(recordId);
    expect(learned).toMatchObject({ status: 'PENDING', callbackContactId });
    expect(typeof learned?.callbackIdLearnedAt).toBe('string');

    const again = await processCtrs(kinesisBatch([inboundCtr(recordId, callbackContactId), inboundCtr(recordId, callbackContactId)]));
    expect(again.batchItemFailures).toEqual([]);
    const otherId = await processCtrs(kinesisBatch([inboundCtr(recordId, newContactId())]));
    expect(otherId.batchItemFailures).toEqual([]);
    expect(await record(recordId)).toEqual(learned);
    expect(env.connect.calls).toEqual([]);
  });

  test('the callback\'s own CTR closes a still-pending record (ENDED), so the number can book again', async () => {
    const { recordId, phone } = await book();
    const callbackContactId = newContactId();
    // Reordered: the callback's CTR before the inbound one.
    expect((await processCtrs(kinesisBatch([callbackCtr(recordId, callbackContactId)]))).batchItemFailures).toEqual([]);
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'ENDED', callbackContactId });
    expect(await getItem(env.db.endpoint, TABLE_NAME, `ACTIVE#${QUEUE_ARN}#${phone}`)).toBeUndefined();

    const completed = await record(recordId);
    const resent = kinesisBatch([inboundCtr(recordId, callbackContactId), callbackCtr(recordId, callbackContactId)]);
    expect((await processCtrs(resent)).batchItemFailures).toEqual([]);
    expect(await record(recordId)).toEqual(completed);
    expect(env.connect.calls).toEqual([]);
    await book(newContactId(), phone);
  });

  test('a connected callback stays CONNECTED when its CTRs arrive, in any order and repeatedly', async () => {
    const { recordId } = await book();
    const callbackContactId = newContactId();
    expect((await update(flowEvent(callbackContactCall(recordId, 'CONNECT', callbackContactId)))).result).toBe('APPLIED');
    const batch = kinesisBatch([
      callbackCtr(recordId, callbackContactId),
      inboundCtr(recordId, callbackContactId),
      callbackCtr(recordId, callbackContactId),
    ]);
    expect((await processCtrs(batch)).batchItemFailures).toEqual([]);
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED', callbackContactId });
    expect(env.connect.calls).toEqual([]);
  });

  test('a cancelled callback whose own CTR arrives first is ENDED, and the late inbound CTR stops nothing', async () => {
    const { recordId, phone } = await book();
    expect((await update(flowEvent({ callerNumber: phone, parameters: { recordId, transition: 'CANCEL' } }))).status).toBe('CANCELLED');
    const callbackContactId = newContactId();
    const reordered = kinesisBatch([callbackCtr(recordId, callbackContactId), inboundCtr(recordId, callbackContactId)]);
    expect((await processCtrs(reordered)).batchItemFailures).toEqual([]);
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'ENDED' });
    expect(env.connect.calls).toEqual([]);
  });

  test('CTRs of contacts without a callback are ignored', async () => {
    const unrelated = { ContactId: newContactId(), InitiationMethod: 'INBOUND', Attributes: {}, NextContactId: newContactId() };
    const forUnknownRecord = inboundCtr(newContactId(), newContactId());
    expect((await processCtrs(kinesisBatch([unrelated, forUnknownRecord]))).batchItemFailures).toEqual([]);
  });

  test('a booking the flow undid (attributes cleared) learns no id from its CTR, whatever its NextContactId', async () => {
    const { recordId } = await book();
    // The undo path cleared the record id and the booked marker before transferring the caller, who was then
    // transferred on by an agent: NextContactId names that transfer, not a callback.
    const undone = { ...inboundCtr(recordId, newContactId()), Attributes: { callbackRecordId: '', callbackBooked: '' } };
    expect((await processCtrs(kinesisBatch([undone]))).batchItemFailures).toEqual([]);
    expect((await record(recordId))?.callbackContactId).toBeUndefined();
  });

  test('poison records are skipped and the rest of the batch is applied', async () => {
    const { recordId } = await book();
    const callbackContactId = newContactId();
    const batch = kinesisBatch([
      { raw: '%%% not base64 json %%%' },
      { raw: Buffer.from('{"ContactId": ').toString('base64') },
      [1, 2, 3],
      { InitiationMethod: 'INBOUND', Attributes: { callbackRecordId: recordId } },
      { ContactId: 'x'.repeat(400), InitiationMethod: 'INBOUND' },
      inboundCtr(recordId, callbackContactId),
    ]);
    expect((await processCtrs(batch)).batchItemFailures).toEqual([]);
    expect(await record(recordId)).toMatchObject({ callbackContactId });
    expect(env.logs.filter((line) => line.includes('poison CTR skipped')).length).toBeGreaterThanOrEqual(5);
  });

  test('a Kinesis event or record without its expected fields is skipped and logged, never thrown on', async () => {
    const { recordId } = await book();
    const callbackContactId = newContactId();
    const good = kinesisBatch([inboundCtr(recordId, callbackContactId)]).Records[0];
    const broken: unknown[] = [
      null, 42, 'text', {}, { kinesis: null }, { kinesis: {} }, { kinesis: { data: good.kinesis.data } },
      { kinesis: { sequenceNumber: '1', data: 7 } }, { kinesis: { sequenceNumber: '', data: good.kinesis.data } },
    ];
    // Whole events without a usable Records list: nothing to do, nothing to retry.
    for (const event of [undefined, null, {}, { Records: null }, { Records: 'x' }, []]) {
      await expect(processCtrs(event)).resolves.toEqual({ batchItemFailures: [] });
    }
    // Broken records around a good one: the good one is applied, the broken ones skipped and logged.
    const logsBefore = env.logs.length;
    await expect(processCtrs({ Records: [...broken, good] })).resolves.toEqual({ batchItemFailures: [] });
    expect(await record(recordId)).toMatchObject({ callbackContactId });
    const logged = env.logs.slice(logsBefore).filter((line) => line.includes('poison Kinesis record skipped'));
    expect(logged).toHaveLength(broken.length);
  });

  test('one poison record in a batch of 100: exactly it is logged and skipped, the other 99 are applied, nothing is handed back', async () => {
    const bookings: Array<{ recordId: string; callbackContactId: string }> = [];
    for (let i = 0; i < 99; i++) bookings.push({ ...(await book()), callbackContactId: newContactId() });
    const entries: Array<object | { raw: string }> = bookings.map(({ recordId, callbackContactId }) => inboundCtr(recordId, callbackContactId));
    const POISON_AT = 42;
    entries.splice(POISON_AT, 0, { raw: Buffer.from('{"ContactId": "truncated').toString('base64') });
    const batch = kinesisBatch(entries);
    expect(batch.Records).toHaveLength(100);
    const poisonSequence = batch.Records[POISON_AT].kinesis.sequenceNumber;
    const firstLog = env.logs.length;

    expect(await processCtrs(batch)).toEqual({ batchItemFailures: [] });

    for (const { recordId, callbackContactId } of bookings) expect(await record(recordId)).toMatchObject({ status: 'PENDING', callbackContactId });
    const logged = env.logs.slice(firstLog).map((line) => JSON.parse(line));
    const skipped = logged.filter((entry) => entry.message === 'poison CTR skipped');
    expect(skipped).toEqual([expect.objectContaining({ sequence: `...${poisonSequence.slice(-6)}` })]);
    expect(logged.filter((entry) => entry.message === 'CTR applied')).toHaveLength(99);
  });

  test('with DynamoDB down, valid records go back for retry, poison ones do not, and a retry applies them', async () => {
    const recordId = newContactId();
    const phone = newNumber();
    await book(recordId, phone);
    const callbackContactId = newContactId();
    const batch = kinesisBatch([{ raw: 'bm90IGpzb24=' }, inboundCtr(recordId, callbackContactId), callbackCtr(recordId, callbackContactId)]);
    const [poison, inbound, own] = batch.Records.map((r) => r.kinesis.sequenceNumber);

    await env.db.pause();
    let result: Awaited<ReturnType<Processor>>;
    try {
      result = await processCtrs(batch);
    } finally {
      await env.db.restart();
      await env.recreateTable();
    }
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([inbound, own]);
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).not.toContain(poison);

    // The server kept nothing; book again (same contact), then Lambda re-delivers from the first failure.
    await book(recordId, phone);
    const retry = kinesisBatch([inboundCtr(recordId, callbackContactId), callbackCtr(recordId, callbackContactId)]);
    expect((await processCtrs(retry)).batchItemFailures).toEqual([]);
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'ENDED', callbackContactId });
  });
});
