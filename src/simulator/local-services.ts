/**
 * The local services the handlers talk to: a Connect API endpoint serving StopContact, DescribeContact and
 * GetEffectiveHoursOfOperations (restJson1), and a pass-through in front of the DynamoDB endpoint that can play
 * "unavailable". Plus the few DynamoDB calls the simulator itself makes (create the table, read records), as plain HTTP
 * so that it needs no SDK at runtime.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface StopContactRequest {
  readonly contactId: string;
  readonly instanceId: string;
}

/** An error as Connect answers it (restJson1): the SDK takes the error's shape name from x-amzn-errortype. */
export interface ConnectApiError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/** StopContact of a contact that is not active or does not exist (HTTP 410 in the Connect API model). */
export const CONTACT_NOT_FOUND: ConnectApiError = { status: 410, type: 'ContactNotFoundException', message: 'Contact not found' };

/** A resource the instance does not have, as the Describe and Get operations answer it (HTTP 404). */
const RESOURCE_NOT_FOUND: ConnectApiError = { status: 404, type: 'ResourceNotFoundException', message: 'The specified resource was not found' };

/** 'STOPPED' removes the contact; 'NOT_FOUND' answers ContactNotFoundException; an error object answers that error. */
export type StopContactHandler = (request: StopContactRequest) => 'STOPPED' | 'NOT_FOUND' | ConnectApiError;

/**
 * A contact as DescribeContact returns it (the members the callback handlers read; @aws-sdk/client-connect `Contact`).
 * Timestamps are Dates here and epoch seconds on the wire, restJson1's default for body members.
 */
export interface DescribedContact {
  readonly Id: string;
  readonly Arn?: string;
  readonly InitiationMethod?: string;
  readonly InitialContactId?: string;
  readonly PreviousContactId?: string;
  readonly Channel?: string;
  readonly InitiationTimestamp?: Date;
  readonly DisconnectTimestamp?: Date;
  readonly DisconnectReason?: string;
  readonly QueueInfo?: { readonly Id?: string; readonly EnqueueTimestamp?: Date };
  readonly AgentInfo?: { readonly Id?: string; readonly ConnectedToAgentTimestamp?: Date };
}

/**
 * The contact of an instance; undefined when the instance has no such contact (ResourceNotFoundException, 404); an
 * error object answers that error (e.g. throttling).
 */
export type DescribeContactHandler = (request: { readonly instanceId: string; readonly contactId: string })
=> DescribedContact | ConnectApiError | undefined | Promise<DescribedContact | ConnectApiError | undefined>;

/** A time of day as the hours of operation APIs give it (OverrideTimeSlice in the @aws-sdk/client-connect model). */
export interface TimeSlice {
  readonly Hours: number;
  readonly Minutes: number;
}

/** A GetEffectiveHoursOfOperations request once its path labels and dates have passed the endpoint's checks. */
export interface EffectiveHoursRequest {
  readonly instanceId: string;
  readonly hoursOfOperationId: string;
  /** YYYY-MM-DD. */
  readonly fromDate: string;
  /** YYYY-MM-DD, not before fromDate. */
  readonly toDate: string;
}

/**
 * GetEffectiveHoursOfOperations' reply (API_GetEffectiveHoursOfOperations.html): each date's hours with the overrides
 * applied, the overrides that applied, and the hours' time zone, whose wall clock the times are on.
 */
export interface EffectiveHours {
  readonly EffectiveHoursOfOperationList: ReadonlyArray<{
    readonly Date: string;
    readonly OperationalHours: ReadonlyArray<{ readonly Start: TimeSlice; readonly End: TimeSlice }>;
  }>;
  readonly EffectiveOverrideHoursList?: ReadonlyArray<{
    readonly Date: string;
    readonly OverrideHours: ReadonlyArray<{
      readonly Start?: TimeSlice;
      readonly End?: TimeSlice;
      readonly OverrideName?: string;
      readonly OperationalStatus?: 'OPEN' | 'CLOSED';
    }>;
  }>;
  readonly TimeZone: string;
}

/** undefined: no such hours of operation (ResourceNotFoundException, 404); an error object answers that error. */
export type EffectiveHoursHandler = (request: EffectiveHoursRequest)
=> EffectiveHours | ConnectApiError | undefined | Promise<EffectiveHours | ConnectApiError | undefined>;

