/**
 * A real DynamoDB endpoint for the handler tests: Amazon DynamoDB Local, one JVM per test file,
 * in memory. Like DynamoDB it serves requests concurrently and runs conditional writes and
 * transactions atomically, so races between handlers are real races. Unlike DynamoDB it never
 * cancels overlapping transactions with TransactionConflict (it runs them one after the other), so
 * CallbackStore's retry of such conflicts is not exercised here.
 * Install it first with `bash scripts/setup-test-deps.sh` (projen task test:deps).
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { OPEN_RECORDS_INDEX, TABLE_KEY } from '../../lambda-src/shared/contract';
import { freePort, startDynamoDbLocal } from '../../src/simulator/dynamodb-local';
import { startEmbeddedDynamoDb } from '../../src/simulator/embedded-dynamodb';
import { type PassThroughAction, startDynamoDbPassThrough } from '../../src/simulator/local-services';

export { freePort };

/** A cold JVM on a busy 2-core machine (jest runs two files at once) can take many seconds to bind. */
const STARTUP_DEADLINE_MS = 60_000;
/**
 * Modest on purpose: two of these JVMs run beside two jest workers on two cores. A test file's
 * in-memory tables hold a few hundred small items, and Jetty's threads need no 1 MB stacks. The
 * serial collector and the C1-only JIT spend far less CPU compiling and collecting than the
 * defaults, which the short-lived JVM never earns back: the handler suite runs in about 31 s with
 * them against 44 s without.
 */
const JVM_OPTIONS = ['-Xmx256m', '-Xss512k', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

export interface DynamoDbServer {
  /** A counting pass-through in front of the server: what the handlers and tests talk to. */
  readonly endpoint: string;
  /** DynamoDB operations (e.g. 'TransactWriteItems') that reached the endpoint, in order. */
  readonly operations: string[];
  /**
   * The IAM actions those requests need, in order: the operation's own, except that a transaction needs
   * the action of each item in it (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), not one of its own.
   */
  readonly iamActions: string[];
  /**
   * The next request of `operation` reaches the server and takes effect, but its response is lost
   * (the connection drops), as when a network fails after DynamoDB committed.
   */
  loseNextResponse(operation: string): void;
  /**
   * While on, every request is answered by the proxy itself with HTTP 400 ProvisionedThroughputExceededException,
   * as DynamoDB throttles, without reaching the server. `throttled()` counts those answers.
   */
  throttle(on: boolean): void;
  throttled(): number;
  /** Stops the server and the pass-through. */
  stop(): Promise<void>;
  /** Stops the server only: requests to the endpoint fail as if DynamoDB were unreachable, until restart(). */
  pause(): Promise<void>;
  /** Starts the server again behind the same endpoint. Data is in memory: the table must be made again. */
  restart(): Promise<void>;
}

/** A client the tests use to arrange and inspect the table (the handlers build their own). */
export function testClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

const TRANSACTION_ITEM_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };

function iamActionsOf(operation: string, body: Buffer): string[] {
  if (operation !== 'TransactWriteItems') return [`dynamodb:${operation}`];
  const items: Array<Record<string, unknown>> = JSON.parse(body.toString('utf8')).TransactItems ?? [];
  return items.flatMap((item) => Object.keys(item).map((kind) => `dynamodb:${TRANSACTION_ITEM_ACTIONS[kind] ?? kind}`));
}

