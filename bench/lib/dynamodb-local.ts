/**
 * DynamoDB Local for the benchmarks: one JVM, in memory, on a free port, talked to directly (no
 * pass-through on the latency path). A counting pass-through can be put in front of it where a
 * section counts requests instead of timing them.
 * Install it first with `bash scripts/setup-test-deps.sh` (projen task test:deps).
 */
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal as startJvm } from '../../src/simulator/dynamodb-local';
import { startDynamoDbPassThrough } from '../../src/simulator/local-services';

const STARTUP_DEADLINE_MS = 90_000;
/**
 * The serial collector keeps the JVM off the second core between requests (the handlers and the
 * bench share the machine's two cores with it). Unlike the handler tests, the JIT is left at its
 * default: the bench warms the server up and then wants its steady state, not a fast start.
 */
const JVM_OPTIONS = ['-Xmx768m', '-Xss512k', '-XX:+UseSerialGC'];

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly version: string;
  stop(): Promise<void>;
}

/** A client for arranging the table (the handlers build their own). */
export function adminClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 3,
  });
}

export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  return startJvm({ jvmOptions: JVM_OPTIONS, startupDeadlineMs: STARTUP_DEADLINE_MS });
}

/** The table exactly as the construct defines it (the handler tests' helper). */
export { createCallbackTable } from '../../test/support/dynamodb-server';

/** Writes items 25 at a time (BatchWriteItem's limit), retrying what the server leaves unprocessed. */
export async function putItems(client: DynamoDBClient, tableName: string, items: Array<Record<string, AttributeValue>>): Promise<void> {
  for (let start = 0; start < items.length; start += 25) {
    let pending: WriteRequest[] = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = UnprocessedItems?.[tableName] ?? [];
    }
  }
}

/** DynamoDB requests seen by a counting pass-through, by operation (x-amz-target), with transaction sizes. */
export interface RequestCount {
  readonly operations: Map<string, number>;
  /** Items in each TransactWriteItems request, by kind (Put, Update, Delete, ConditionCheck). */
  readonly transactionItems: Map<string, number>;
  reset(): void;
  snapshot(): RequestSnapshot;
}

export interface RequestSnapshot {
  readonly operations: Record<string, number>;
  readonly transactionItems: Record<string, number>;
}

export function emptyCount(): RequestCount {
  const operations = new Map<string, number>();
  const transactionItems = new Map<string, number>();
  return {
    operations,
    transactionItems,
    reset: () => {
      operations.clear();
      transactionItems.clear();
    },
    snapshot: () => ({ operations: Object.fromEntries(operations), transactionItems: Object.fromEntries(transactionItems) }),
  };
}

export interface CountingProxy {
  readonly endpoint: string;
  readonly count: RequestCount;
  close(): Promise<void>;
}

/** Forwards every request to `upstream` unchanged (keep-alive on both sides) and counts it. */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const count = emptyCount();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const server = await startDynamoDbPassThrough(upstream, (operation, body) => {
    bump(count.operations, operation);
    if (operation === 'TransactWriteItems') {
      const items: Array<Record<string, unknown>> = JSON.parse(body.toString('utf8')).TransactItems ?? [];
      for (const item of items) for (const kind of Object.keys(item)) bump(count.transactionItems, kind);
    }
    return 'FORWARD';
  });
  return { endpoint: server.endpoint, count, close: () => server.close() };
}