export interface ConnectApiOptions {
  /**
   * Serves DescribeContact (GET /contacts/{InstanceId}/{ContactId}, DescribeContact$ in the @aws-sdk/client-connect
   * schema). Without it, DescribeContact is answered like any request not simulated.
   */
  readonly describeContact?: DescribeContactHandler;
  /**
   * Serves GetEffectiveHoursOfOperations (GET /effective-hours-of-operations/{InstanceId}/{HoursOfOperationId} with the
   * dates in the `fromDate` and `toDate` query parameters, GetEffectiveHoursOfOperations$ in the @aws-sdk/client-connect
   * schema). Without it, the operation is answered like any request not simulated.
   */
  readonly effectiveHours?: EffectiveHoursHandler;
  /**
   * Serves a request other than StopContact (e.g. DescribeQueue for a test); returns false when it does not, and the
   * request is answered 404 UnknownOperationException.
   */
  readonly serveOther?: (request: { readonly method: string; readonly url: string; readonly body: string }, response: http.ServerResponse) => boolean;
}

export interface LocalServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

export function listenOnLoopback(server: http.Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

export function closeServer(server: http.Server): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export function sendConnectError(response: http.ServerResponse, error: ConnectApiError): void {
  response.writeHead(error.status, {
    'content-type': 'application/json',
    'x-amzn-errortype': `${error.type}:http://internal.amazon.com/coral/com.amazonaws.connect/`,
    'x-amzn-requestid': 'simulator',
  });
  response.end(JSON.stringify({ Message: error.message }));
}

export function sendJson(response: http.ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * An ARN given where the Connect API asks for an identifier. The API reference documents InstanceId as "the identifier
 * of the instance", whose ID is found in the instance ARN (find-instance-arn.html), and ContactId as "the ID of the
 * contact"; where an operation accepts an ARN as well, its reference says so ("This can be the ID or the ARN of the
 * user", ReplicateInstance's "You can provide the InstanceId, or the entire ARN"). Which error the service gives for an
 * ARN is not documented: InvalidParameterException (HTTP 400, "One or more of the specified parameters are not valid",
 * in the @throws of every operation the handlers call, @aws-sdk/client-connect model) is the one these simulated
 * operations answer.
 */
export function arnWhereIdIsAsked(name: string, value: string): ConnectApiError | undefined {
  if (!value.startsWith('arn:')) return undefined;
  return { status: 400, type: 'InvalidParameterException', message: `${name} must be an identifier, not an ARN: ${value}` };
}

/**
 * DescribeContact as the reference has it (API_DescribeContact.html): both identifiers are path labels and must be
 * identifiers, not ARNs (arnWhereIdIsAsked); a contact the instance does not know is ResourceNotFoundException (HTTP
 * 404, the error the operation lists for it); the reply is `{ "Contact": { ... } }`.
 */
function serveDescribeContact(method: string, url: string, describe: DescribeContactHandler, response: http.ServerResponse): boolean {
  const fail = (error: unknown) => sendConnectError(response, { status: 500, type: 'InternalServiceException', message: String(error) });
  const { pathname } = new URL(url, 'http://localhost');
  const segments = pathname.split('/').slice(1).map(decodeURIComponent);
  if (method !== 'GET' || segments.length !== 3 || segments[0] !== 'contacts') return false;
  const [, instanceId, contactId] = segments;
  const refused = arnWhereIdIsAsked('InstanceId', instanceId) ?? arnWhereIdIsAsked('ContactId', contactId);
  if (refused) {
    sendConnectError(response, refused);
    return true;
  }
  Promise.resolve(describe({ instanceId, contactId })).then((contact) => answerDescribeContact(contact, response), fail);
  return true;
}

function answerDescribeContact(contact: DescribedContact | ConnectApiError | undefined, response: http.ServerResponse): void {
  if (!contact) {
    sendConnectError(response, RESOURCE_NOT_FOUND);
    return;
  }
  if ('status' in contact) {
    sendConnectError(response, contact);
    return;
  }
  const seconds = (date: Date | undefined) => (date === undefined ? undefined : date.getTime() / 1000);
  sendJson(response, {
    Contact: {
      ...contact,
      InitiationTimestamp: seconds(contact.InitiationTimestamp),
      DisconnectTimestamp: seconds(contact.DisconnectTimestamp),
      QueueInfo: contact.QueueInfo && { ...contact.QueueInfo, EnqueueTimestamp: seconds(contact.QueueInfo.EnqueueTimestamp) },
      AgentInfo: contact.AgentInfo && { ...contact.AgentInfo, ConnectedToAgentTimestamp: seconds(contact.AgentInfo.ConnectedToAgentTimestamp) },
    },
  });
}

/** The pattern API_GetEffectiveHoursOfOperations.html gives FromDate and ToDate. */
const API_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a YYYY-MM-DD string names a day of the calendar (2025-02-30 does not). */
function isCalendarDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number);
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day;
}