const THROTTLED: PassThroughAction = {
  status: 400,
  body: {
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
};

/**
 * Set to `embedded` to run a suite against the simulator's embedded store instead of DynamoDB Local: the
 * handler suites then check that store too (the test task does this once; DynamoDB Local stays the reference).
 */
export const BACKEND_VARIABLE = 'CALLBACK_TEST_DYNAMODB';

export interface DynamoDbServerOptions {
  /** @default `embedded` when the BACKEND_VARIABLE says so, else `dynamodb-local` */
  readonly backend?: 'dynamodb-local' | 'embedded';
}

export async function startDynamoDbServer(options: DynamoDbServerOptions = {}): Promise<DynamoDbServer> {
  const backend = options.backend ?? (process.env[BACKEND_VARIABLE] === 'embedded' ? 'embedded' : 'dynamodb-local');
  // The port is kept for the life of the test file: restart() brings the JVM back on it, behind the
  // same proxy, so clients built before pause() keep working.
  const port = await freePort();
  const start = (): Promise<{ stop(): Promise<void> }> => (backend === 'embedded'
    ? startEmbeddedDynamoDb({ port })
    : startDynamoDbLocal({ port, jvmOptions: JVM_OPTIONS, startupDeadlineMs: STARTUP_DEADLINE_MS }));
  let server = await start();
  const operations: string[] = [];
  const responsesToLose = new Set<string>();
  const iamActions: string[] = [];
  const throttling = { on: false, count: 0 };
  // Records each request's operation and IAM actions, so tests can count round trips and check grants. A new
  // connection per request: no pooled connection to a server stopped by pause() is handed to a request after restart().
  const proxy = await startDynamoDbPassThrough(`http://127.0.0.1:${port}`, (operation, body) => {
    operations.push(operation);
    iamActions.push(...iamActionsOf(operation, body));
    if (throttling.on) {
      throttling.count += 1;
      return THROTTLED;
    }
    return responsesToLose.delete(operation) ? 'FORWARD_AND_LOSE_RESPONSE' : 'FORWARD';
  }, { keepAlive: false });
  return {
    endpoint: proxy.endpoint,
    operations,
    iamActions,
    loseNextResponse: (operation) => {
      responsesToLose.add(operation);
    },
    throttle: (on) => {
      throttling.on = on;
    },
    throttled: () => throttling.count,
    stop: async () => {
      await server.stop();
      await proxy.close();
    },
    pause: () => server.stop(),
    restart: async () => {
      await server.stop();
      server = await start();
    },
  };
}

/**
 * The table exactly as the construct defines it by default: partition key `pk` (String) only, on-demand
 * billing, TTL on `expiresAt`, and the sparse index of open records (OPEN_RECORDS_INDEX) that the reconciler and the
 * callbacks API read.
 */
export async function createCallbackTable(endpoint: string, tableName: string): Promise<void> {
  const client = testClient(endpoint);
  try {
    await client.send(new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: TABLE_KEY.PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: OPEN_RECORDS_INDEX.PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: OPEN_RECORDS_INDEX.SORT_KEY, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: TABLE_KEY.PARTITION_KEY, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{
        IndexName: OPEN_RECORDS_INDEX.NAME,
        KeySchema: [
          { AttributeName: OPEN_RECORDS_INDEX.PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: OPEN_RECORDS_INDEX.SORT_KEY, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    await client.send(new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE_KEY.TTL_ATTRIBUTE, Enabled: true },
    }));
  } finally {
    client.destroy();
  }
}

export type PlainItem = Record<string, string | number | boolean | undefined>;

function plain(item: Record<string, AttributeValue>): PlainItem {
  const result: PlainItem = {};
  for (const [name, value] of Object.entries(item)) {
    if (value.S !== undefined) result[name] = value.S;
    else if (value.N !== undefined) result[name] = Number(value.N);
    else if (value.BOOL !== undefined) result[name] = value.BOOL;
    else throw new Error(`unexpected attribute type in ${name}: ${JSON.stringify(value)}`);
  }
  return result;
}

/** Every item of the table, with plain values. */
export async function scanTable(endpoint: string, tableName: string): Promise<PlainItem[]> {
  const client = testClient(endpoint);
  const items: PlainItem[] = [];
  try {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
      items.push(...(page.Items ?? []).map(plain));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } finally {
    client.destroy();
  }
  return items;
}

export async function getItem(endpoint: string, tableName: string, pk: string): Promise<PlainItem | undefined> {
  const client = testClient(endpoint);
  try {
    const { Item } = await client.send(new GetItemCommand({
      TableName: tableName,
      Key: { [TABLE_KEY.PARTITION_KEY]: { S: pk } },
      ConsistentRead: true,
    }));
    return Item ? plain(Item) : undefined;
  } finally {
    client.destroy();
  }
}

/** Writes an item as given, for arranging states the handlers cannot reach quickly (e.g. expired ones). */
export async function putItem(endpoint: string, tableName: string, item: Record<string, string | number>): Promise<void> {
  const client = testClient(endpoint);
  try {
    await client.send(new PutItemCommand({
      TableName: tableName,
      Item: Object.fromEntries(Object.entries(item).map(([name, value]) =>
        [name, typeof value === 'number' ? { N: String(value) } : { S: value }])),
    }));
  } finally {
    client.destroy();
  }
}

/**
 * Moves a record's booking (createdAt, which is also its place in the index of open records) and cancel times
 * `seconds` into the past, so that a test can put the reconciler in front of a record booked that long ago.
 */
export async function backdateRecord(endpoint: string, tableName: string, recordId: string, seconds: number): Promise<void> {
  const pk = `${TABLE_KEY.RECORD_PREFIX}${recordId}`;
  const item = await getItem(endpoint, tableName, pk);
  if (!item) throw new Error(`no record ${recordId}`);
  const earlier = (iso: unknown) => new Date(Date.parse(String(iso)) - seconds * 1000).toISOString();
  const client = testClient(endpoint);
  try {
    const names: Record<string, string> = { '#createdAt': 'createdAt', '#expiresAt': TABLE_KEY.TTL_ATTRIBUTE };
    const values: Record<string, AttributeValue> = {
      ':createdAt': { S: earlier(item.createdAt) },
      // An open record's TTL counts from its booking (OPEN_RECORD_TTL_SECONDS); a completed one's is left alone.
      ':expiresAt': { N: String(item.status === 'COMPLETED' ? item.expiresAt : Number(item.expiresAt) - seconds) },
    };
    let update = 'SET #createdAt = :createdAt, #expiresAt = :expiresAt';
    if (item.cancelledAt !== undefined) {
      names['#cancelledAt'] = 'cancelledAt';
      values[':cancelledAt'] = { S: earlier(item.cancelledAt) };
      update += ', #cancelledAt = :cancelledAt';
    }
    await client.send(new UpdateItemCommand({
      TableName: tableName, Key: { pk: { S: pk } }, UpdateExpression: update, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
    }));
  } finally {
    client.destroy();
  }
}
