/**
 * A local stand-in for the Amazon Connect API that answers StopContact as the service does
 * (REST-JSON: POST /contact/stop with {ContactId, InstanceId}), so the real @aws-sdk/client-connect
 * serializes the call and deserializes its errors. Every call is recorded.
 * It also keeps queues' outbound caller configs (DescribeQueue, UpdateQueueOutboundCallerConfig) for the
 * custom resource that sets the queue's outbound whisper flow.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StopContactCall {
  readonly contactId: string;
  readonly instanceId: string;
}

export interface OutboundCallerConfig {
  readonly OutboundCallerIdName?: string;
  readonly OutboundCallerIdNumberId?: string;
  readonly OutboundFlowId?: string;
}

export type FailureMode = 'none' | 'throttle' | 'server-error';

export interface ConnectEndpoint {
  readonly endpoint: string;
  /** Every StopContact request received, including failed ones and SDK retries. */
  readonly calls: StopContactCall[];
  /** Requests for anything but StopContact; none are expected. */
  readonly unexpected: string[];
  /** Outbound caller configs by `<instance id or ARN>/<queue id>`, as DescribeQueue reads them. */
  readonly queues: Map<string, OutboundCallerConfig>;
  /** Every UpdateQueueOutboundCallerConfig body received. */
  readonly queueUpdates: Array<{ readonly queue: string; readonly config: OutboundCallerConfig }>;
  /** Contacts Connect does not know (ended, or never existed): StopContact fails with ContactNotFoundException. */
  markUnknown(contactId: string): void;
  /** Makes every call fail (throttling or 500) until set back to 'none'. */
  failWith(mode: FailureMode): void;
  stop(): Promise<void>;
}

function sendError(response: http.ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    // The SDK takes the error's shape name from this header (restJson1 protocol).
    'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.connect/`,
    'x-amzn-requestid': 'test-request',
  });
  response.end(JSON.stringify({ Message: message }));
}

export async function startConnectEndpoint(): Promise<ConnectEndpoint> {
  const calls: StopContactCall[] = [];
  const unexpected: string[] = [];
  const unknown = new Set<string>();
  let failure: FailureMode = 'none';
  const queues = new Map<string, OutboundCallerConfig>();
  const queueUpdates: Array<{ queue: string; config: OutboundCallerConfig }> = [];

  /** DescribeQueue is GET /queues/{InstanceId}/{QueueId}; the update POSTs to .../outbound-caller-config. */
  const serveQueue = (method: string, url: string, body: string, response: http.ServerResponse): boolean => {
    const match = /^\/queues\/([^/]+)\/([^/]+)(\/outbound-caller-config)?$/.exec(url);
    if (!match) return false;
    const queue = `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`;
    const config = queues.get(queue);
    if (!config) {
      sendError(response, 404, 'ResourceNotFoundException', `queue ${queue} not found`);
    } else if (method === 'GET' && !match[3]) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ Queue: { QueueId: decodeURIComponent(match[2]), OutboundCallerConfig: config } }));
    } else if (method === 'POST' && match[3]) {
      const update = JSON.parse(body).OutboundCallerConfig as OutboundCallerConfig;
      queueUpdates.push({ queue, config: update });
      queues.set(queue, update);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    } else {
      return false;
    }
    return true;
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (serveQueue(request.method ?? '', request.url ?? '', Buffer.concat(chunks).toString('utf8'), response)) return;
      if (request.method !== 'POST' || request.url !== '/contact/stop') {
        unexpected.push(`${request.method} ${request.url}`);
        sendError(response, 404, 'UnknownOperationException', 'not implemented by the test endpoint');
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
      calls.push({ contactId: body.ContactId, instanceId: body.InstanceId });
      if (failure === 'throttle') {
        sendError(response, 429, 'ThrottlingException', 'Rate exceeded');
      } else if (failure === 'server-error') {
        sendError(response, 500, 'InternalServiceException', 'test failure');
      } else if (unknown.has(body.ContactId)) {
        sendError(response, 410, 'ContactNotFoundException', 'Contact not found');
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    unexpected,
    queues,
    queueUpdates,
    markUnknown: (contactId) => {
      unknown.add(contactId);
    },
    failWith: (mode) => {
      failure = mode;
    },
    stop: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
