/**
 * The local services the handlers talk to: a Connect API endpoint serving StopContact (restJson1), and a
 * pass-through in front of the DynamoDB endpoint that can play "unavailable". Plus the few DynamoDB calls the
 * simulator itself makes (create the table, read records), as plain HTTP so that it needs no SDK at runtime.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface StopContactRequest {
  readonly contactId: string;
  readonly instanceId: string;
}

/** 'STOPPED' removes the contact; 'NOT_FOUND' answers ContactNotFoundException. */
export type StopContactHandler = (request: StopContactRequest) => 'STOPPED' | 'NOT_FOUND';

export interface LocalServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }));
}

function closer(server: http.Server): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function sendError(response: http.ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.connect/`,
    'x-amzn-requestid': 'simulator',
  });
  response.end(JSON.stringify({ Message: message }));
}

/** POST /contact/stop with {ContactId, InstanceId}; errors in the x-amzn-errortype header, as Connect does. */
export async function startConnectApi(onStop: StopContactHandler): Promise<LocalServer> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/contact/stop') {
        sendError(response, 404, 'UnknownOperationException', `${request.method} ${request.url} is not simulated`);
        return;
      }
      let body: { ContactId?: unknown; InstanceId?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        sendError(response, 400, 'InvalidRequestException', 'body is not JSON');
        return;
      }
      if (typeof body.ContactId !== 'string' || typeof body.InstanceId !== 'string') {
        sendError(response, 400, 'InvalidParameterException', 'ContactId and InstanceId are required');
        return;
      }
      const outcome = onStop({ contactId: body.ContactId, instanceId: body.InstanceId });
      if (outcome === 'NOT_FOUND') {
        sendError(response, 400, 'ContactNotFoundException', 'Contact not found');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  const endpoint = await listen(server);
  return { endpoint, close: closer(server) };
}

export interface DynamoDbGate extends LocalServer {
  /** While true, every request's connection is dropped, as when DynamoDB cannot be reached. */
  unavailable: boolean;
  /** DynamoDB operations that reached the gate (including refused ones). */
  readonly operations: string[];
}

export async function startDynamoDbGate(upstream: string): Promise<DynamoDbGate> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });
  const operations: string[] = [];
  const gate = { unavailable: false, operations } as DynamoDbGate;
  const server = http.createServer((request, response) => {
    const operation = String(request.headers['x-amz-target'] ?? 'unknown').split('.').pop() ?? 'unknown';
    operations.push(operation);
    if (gate.unavailable) {
      request.socket.destroy();
      return;
    }
    const forward = http.request({
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: request.headers,
      agent,
    }, (upstreamResponse) => {
      response.writeHead(upstreamResponse.statusCode ?? 500, upstreamResponse.headers);
      upstreamResponse.pipe(response);
    });
    forward.on('error', () => request.socket.destroy());
    request.pipe(forward);
  });
  const endpoint = await listen(server);
  const close = closer(server);
  return Object.assign(gate, {
    endpoint,
    close: async () => {
      agent.destroy();
      await close();
    },
  });
}

/** One DynamoDB JSON API call, unsigned (DynamoDB Local only looks at the access key in the header). */
export async function dynamoDbCall(endpoint: string, operation: string, body: unknown): Promise<any> {
  const url = new URL(endpoint);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        'content-length': Buffer.byteLength(payload),
        'authorization': 'AWS4-HMAC-SHA256 Credential=simulator/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20250101T000000Z',
      },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const parsed = text ? JSON.parse(text) : {};
        if ((response.statusCode ?? 500) >= 400) reject(new Error(`DynamoDB ${operation}: ${parsed.__type ?? response.statusCode}: ${parsed.message ?? parsed.Message ?? text}`));
        else resolve(parsed);
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/** The callback table as the construct defines it: partition key `pk` (S), on demand. */
export async function createTable(endpoint: string, tableName: string): Promise<void> {
  await dynamoDbCall(endpoint, 'CreateTable', {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
}

export type PlainItem = Record<string, string | number>;

/** Every item of the table, with plain values. */
export async function scanTable(endpoint: string, tableName: string): Promise<PlainItem[]> {
  const items: PlainItem[] = [];
  let startKey: unknown;
  do {
    const page = await dynamoDbCall(endpoint, 'Scan', { TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey });
    for (const item of page.Items ?? []) {
      items.push(Object.fromEntries(Object.entries<any>(item).map(([name, value]) => [name, value.S ?? Number(value.N)])));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
