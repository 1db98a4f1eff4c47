/**
 * The simulator's local Connect API (src/simulator/local-services.ts) as the handler tests need it: every StopContact
 * is recorded, contacts can be made unknown (ContactNotFoundException) and every call can be made to fail. It serves
 * DescribeContact from `contacts` (a contact not in it is ResourceNotFoundException, 404; an ARN for an id is refused,
 * as StopContact's is), with every request recorded in `describeCalls`. Given an `effectiveHours` handler (at start, or
 * set later), it serves GetEffectiveHoursOfOperations through it, recording each request in `hoursCalls`. It also
 * keeps queues' outbound caller configs and the instance's flows for the custom resource that sets the queue's
 * outbound whisper flow (DescribeQueue, UpdateQueueOutboundCallerConfig, DescribeContactFlow, ListContactFlows). The
 * real @aws-sdk/client-connect serializes the calls and their errors.
 *
 * Like the real API it refuses an ARN where an identifier is asked (arnWhereIdIsAsked) and an empty OutboundFlowId
 * (InvalidParameterException: the Terraform AWS provider leaves empty values out of UpdateQueueOutboundCallerConfig
 * because "passing an empty string leads to an InvalidParameterException", /work/research/connect-apis.md section 5).
 * What an omitted OutboundFlowId does is undocumented; here the update replaces the whole config (the omitted member
 * is gone), and `queueUpdates` lets a test check that nothing relies on it.
 */
import type * as http from 'node:http';
import { INSTANCE_ID } from './events';
import {
  type ConnectApiError, type DescribedContact, type EffectiveHoursHandler, type EffectiveHoursRequest, arnWhereIdIsAsked, sendConnectError,
  sendJson, startConnectApi,
} from '../../src/simulator/local-services';


export type { DescribedContact, EffectiveHoursHandler, EffectiveHoursRequest };

export interface StopContactCall {
  readonly contactId: string;
  readonly instanceId: string;
}

export interface OutboundCallerConfig {
  readonly OutboundCallerIdName?: string;
  readonly OutboundCallerIdNumberId?: string;
  readonly OutboundFlowId?: string;
}

/** A flow of the instance, as DescribeContactFlow and ListContactFlows return it. */
export interface Flow {
  readonly Name: string;
  readonly Type: string;
  readonly Description?: string;
  /** ACTIVE unless given. */
  readonly State?: 'ACTIVE' | 'ARCHIVED';
  /** PUBLISHED unless given. */
  readonly Status?: 'PUBLISHED' | 'SAVED';
}

export type FailureMode = 'none' | 'throttle' | 'server-error' | 'invalid-request';