/** Why a FromDate or ToDate is refused, if it is. */
function badDate(name: string, value: string | null): ConnectApiError | undefined {
  const invalid = (why: string): ConnectApiError => ({ status: 400, type: 'InvalidParameterException', message: `${name} ${why}` });
  if (value === null) return invalid('is required');
  if (!API_DATE.test(value)) return invalid(`must match ^\\d{4}-\\d{2}-\\d{2}$: ${value}`);
  // The reference gives only the pattern; a day that does not exist is taken to be as invalid as a malformed one.
  if (!isCalendarDate(value)) return invalid(`is not a date: ${value}`);
  return undefined;
}

/**
 * GetEffectiveHoursOfOperations as the reference has it (API_GetEffectiveHoursOfOperations.html): both identifiers are
 * path labels asking for identifiers, not ARNs (arnWhereIdIsAsked); FromDate and ToDate are required query parameters
 * matching ^\d{4}-\d{2}-\d{2}$; hours the instance does not have are ResourceNotFoundException (404). A ToDate before
 * the FromDate is refused too, though the reference does not say which error the service gives for it (nor whether it
 * refuses it at all): InvalidParameterException is in the operation's error list and is what this endpoint answers.
 * The reference states no longest range, so none is enforced here.
 */
function serveEffectiveHours(method: string, url: string, effectiveHours: EffectiveHoursHandler, response: http.ServerResponse): boolean {
  const fail = (error: unknown) => sendConnectError(response, { status: 500, type: 'InternalServiceException', message: String(error) });
  const { pathname, searchParams } = new URL(url, 'http://localhost');
  const segments = pathname.split('/').slice(1).map(decodeURIComponent);
  if (method !== 'GET' || segments.length !== 3 || segments[0] !== 'effective-hours-of-operations') return false;
  const [, instanceId, hoursOfOperationId] = segments;
  const fromDate = searchParams.get('fromDate');
  const toDate = searchParams.get('toDate');
  const refused = arnWhereIdIsAsked('InstanceId', instanceId) ?? arnWhereIdIsAsked('HoursOfOperationId', hoursOfOperationId)
    ?? badDate('FromDate', fromDate) ?? badDate('ToDate', toDate)
    ?? (toDate! < fromDate! ? { status: 400, type: 'InvalidParameterException', message: `ToDate ${toDate} is before FromDate ${fromDate}` } : undefined);
  if (refused) {
    sendConnectError(response, refused);
    return true;
  }
  Promise.resolve(effectiveHours({ instanceId, hoursOfOperationId, fromDate: fromDate!, toDate: toDate! })).then((hours) => {
    if (!hours) sendConnectError(response, RESOURCE_NOT_FOUND);
    else if ('status' in hours) sendConnectError(response, hours);
    else sendJson(response, hours);
  }, fail);
  return true;
}

/** POST /contact/stop with {ContactId, InstanceId}, answered as Connect does; other requests by `serveOther`. */
export async function startConnectApi(onStop: StopContactHandler, options: ConnectApiOptions = {}): Promise<LocalServer> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const method = request.method ?? '';
      const url = request.url ?? '';
      const text = Buffer.concat(chunks).toString('utf8');
      if (options.describeContact && serveDescribeContact(method, url, options.describeContact, response)) return;
      if (options.effectiveHours && serveEffectiveHours(method, url, options.effectiveHours, response)) return;
      if (method !== 'POST' || url !== '/contact/stop') {
        if (!options.serveOther?.({ method, url, body: text }, response)) {
          sendConnectError(response, { status: 404, type: 'UnknownOperationException', message: `${method} ${url} is not simulated` });
        }
        return;
      }
      let body: { ContactId?: unknown; InstanceId?: unknown };
      try {
        body = JSON.parse(text);
      } catch {
        sendConnectError(response, { status: 400, type: 'InvalidRequestException', message: 'body is not JSON' });
        return;
      }
      if (typeof body.ContactId !== 'string' || typeof body.InstanceId !== 'string') {
        sendConnectError(response, { status: 400, type: 'InvalidParameterException', message: 'ContactId and InstanceId are required' });
        return;
      }
      const refused = arnWhereIdIsAsked('InstanceId', body.InstanceId) ?? arnWhereIdIsAsked('ContactId', body.ContactId);
      if (refused) {
        sendConnectError(response, refused);
        return;
      }
      const outcome = onStop({ contactId: body.ContactId, instanceId: body.InstanceId });
      if (outcome === 'STOPPED') sendJson(response, {});
      else sendConnectError(response, outcome === 'NOT_FOUND' ? CONTACT_NOT_FOUND : outcome);
    });
  });
  const endpoint = await listenOnLoopback(server);
  return { endpoint, close: closeServer(server) };
}

