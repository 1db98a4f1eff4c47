/**
 * A real DynamoDB-protocol endpoint for the handler tests: moto's DynamoDB server, one process per
 * test file, serving one request at a time (scripts/dynamodb-server.py says why).
 * Install it first with `bash scripts/setup-test-deps.sh` (projen task test:deps).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEY } from '../../lambda-src/shared/contract';

const ROOT = path.resolve(__dirname, '..', '..');
const PYTHON = path.join(ROOT, '.cache', 'venv', 'bin', 'python');
const SERVER_SCRIPT = path.join(ROOT, 'scripts', 'dynamodb-server.py');
const STARTUP_DEADLINE_MS = 30_000;

export interface DynamoDbServer {
  /** A counting pass-through in front of the server: what the handlers and tests talk to. */
  readonly endpoint: string;
  /** DynamoDB operations (e.g. 'TransactWriteItems') that reached the endpoint, in order. */
  readonly operations: string[];
  /**
   * The next request of `operation` reaches the server and takes effect, but its response is lost
   * (the connection drops), as when a network fails after DynamoDB committed.
   */
  loseNextResponse(operation: string): void;
  /** Stops the server and the pass-through. */
  stop(): Promise<void>;
  /** Stops the server only: requests to the endpoint fail as if DynamoDB were unreachable, until restart(). */
  pause(): Promise<void>;
  /** Starts the server again behind the same endpoint. Data is in memory: the table must be made again. */
  restart(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
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

async function answers(endpoint: string): Promise<boolean> {
  const client = testClient(endpoint);
  try {
    await client.send(new ListTablesCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

function launch(port: number): ChildProcess {
  if (!fs.existsSync(PYTHON)) {
    throw new Error(`moto is not installed in ${PYTHON}: run \`bash scripts/setup-test-deps.sh\` (projen test:deps) first`);
  }
  const child = spawn(PYTHON, [SERVER_SCRIPT, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Keep the last lines of stderr for the error message if it never answers; drop request logs.
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-2000);
  });
  (child as ChildProcess & { stderrTail: () => string }).stderrTail = () => tail;
  return child;
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await answers(endpoint)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const tail = (child as ChildProcess & { stderrTail?: () => string }).stderrTail?.() ?? '';
  child.kill('SIGKILL');
  throw new Error(`DynamoDB test server did not answer at ${endpoint}:\n${tail}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Forwards requests to the server, recording each one's operation, so tests can count round trips.
 * When the server is down the client's connection is dropped, as an unreachable endpoint would.
 */
async function startCountingProxy(
  upstreamPort: number,
  operations: string[],
  responsesToLose: Set<string>,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  // The server takes one request at a time; queue the rest here rather than in its small listen backlog.
  const agent = new http.Agent({ keepAlive: false, maxSockets: 16 });
  const proxy = http.createServer((request, response) => {
    const target = request.headers['x-amz-target'];
    const operation = typeof target === 'string' ? target.split('.').pop() ?? target : 'unknown';
    operations.push(operation);
    const loseResponse = responsesToLose.delete(operation);
    const upstream = http.request({
      host: '127.0.0.1',
      port: upstreamPort,
      method: request.method,
      path: request.url,
      headers: request.headers,
      agent,
    }, (upstreamResponse) => {
      if (loseResponse) {
        upstreamResponse.resume();
        upstreamResponse.on('end', () => request.socket.destroy());
        return;
      }
      response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(response);
    });
    upstream.on('error', () => request.socket.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      proxy.closeAllConnections();
      proxy.close(() => resolve());
      agent.destroy();
    }),
  };
}

export async function startDynamoDbServer(): Promise<DynamoDbServer> {
  const port = await freePort();
  let child = launch(port);
  await waitUntilAnswering(`http://127.0.0.1:${port}`, child);
  const operations: string[] = [];
  const responsesToLose = new Set<string>();
  const proxy = await startCountingProxy(port, operations, responsesToLose);
  return {
    endpoint: proxy.endpoint,
    operations,
    loseNextResponse: (operation) => {
      responsesToLose.add(operation);
    },
    stop: async () => {
      await terminate(child);
      await proxy.close();
    },
    pause: () => terminate(child),
    restart: async () => {
      await terminate(child);
      child = launch(port);
      await waitUntilAnswering(`http://127.0.0.1:${port}`, child);
    },
  };
}

/**
 * The table exactly as the construct defines it: partition key `pk` (String) only, on-demand
 * billing, TTL on `expiresAt`.
 */
export async function createCallbackTable(endpoint: string, tableName: string): Promise<void> {
  const client = testClient(endpoint);
  try {
    await client.send(new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: TABLE_KEY.PARTITION_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: TABLE_KEY.PARTITION_KEY, KeyType: 'HASH' }],
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
