/**
 * Trouble: DynamoDB unreachable or silent, missing configuration, garbage events. Every handler
 * answers with an explicit error result within the SDK bounds and never throws to Amazon Connect.
 */
import * as net from 'node:net';
import { SDK_BOUNDS } from '../../lambda-src/shared/sdk-bounds';
import { type FlowHandler, useTestEnvironment } from '../support/environment';
import { flowEvent, inboundCtr, kinesisBatch, newContactId } from '../support/events';
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
    const read = env.load('read-callback', variant);
    const update = env.load('update-callback', variant);
    const stop = env.load('stop-contact', variant);
    const processCtrs = env.load<Processor>('ctr-processor', variant);
    const recordId = newContactId();
    const batch = kinesisBatch([inboundCtr(recordId, newContactId())]);

    await env.db.pause();
    try {
      expect(await write(flowEvent({ parameters: { phoneNumber: '+12025550199' } }))).toMatchObject({ result: 'ERROR' });
      expect(await read(flowEvent({ parameters: { recordId } }))).toMatchObject({ result: 'ERROR' });
      expect(await update(flowEvent({ parameters: { recordId, transition: 'CANCEL' } }))).toMatchObject({ result: 'ERROR', removedFromQueue: 'false' });
      expect(await stop(flowEvent({ parameters: { recordId } }))).toMatchObject({ result: 'ERROR' });
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
      const read = env.load('read-callback', variant);
      const write = env.load('write-callback', variant);
      expect(await read(flowEvent({ parameters: { recordId: newContactId() } }))).toMatchObject({ result: 'ERROR' });
      expect(silent.connections()).toBe(SDK_BOUNDS.maxAttempts);
      expect(await write(flowEvent({ parameters: { phoneNumber: '+12025550198' } }))).toMatchObject({ result: 'ERROR' });
      expect(silent.connections()).toBe(2 * SDK_BOUNDS.maxAttempts);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
      await silent.stop();
    }
  });

  test('missing or wrong settings: an ERROR reply and a log line naming the setting', async () => {
    const cases: Array<[Parameters<typeof env.load>[0], Record<string, string | undefined>, string]> = [
      ['write-callback', { TABLE_NAME: undefined }, 'TABLE_NAME'],
      ['write-callback', { QUEUE_ARN: undefined }, 'QUEUE_ARN'],
      ['read-callback', { TABLE_NAME: '' }, 'TABLE_NAME'],
      ['update-callback', { INSTANCE_ARN: 'not-an-arn' }, 'INSTANCE_ARN'],
      ['stop-contact', { INSTANCE_ARN: undefined }, 'INSTANCE_ARN'],
      ['update-callback', { COMPLETED_RECORD_TTL_SECONDS: '-5' }, 'COMPLETED_RECORD_TTL_SECONDS'],
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
    for (const name of ['get-10-digit-phone', 'write-callback', 'read-callback', 'update-callback', 'stop-contact', 'get-current-time'] as const) {
      const handler = env.load<(event: unknown) => Promise<Record<string, string>>>(name, variant);
      for (const event of garbage) {
        const reply = await handler(event);
        expect(typeof reply.result).toBe('string');
        expect(Object.values(reply).every((value) => typeof value === 'string')).toBe(true);
      }
    }
  });
});
