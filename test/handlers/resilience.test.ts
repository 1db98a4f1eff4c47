/**
 * Trouble: DynamoDB unreachable or silent, missing configuration, garbage events. Every handler
 * answers with an explicit error result within the SDK bounds and never throws to Amazon Connect.
 */
import * as net from 'node:net';
import { OPEN_RECORD_TTL_SECONDS } from '../../lambda-src/shared/contract';
import { SDK_BOUNDS } from '../../lambda-src/shared/sdk-bounds';
import { scanTable } from '../support/dynamodb-server';
import { type FlowHandler, TABLE_NAME, useTestEnvironment } from '../support/environment';
import { callbackContactEvent, callbackContactCall, flowEvent, inboundCtr, kinesisBatch, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();
type Processor = (event: unknown) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

/** Accepts connections and never answers: DynamoDB hanging, not refusing. */
async function startSilentServer(): Promise<{ endpoint: string; connections: () => number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => connections,
    stop: () => new Promise<void>((resolve) => {
      sockets.forEach((socket) => socket.destroy());
      server.close(() => resolve());
    }),
  };
}

/** The parts of an SDK v3 client's resolved config this test reads. */
interface BuiltClient {
  readonly config: {
    readonly requestHandler: {
      handle(...args: unknown[]): Promise<unknown>;
      httpHandlerConfigs(): Record<string, unknown>;
    };
    maxAttempts(): Promise<number>;
  };
  destroy(): void;
}

describe('SDK bounds', () => {
  test('clients are built with 2 attempts, 500 ms to connect and a 1000 ms request limit that throws', async () => {
    expect(SDK_BOUNDS).toEqual({ maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 1000 });
    let clients: { dynamodb: unknown; connect: unknown } | undefined;
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { createDynamoDbClient } = require('../../lambda-src/shared/dynamodb-client');
      const { createConnectClient } = require('../../lambda-src/shared/connect-client');
      /* eslint-enable @typescript-eslint/no-require-imports */
      clients = { dynamodb: createDynamoDbClient(), connect: createConnectClient() };
    });
    for (const client of Object.values(clients ?? {}) as BuiltClient[]) {
      expect(await client.config.maxAttempts()).toBe(2);
      // The handler resolves its settings on first use.
      await client.config.requestHandler.handle({ protocol: 'http:', hostname: '127.0.0.1', port: 9, method: 'GET', path: '/', headers: {} }).catch(() => undefined);
      expect(client.config.requestHandler.httpHandlerConfigs()).toMatchObject({
        connectionTimeout: 500, requestTimeout: 1000, throwOnRequestTimeout: true,
      });
      client.destroy();
    }
  });
});

