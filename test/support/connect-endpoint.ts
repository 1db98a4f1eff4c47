/**
 * The simulator's local Connect API (src/simulator/local-services.ts) as the handler tests need it: every StopContact
 * is recorded, contacts can be made unknown (ContactNotFoundException) and every call can be made to fail. It also
 * keeps queues' outbound caller configs (DescribeQueue, UpdateQueueOutboundCallerConfig) for the custom resource that
 * sets the queue's outbound whisper flow. The real @aws-sdk/client-connect serializes the calls and their errors.
 */
import type * as http from 'node:http';
import { type ConnectApiError, sendConnectError, sendJson, startConnectApi } from '../../src/simulator/local-services';

export interface StopContactCall {
  readonly contactId: string;
  readonly instanceId: string;
}

export interface OutboundCallerConfig {
  readonly OutboundCallerIdName?: string;
  readonly OutboundCallerIdNumberId?: string;
  readonly OutboundFlowId?: string;
}

export type FailureMode = 'none' | 'throttle' | 'server-error' | 'invalid-request';

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
  /** Makes every call fail (throttling, 500, or a 400 refusal) until set back to 'none'. */
  failWith(mode: FailureMode): void;
  stop(): Promise<void>;
}

const FAILURES: Record<Exclude<FailureMode, 'none'>, ConnectApiError> = {
  'throttle': { status: 429, type: 'ThrottlingException', message: 'Rate exceeded' },
  'server-error': { status: 500, type: 'InternalServiceException', message: 'test failure' },
  // What StopContact answers for a contact it does not support (e.g. a voice contact initiated by TRANSFER).
  'invalid-request': { status: 400, type: 'InvalidRequestException', message: 'The request is not valid' },
};

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
      sendConnectError(response, { status: 404, type: 'ResourceNotFoundException', message: `queue ${queue} not found` });
    } else if (method === 'GET' && !match[3]) {
      sendJson(response, { Queue: { QueueId: decodeURIComponent(match[2]), OutboundCallerConfig: config } });
    } else if (method === 'POST' && match[3]) {
      const update = JSON.parse(body).OutboundCallerConfig as OutboundCallerConfig;
      queueUpdates.push({ queue, config: update });
      queues.set(queue, update);
      sendJson(response, {});
    } else {
      return false;
    }
    return true;
  };

  const server = await startConnectApi((request) => {
    calls.push(request);
    if (failure !== 'none') return FAILURES[failure];
    return unknown.has(request.contactId) ? 'NOT_FOUND' : 'STOPPED';
  }, {
    serveOther: ({ method, url, body }, response) => {
      if (serveQueue(method, url, body, response)) return true;
      unexpected.push(`${method} ${url}`);
      return false;
    },
  });

  return {
    endpoint: server.endpoint,
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
    stop: () => server.close(),
  };
}
