/**
 * Per test file: a DynamoDB server with the callback table, a Connect endpoint, and the
 * environment the construct gives the handlers. Registers its own beforeAll/afterAll.
 */
import { type ConnectEndpoint, startConnectEndpoint } from './connect-endpoint';
import { createCallbackTable, type DynamoDbServer, startDynamoDbServer } from './dynamodb-server';
import { INSTANCE_ARN, QUEUE_ARN } from './events';
import { type HandlerName, type HandlerVariant, loadHandler, useTestAwsEnvironment } from './handlers';
import { ENV } from '../../lambda-src/shared/contract';

export const TABLE_NAME = 'CallbackTable';
export const COMPLETED_TTL_SECONDS = 3600;

/** What the construct sets on every function (ENV in lambda-src/shared/contract.ts). */
export const CONSTRUCT_ENV: Record<string, string> = {
  [ENV.TABLE_NAME]: TABLE_NAME,
  [ENV.QUEUE_ARN]: QUEUE_ARN,
  [ENV.INSTANCE_ARN]: INSTANCE_ARN,
  [ENV.DEFAULT_COUNTRY]: 'US',
  [ENV.COMPLETED_RECORD_TTL_SECONDS]: String(COMPLETED_TTL_SECONDS),
  [ENV.ALLOW_CANCEL_FOR_OTHER_NUMBER]: 'false',
  [ENV.TIME_ZONE]: 'America/Chicago',
  [ENV.METRICS_NAMESPACE]: 'CallbackManagement',
  [ENV.METRICS_SERVICE]: 'test',
  [ENV.LOCALE]: 'en-US',
};

export type FlowHandler = (event: unknown) => Promise<Record<string, string>>;

export interface TestEnvironment {
  readonly db: DynamoDbServer;
  readonly connect: ConnectEndpoint;
  /** Every line the handlers wrote to the console (stdout and stderr) in this file so far. */
  readonly logs: string[];
  /** Every embedded-format metrics document the handlers wrote to stdout in this file so far, parsed. */
  readonly metrics: Array<Record<string, any>>;
  /** Loads a handler with the construct's environment, plus `overrides`. */
  load<T extends (...args: never[]) => Promise<unknown> = FlowHandler>(
    name: HandlerName,
    variant: HandlerVariant,
    overrides?: Record<string, string | undefined>,
  ): T;
  /** After db.restart(): the in-memory table is gone and must be made again. */
  recreateTable(): Promise<void>;
}

export function useTestEnvironment(): TestEnvironment {
  let db: DynamoDbServer | undefined;
  let connect: ConnectEndpoint | undefined;

  const logs: string[] = [];
  const metrics: Array<Record<string, any>> = [];
  const originalStdoutWrite = process.stdout.write;
  const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originalConsole = Object.fromEntries(CONSOLE_METHODS.map((method) => [method, console[method]]));

  beforeAll(async () => {
    // Handler logs are kept for assertions (and out of the test output). Plain replacement rather
    // than jest spies, which jest's mock clearing between tests must not undo.
    for (const method of CONSOLE_METHODS) {
      console[method] = (...args: unknown[]) => {
        logs.push(args.map(String).join(' '));
      };
    }
    // The handlers' metrics go to stdout as one JSON line each (lambda-src/shared/metrics.ts): kept, and not printed.
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
      if (text.startsWith('{"_aws":')) {
        for (const line of text.split('\n').filter(Boolean)) metrics.push(JSON.parse(line));
        return true;
      }
      return (originalStdoutWrite as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    }) as typeof process.stdout.write;
    const [dbStart, connectStart] = await Promise.allSettled([startDynamoDbServer(), startConnectEndpoint()]);
    // Kept even when the other one failed: afterAll stops it, or its listening socket would keep
    // jest from exiting.
    if (dbStart.status === 'fulfilled') db = dbStart.value;
    if (connectStart.status === 'fulfilled') connect = connectStart.value;
    if (dbStart.status === 'rejected') throw dbStart.reason;
    if (connectStart.status === 'rejected') throw connectStart.reason;
    await createCallbackTable(dbStart.value.endpoint, TABLE_NAME);
    useTestAwsEnvironment({ dynamodb: dbStart.value.endpoint, connect: connectStart.value.endpoint });
  });

  afterAll(async () => {
    Object.assign(console, originalConsole);
    process.stdout.write = originalStdoutWrite;
    await Promise.all([db?.stop(), connect?.stop()]);
  });

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is used before beforeAll ran`);
    return value;
  };

  return {
    get db() {
      return required(db, 'the DynamoDB server');
    },
    get connect() {
      return required(connect, 'the Connect endpoint');
    },
    load: (name, variant, overrides = {}) => loadHandler(name, variant, { ...CONSTRUCT_ENV, ...overrides }),
    recreateTable: () => createCallbackTable(required(db, 'the DynamoDB server').endpoint, TABLE_NAME),
    logs,
    metrics,
  };
}