describe.each(VARIANTS)('trouble (%s)', (variant) => {
  test('DynamoDB refusing connections: every handler replies ERROR, the processor hands the batch back', async () => {
    const write = env.load('write-callback', variant);
    const update = env.load('update-callback', variant);
    const processCtrs = env.load<Processor>('ctr-processor', variant);
    const recordId = newContactId();
    const batch = kinesisBatch([inboundCtr(recordId, newContactId())]);

    await env.db.pause();
    try {
      expect(await write(flowEvent({ parameters: { phoneNumber: '+12025550199' } }))).toMatchObject({ result: 'ERROR' });
      expect(await update(flowEvent({ parameters: { recordId, transition: 'CANCEL' } }))).toMatchObject({ result: 'ERROR', removedFromQueue: 'false' });
      expect(await update(flowEvent(callbackContactCall(recordId, 'AGENT_HANG_UP')))).toMatchObject({ result: 'ERROR', removedFromQueue: 'false' });
      expect(await processCtrs(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: batch.Records[0].kinesis.sequenceNumber }] });
    } finally {
      await env.db.restart();
      await env.recreateTable();
    }
  });

  test('DynamoDB accepting but never answering: ERROR after exactly maxAttempts tries', async () => {
    const silent = await startSilentServer();
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = silent.endpoint;
    try {
      const update = env.load('update-callback', variant);
      const write = env.load('write-callback', variant);
      expect(await update(flowEvent(callbackContactCall(newContactId(), 'CONNECT')))).toMatchObject({ result: 'ERROR' });
      expect(silent.connections()).toBe(SDK_BOUNDS.maxAttempts);
      expect(await write(flowEvent({ parameters: { phoneNumber: '+12025550198' } }))).toMatchObject({ result: 'ERROR' });
      expect(silent.connections()).toBe(2 * SDK_BOUNDS.maxAttempts);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
      await silent.stop();
    }
  });

  test('every call of an invocation shares one deadline, a margin before the function\'s time runs out', async () => {
    const silent = await startSilentServer();
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = silent.endpoint;
    try {
      const update = env.load('update-callback', variant) as unknown as (event: unknown, context: unknown) => Promise<Record<string, string>>;
      // 1.6 s left and 1 s kept back: the call is cut 0.6 s in, inside its first attempt (request timeout 1 s), so
      // the SDK never makes the second attempt that SDK_BOUNDS would otherwise allow (the test above makes both).
      const context = { getRemainingTimeInMillis: () => 1600 };
      expect(await update(flowEvent(callbackContactCall(newContactId(), 'CONNECT')), context)).toMatchObject({ result: 'ERROR' });
      expect(silent.connections()).toBe(1);
      expect(env.logs.some((line) => line.includes('transition failed') && line.includes('AbortError'))).toBe(true);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
      await silent.stop();
    }
  });

  test('missing or wrong settings: an ERROR reply and a log line naming the setting', async () => {
    const cases: Array<[Parameters<typeof env.load>[0], Record<string, string | undefined>, string]> = [
      ['write-callback', { TABLE_NAME: undefined }, 'TABLE_NAME'],
      ['write-callback', { QUEUE_ARN: undefined }, 'QUEUE_ARN'],
      ['update-callback', { TABLE_NAME: '' }, 'TABLE_NAME'],
      ['update-callback', { INSTANCE_ARN: 'not-an-arn' }, 'INSTANCE_ARN'],
      ['update-callback', { INSTANCE_ARN: undefined }, 'INSTANCE_ARN'],
      ['update-callback', { COMPLETED_RECORD_TTL_SECONDS: '-5' }, 'COMPLETED_RECORD_TTL_SECONDS'],
      // A wrong zone would tell callers a wrong booking time: an ERROR reply instead.
      ['write-callback', { TIME_ZONE: 'Mars/Olympus_Mons' }, 'TIME_ZONE'],
    ];
    for (const [name, overrides, setting] of cases) {
      const handler = env.load<FlowHandler>(name, variant, overrides);
      const logged = env.logs.length;
      expect((await handler(flowEvent({ parameters: { recordId: newContactId(), transition: 'CONNECT', phoneNumber: '+12025550197' } }))).result).toBe('ERROR');
      expect(env.logs.slice(logged).join('\n')).toContain(setting);
    }
    const processCtrs = env.load<Processor>('ctr-processor', variant, { TABLE_NAME: undefined });
    const batch = kinesisBatch([inboundCtr(newContactId(), newContactId())]);
    expect((await processCtrs(batch)).batchItemFailures).toHaveLength(1);
  });

  test('garbage events get a reply, never a throw', async () => {
    const garbage: unknown[] = [undefined, null, {}, { Details: null }, { Details: { ContactData: null, Parameters: null } },
      { Details: { ContactData: { ContactId: 42 }, Parameters: { phoneNumber: 12, recordId: ['x'], transition: {} } } }];
    for (const name of ['write-callback', 'update-callback'] as const) {
      const handler = env.load<(event: unknown) => Promise<Record<string, string>>>(name, variant);
      for (const event of garbage) {
        const reply = await handler(event);
        expect(typeof reply.result).toBe('string');
        expect(Object.values(reply).every((value) => typeof value === 'string')).toBe(true);
      }
    }
  });
});

/**
 * A batch of calls across every handler that touches DynamoDB, made while DynamoDB is unreachable or throttling.
 * Each call must answer with its error result (a flow reply, a batch item failure, or a throw for the contact event
 * processor, whose retries and DLQ Lambda runs) after exactly the attempts the SDK bounds allow, and the same calls
 * made again once DynamoDB is back must complete without duplicating anything.
 */