/** What a DynamoDB pass-through does with a request, once it has read it. */
export type PassThroughAction =
  | 'FORWARD'
  /** The request reaches the server and takes effect, but its response is lost (the connection drops). */
  | 'FORWARD_AND_LOSE_RESPONSE'
  /** The connection drops before the server sees the request, as when DynamoDB cannot be reached. */
  | 'DROP'
  /** Answered by the pass-through itself (e.g. throttling), without reaching the server. */
  | { readonly status: number; readonly body: unknown };

export interface PassThroughOptions {
  /** Reuse connections to the server. Off where the server may be restarted on the same port. @default true */
  readonly keepAlive?: boolean;
}

/**
 * An HTTP pass-through in front of a DynamoDB endpoint: `decide` sees each request's operation (from X-Amz-Target)
 * and body and says what happens to it. The simulator's "DynamoDB unavailable" switch, the tests' request counting
 * and fault injection, and the benchmarks' request counting are all this.
 */
export async function startDynamoDbPassThrough(
  upstream: string,
  decide: (operation: string, body: Buffer) => PassThroughAction,
  options: PassThroughOptions = {},
): Promise<LocalServer> {
  const target = new URL(upstream);
  const keepAlive = options.keepAlive ?? true;
  const agent = new http.Agent({ keepAlive, ...(keepAlive ? { maxSockets: 64 } : {}) });
  const server = http.createServer((request, response) => {
    const header = request.headers['x-amz-target'];
    const operation = typeof header === 'string' ? header.split('.').pop() ?? header : 'unknown';
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = decide(operation, body);
      if (action === 'DROP') {
        request.socket.destroy();
        return;
      }
      if (typeof action === 'object') {
        response.writeHead(action.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'pass-through' });
        response.end(JSON.stringify(action.body));
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
        if (action === 'FORWARD_AND_LOSE_RESPONSE') {
          upstreamResponse.resume();
          upstreamResponse.on('end', () => request.socket.destroy());
          return;
        }
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      });
      forward.on('error', () => request.socket.destroy());
      forward.end(body);
    });
  });
  const endpoint = await listenOnLoopback(server);
  const close = closeServer(server);
  return {
    endpoint,
    close: async () => {
      await close();
      agent.destroy();
    },
  };
}

export interface DynamoDbGate extends LocalServer {
  /** While true, every request's connection is dropped, as when DynamoDB cannot be reached. */
  unavailable: boolean;
  /** DynamoDB operations that reached the gate (including refused ones). */
  readonly operations: string[];
}

export async function startDynamoDbGate(upstream: string): Promise<DynamoDbGate> {
  const operations: string[] = [];
  const gate = { unavailable: false, operations } as DynamoDbGate;
  const server = await startDynamoDbPassThrough(upstream, (operation) => {
    operations.push(operation);
    return gate.unavailable ? 'DROP' : 'FORWARD';
  });
  return Object.assign(gate, server);
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

/**
 * The callback table as the construct defines it by default: partition key `pk` (S), on demand, and the sparse index
 * of open records (`openQueueArn` + `createdAt`, the names in lambda-src/shared/contract.ts OPEN_RECORDS_INDEX).
 */
export async function createTable(endpoint: string, tableName: string): Promise<void> {
  await dynamoDbCall(endpoint, 'CreateTable', {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'openQueueArn', AttributeType: 'S' },
      { AttributeName: 'createdAt', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{
      IndexName: 'open-records',
      KeySchema: [{ AttributeName: 'openQueueArn', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    }],
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