export interface ConnectEndpoint {
  readonly endpoint: string;
  /** Every StopContact request received, including failed ones and SDK retries (not those refused for an ARN). */
  readonly calls: StopContactCall[];
  /** Requests for anything this endpoint does not simulate; none are expected. */
  readonly unexpected: string[];
  /** Outbound caller configs by `<instance id>/<queue id>`, as DescribeQueue reads them. */
  readonly queues: Map<string, OutboundCallerConfig>;
  /** The instances' flows by flow ARN (`arn:…:instance/<instance id>/contact-flow/<flow id>`). */
  readonly flows: Map<string, Flow>;
  /** Every UpdateQueueOutboundCallerConfig body received. */
  readonly queueUpdates: Array<{ readonly queue: string; readonly config: OutboundCallerConfig }>;
  /**
   * The IAM action of every queue or flow request answered (refused ones included), e.g. `connect:DescribeQueue`:
   * the Service Authorization Reference names each action after its API operation.
   */
  readonly actions: string[];
  /** Page size of ListContactFlows when the request gives no maxResults (the API's default is 100). */
  listPageSize: number;
  /** The contacts DescribeContact knows, by contact id (of the instance INSTANCE_ID of test/support/events.ts). */
  readonly contacts: Map<string, DescribedContact>;
  /** Every DescribeContact request answered (refused ones included). */
  readonly describeCalls: StopContactCall[];
  /** Runs before each DescribeContact is answered: a test's way to change the table while the reconciler waits. */
  beforeDescribe?: (contactId: string) => Promise<void>;
  /**
   * Answers GetEffectiveHoursOfOperations (undefined from it: no such hours, ResourceNotFoundException). While unset,
   * the operation is a request this endpoint does not simulate, as it was before it had one.
   */
  effectiveHours?: EffectiveHoursHandler;
  /**
   * Every GetEffectiveHoursOfOperations request that reached `effectiveHours` (failed ones included; not those the
   * local API refused for an ARN or a bad date, which never reach it).
   */
  readonly hoursCalls: EffectiveHoursRequest[];
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

const FLOW_ARN = /^(arn:[^:]+:connect:[^:]*:\d{12}:instance\/([^/]+))\/contact-flow\/([^/:]+)$/;

interface Route {
  readonly action: string;
  readonly labels: Record<string, string>;
  readonly query: URLSearchParams;
}

/** The restJson1 routes of the @aws-sdk/client-connect model (dist-cjs schema `[_h]` entries) this endpoint serves. */
function route(method: string, url: string): Route | undefined {
  const { pathname, searchParams } = new URL(url, 'http://localhost');
  const segments = pathname.split('/').slice(1).map(decodeURIComponent);
  const [resource, a, b, c] = segments;
  const make = (action: string, labels: Record<string, string>) => ({ action: `connect:${action}`, labels, query: searchParams });
  // GET /queues/{InstanceId}/{QueueId}; POST /queues/{InstanceId}/{QueueId}/outbound-caller-config
  if (resource === 'queues' && segments.length === 3 && method === 'GET') return make('DescribeQueue', { InstanceId: a, QueueId: b });
  if (resource === 'queues' && segments.length === 4 && c === 'outbound-caller-config' && method === 'POST') {
    return make('UpdateQueueOutboundCallerConfig', { InstanceId: a, QueueId: b });
  }
  // GET /contact-flows/{InstanceId}/{ContactFlowId}; GET /contact-flows-summary/{InstanceId}
  if (resource === 'contact-flows' && segments.length === 3 && method === 'GET') return make('DescribeContactFlow', { InstanceId: a, ContactFlowId: b });
  if (resource === 'contact-flows-summary' && segments.length === 2 && method === 'GET') return make('ListContactFlows', { InstanceId: a });
  return undefined;
}

export interface ConnectEndpointOptions {
  /** The endpoint's `effectiveHours` to begin with. */
  readonly effectiveHours?: EffectiveHoursHandler;
}

export async function startConnectEndpoint(options: ConnectEndpointOptions = {}): Promise<ConnectEndpoint> {
  const calls: StopContactCall[] = [];
  const unexpected: string[] = [];
  const unknown = new Set<string>();
  let failure: FailureMode = 'none';
  const queues = new Map<string, OutboundCallerConfig>();
  const flows = new Map<string, Flow>();
  const queueUpdates: Array<{ queue: string; config: OutboundCallerConfig }> = [];
  const actions: string[] = [];
  const contacts = new Map<string, DescribedContact>();
  const describeCalls: StopContactCall[] = [];
  const hoursCalls: EffectiveHoursRequest[] = [];

  const flowsOf = (instanceId: string) => [...flows].flatMap(([arn, flow]) => {
    const match = FLOW_ARN.exec(arn);
    return match && match[2] === instanceId ? [{ arn, id: match[3], flow }] : [];
  });

  const answer = ({ action, labels, query }: Route, body: string, response: http.ServerResponse): void => {
    if (failure !== 'none') return sendConnectError(response, FAILURES[failure]);
    // DescribeContactFlow documents an ARN form of ContactFlowId (`arn:aws:.../contact-flow/{id}:$SAVED` and
    // `...:{version}`, DescribeContactFlowCommand doc string); no other identifier asked here takes one.
    for (const [name, value] of Object.entries(labels)) {
      const refused = name === 'ContactFlowId' ? undefined : arnWhereIdIsAsked(name, value);
      if (refused) return sendConnectError(response, refused);
    }
    const instanceId = labels.InstanceId;
    const notFound = (what: string) => sendConnectError(response, { status: 404, type: 'ResourceNotFoundException', message: `${what} not found` });

    if (action === 'connect:DescribeQueue' || action === 'connect:UpdateQueueOutboundCallerConfig') {
      const queue = `${instanceId}/${labels.QueueId}`;
      const config = queues.get(queue);
      if (!config) return notFound(`queue ${queue}`);
      if (action === 'connect:DescribeQueue') return sendJson(response, { Queue: { QueueId: labels.QueueId, OutboundCallerConfig: config } });
      const update = (JSON.parse(body) as { OutboundCallerConfig: OutboundCallerConfig }).OutboundCallerConfig;
      queueUpdates.push({ queue, config: update });
      const refused = update.OutboundFlowId === ''
        ? { status: 400, type: 'InvalidParameterException', message: 'OutboundFlowId must not be empty' }
        : arnWhereIdIsAsked('OutboundFlowId', update.OutboundFlowId ?? '');
      if (refused) return sendConnectError(response, refused);
      queues.set(queue, update);
      return sendJson(response, {});
    }

    if (action === 'connect:DescribeContactFlow') {
      const id = labels.ContactFlowId.startsWith('arn:') ? FLOW_ARN.exec(labels.ContactFlowId.replace(/:[^:/]+$/, ''))?.[3] : labels.ContactFlowId;
      const found = flowsOf(instanceId).find((f) => f.id === id);
      if (!found) return notFound(`flow ${labels.ContactFlowId}`);
      const { Name, Type, Description, State = 'ACTIVE', Status = 'PUBLISHED' } = found.flow;
      return sendJson(response, { ContactFlow: { Arn: found.arn, Id: found.id, Name, Type, State, Status, Description } });
    }

    // ListContactFlows: `contactFlowTypes` (repeated), `maxResults` and `nextToken` query parameters.
    const types = query.getAll('contactFlowTypes');
    const matching = flowsOf(instanceId).filter((f) => types.length === 0 || types.includes(f.flow.Type));
    const start = Number(query.get('nextToken') ?? '0');
    const size = Number(query.get('maxResults') ?? endpoint.listPageSize);
    const page = matching.slice(start, start + size);
    return sendJson(response, {
      ContactFlowSummaryList: page.map(({ arn, id, flow }) => ({
        Id: id, Arn: arn, Name: flow.Name, ContactFlowType: flow.Type, ContactFlowState: flow.State ?? 'ACTIVE', ContactFlowStatus: flow.Status ?? 'PUBLISHED',
      })),
      NextToken: start + size < matching.length ? String(start + size) : undefined,
    });
  };

  const server = await startConnectApi((request) => {
    calls.push(request);
    if (failure !== 'none') return FAILURES[failure];
    return unknown.has(request.contactId) ? 'NOT_FOUND' : 'STOPPED';
  }, {
    describeContact: async (request) => {
      describeCalls.push(request);
      actions.push('connect:DescribeContact');
      await endpoint.beforeDescribe?.(request.contactId);
      if (failure !== 'none') return FAILURES[failure];
      return request.instanceId === INSTANCE_ID ? contacts.get(request.contactId) : undefined;
    },
    // Always given to the local API so that a test can set the handler after the start; without one it answers what
    // the API answers any request it does not simulate.
    effectiveHours: (request) => {
      const handler = endpoint.effectiveHours;
      if (!handler) {
        unexpected.push(`GET /effective-hours-of-operations/${request.instanceId}/${request.hoursOfOperationId}`);
        return { status: 404, type: 'UnknownOperationException', message: 'GetEffectiveHoursOfOperations is not simulated' };
      }
      hoursCalls.push(request);
      actions.push('connect:GetEffectiveHoursOfOperations');
      if (failure !== 'none') return FAILURES[failure];
      return handler(request);
    },
    serveOther: ({ method, url, body }, response) => {
      const found = route(method, url);
      if (!found) {
        unexpected.push(`${method} ${url}`);
        return false;
      }
      actions.push(found.action);
      answer(found, body, response);
      return true;
    },
  });

  const endpoint: ConnectEndpoint = {
    endpoint: server.endpoint,
    calls,
    unexpected,
    queues,
    flows,
    queueUpdates,
    actions,
    listPageSize: 100,
    contacts,
    describeCalls,
    effectiveHours: options.effectiveHours,
    hoursCalls,
    markUnknown: (contactId) => {
      unknown.add(contactId);
    },
    failWith: (mode) => {
      failure = mode;
    },
    stop: () => server.close(),
  };
  return endpoint;
}