describe.each(VARIANTS)('faults during a batch of calls (%s)', (variant) => {
  type EventProcessor = (event: unknown) => Promise<{ outcome: string }>;
  let line = variant === 'source' ? 3000 : 4000;
  const newNumber = () => `+1646555${String(line++).padStart(4, '0')}`;

  /** One call per handler and path; each first reaches DynamoDB with a single request (so one budget of attempts). */
  function batchOfCalls(bookings: Array<{ recordId: string; phone: string }>, callbackIds: string[]) {
    const write = env.load('write-callback', variant);
    const update = env.load('update-callback', variant);
    const processCtrs = env.load<Processor>('ctr-processor', variant);
    const processEvent = env.load<EventProcessor>('contact-event-processor', variant);
    const [a, b, c, d, e, f] = bookings;
    return [
      { name: 'write-callback', call: () => write(flowEvent({ contactId: a.recordId, callerNumber: a.phone })), ok: { result: 'CREATED' } },
      { name: 'write-callback (duplicate)', call: () => write(flowEvent({ callerNumber: a.phone })), ok: { result: 'EXISTS' } },
      { name: 'update-callback CANCEL', call: () => update(flowEvent({ callerNumber: c.phone, parameters: { recordId: c.recordId, transition: 'CANCEL' } })), ok: { result: 'APPLIED' } },
      { name: 'update-callback CONNECT', call: () => update(flowEvent(callbackContactCall(d.recordId, 'CONNECT'))), ok: { result: 'APPLIED' } },
      { name: 'update-callback AGENT_HANG_UP (pending)', call: () => update(flowEvent(callbackContactCall(e.recordId, 'AGENT_HANG_UP'))), ok: { result: 'REFUSED' } },
      { name: 'ctr-processor', call: () => processCtrs(kinesisBatch([inboundCtr(f.recordId, callbackIds[0])])), ok: { batchItemFailures: [] } },
      { name: 'contact-event-processor', call: () => processEvent(callbackContactEvent(b.recordId, callbackIds[1])), ok: { outcome: 'ID_LEARNED' } },
    ];
  }

  const ERROR_REPLY: Record<string, unknown> = { 'ctr-processor': 'batch item failure', 'contact-event-processor': 'thrown' };

  /** The retries, one after the other: the duplicate booking must come after the booking it duplicates. */
  async function inOrder(calls: Array<{ name: string; call: () => Promise<unknown> }>): Promise<unknown[]> {
    const outcomes: unknown[] = [];
    for (const { name, call } of calls) outcomes.push(await outcomeOf(name, call));
    return outcomes;
  }

  async function outcomeOf(name: string, call: () => Promise<unknown>): Promise<unknown> {
    try {
      const result: any = await call();
      if (name === 'ctr-processor') return result.batchItemFailures.length === 1 ? 'batch item failure' : result;
      return result;
    } catch (error) {
      return name === 'contact-event-processor' ? 'thrown' : `unexpected throw: ${(error as Error).message}`;
    }
  }

  async function book(count: number) {
    const write = env.load('write-callback', variant);
    const bookings: Array<{ recordId: string; phone: string }> = [];
    for (let i = 0; i < count; i++) {
      const booking = { recordId: newContactId(), phone: newNumber() };
      expect((await write(flowEvent({ contactId: booking.recordId, callerNumber: booking.phone }))).result).toBe('CREATED');
      bookings.push(booking);
    }
    return bookings;
  }

  /** After the retries: one record per booking, one pointer per PENDING booking, every item whole. */
  async function expectNoDuplicates(bookings: Array<{ recordId: string; phone: string }>) {
    const items = await scanTable(env.db.endpoint, TABLE_NAME);
    const mine = new Set(bookings.map((booking) => booking.recordId));
    const records = items.filter((item) => item.recordType === 'CALLBACK' && mine.has(String(item.recordId)));
    expect(records.map((item) => item.recordId).sort()).toEqual([...mine].sort());
    const phones = new Set(bookings.map((booking) => booking.phone));
    const pointers = items.filter((item) => item.recordType === 'ACTIVE' && phones.has(String(item.phoneE164)));
    expect(pointers.length).toBe(records.filter((item) => item.status === 'PENDING').length);
    expect(new Set(pointers.map((item) => item.phoneE164)).size).toBe(pointers.length);
    for (const item of [...records, ...pointers]) expect(typeof item.expiresAt).toBe('number');
  }

  test('DynamoDB stopped mid-batch: every call answers its error after maxAttempts requests; after restart the retries apply once', async () => {
    const bookings = await book(6);
    const callbackIds = [newContactId(), newContactId()];
    const calls = batchOfCalls(bookings, callbackIds);
    await env.db.pause();
    const before = env.db.operations.length;
    let outcomes: unknown[] = [];
    let requests = 0;
    try {
      outcomes = await Promise.all(calls.map(({ name, call }) => outcomeOf(name, call)));
      requests = env.db.operations.length - before;
    } finally {
      await env.db.restart();
      await env.recreateTable();
    }
    calls.forEach(({ name }, index) => {
      expect({ name, outcome: outcomes[index] }).toEqual({ name, outcome: ERROR_REPLY[name] ?? expect.objectContaining({ result: 'ERROR' }) });
    });
    // The SDK bound, not a clock: each call spent its attempts on its one request and no more.
    expect(requests).toBe(calls.length * SDK_BOUNDS.maxAttempts);

    // The in-memory table is gone with the JVM: book the same contacts again, then Lambda and Connect retry.
    const rebooked = await (async () => {
      const write = env.load('write-callback', variant);
      for (const booking of bookings.slice(1)) {
        expect((await write(flowEvent({ contactId: booking.recordId, callerNumber: booking.phone }))).result).toBe('CREATED');
      }
      return bookings;
    })();
    for (const round of [1, 2]) {
      const retried = await inOrder(batchOfCalls(rebooked, callbackIds));
      const expected = batchOfCalls(rebooked, callbackIds).map(({ name, ok }) => [name, ok]);
      if (round === 1) {
        expected.forEach(([name, ok], index) => {
          expect({ name, outcome: retried[index] }).toEqual({ name, outcome: expect.objectContaining(ok as object) });
        });
      } else {
        // The second retry is answered from the stored state: a booking retried by its own contact is CREATED again.
        expect(retried[0]).toMatchObject({ result: 'CREATED', recordId: bookings[0].recordId });
        expect(retried.every((outcome: any) => outcome && !String(outcome).startsWith('unexpected'))).toBe(true);
      }
    }
    await expectNoDuplicates(rebooked);
  });

  test('DynamoDB throttling (ProvisionedThroughputExceededException): error answers, then retries apply once', async () => {
    const bookings = await book(6);
    const callbackIds = [newContactId(), newContactId()];
    // The first booking is made again by its own contact, as Connect retries it: answered as created.
    const calls = batchOfCalls(bookings, callbackIds);
    const throttledBefore = env.db.throttled();
    env.db.throttle(true);
    let outcomes: unknown[];
    try {
      outcomes = await Promise.all(calls.map(({ name, call }) => outcomeOf(name, call)));
    } finally {
      env.db.throttle(false);
    }
    calls.forEach(({ name }, index) => {
      expect({ name, outcome: outcomes[index] }).toEqual({ name, outcome: ERROR_REPLY[name] ?? expect.objectContaining({ result: 'ERROR' }) });
    });
    expect(env.db.throttled() - throttledBefore).toBe(calls.length * SDK_BOUNDS.maxAttempts);
    expect(env.logs.some((entry) => entry.includes('ProvisionedThroughputExceededException'))).toBe(true);

    const retried = await inOrder(batchOfCalls(bookings, callbackIds));
    expect(retried[0]).toMatchObject({ result: 'CREATED', recordId: bookings[0].recordId });
    expect(retried.slice(2)).toEqual([
      expect.objectContaining({ result: 'APPLIED', status: 'CANCELLED' }),
      expect.objectContaining({ result: 'APPLIED', status: 'COMPLETED', resolution: 'CONNECTED' }),
      expect.objectContaining({ result: 'REFUSED', status: 'PENDING' }),
      { batchItemFailures: [] },
      { outcome: 'ID_LEARNED' },
    ]);
    await expectNoDuplicates(bookings);
    const items = await scanTable(env.db.endpoint, TABLE_NAME);
    const open = items.filter((item) => item.recordType === 'CALLBACK' && bookings.some((b) => b.recordId === item.recordId) && item.status !== 'COMPLETED');
    for (const item of open) expect(item.expiresAt).toBe(Math.floor(Date.parse(String(item.createdAt)) / 1000) + OPEN_RECORD_TTL_SECONDS);
  });
});
