/**
 * The callbacks API's handlers (list-callbacks, cancel-callback) against DynamoDB Local and the local Connect endpoint,
 * for the TypeScript sources and the shipped bundles, with API Gateway's HTTP API events (payload format 2.0, IAM
 * authorization). Each test has a queue of its own, since the list shows every waiting callback of its queue.
 */
import { randomUUID } from 'node:crypto';
import { backdateRecord, getItem } from '../support/dynamodb-server';
import { type FlowHandler, TABLE_NAME, useTestEnvironment } from '../support/environment';
import { INSTANCE_ARN, callbackContactCall, flowEvent, inboundCtr, kinesisBatch, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();
const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/ContactCenterOps/alice';

interface ApiResponse { statusCode: number; headers: Record<string, string>; body: string }
type ApiHandler = (event: unknown) => Promise<ApiResponse>;

let nextLine = 4000;
const newNumber = () => `+1312555${String(nextLine++).padStart(4, '0')}`;

/** An HTTP API event as API Gateway sends it for an IAM-signed request. */
function apiEvent(method: 'GET' | 'POST', path: string, options: { query?: Record<string, string>; body?: string; base64?: boolean } = {}) {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { 'content-type': 'application/json' },
    queryStringParameters: options.query,
    body: options.base64 && options.body !== undefined ? Buffer.from(options.body).toString('base64') : options.body,
    isBase64Encoded: options.base64 ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1234567',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      authorizer: { iam: { accessKey: 'ASIAEXAMPLE', accountId: '123456789012', callerId: 'AROAEXAMPLE:alice', userArn: OPERATOR, userId: 'AROAEXAMPLE:alice' } },
    },
  };
}

describe.each(VARIANTS)('callbacks API (%s)', (variant) => {
  let queueArn: string;
  let write: FlowHandler;
  let update: FlowHandler;
  let processCtrs: (event: unknown) => Promise<{ batchItemFailures: unknown[] }>;
  let list: ApiHandler;
  let cancel: ApiHandler;

  beforeEach(() => {
    queueArn = `${INSTANCE_ARN}/queue/${randomUUID()}`;
    const overrides = { QUEUE_ARN: queueArn };
    write = env.load('write-callback', variant, overrides);
    update = env.load('update-callback', variant, overrides);
    processCtrs = env.load('ctr-processor', variant, overrides);
    list = env.load('list-callbacks', variant, overrides);
    cancel = env.load('cancel-callback', variant, overrides);
    env.connect.calls.length = 0;
    env.connect.failWith('none');
    env.metrics.length = 0;
  });

  async function book(phone = newNumber()) {
    const recordId = newContactId();
    expect((await write(flowEvent({ contactId: recordId, callerNumber: phone }))).result).toBe('CREATED');
    return { recordId, phone };
  }
  async function learn(recordId: string): Promise<string> {
    const callbackContactId = newContactId();
    expect((await processCtrs(kinesisBatch([inboundCtr(recordId, callbackContactId)]))).batchItemFailures).toEqual([]);
    return callbackContactId;
  }
  const body = (response: ApiResponse) => JSON.parse(response.body);
  const cancelOne = (recordId: unknown) => cancel(apiEvent('POST', '/callbacks/cancel', { body: JSON.stringify({ recordId }) }));
  const record = (recordId: string) => getItem(env.db.endpoint, TABLE_NAME, `CALLBACK#${recordId}`);

  test('the list shows the waiting callbacks, oldest first: masked number, age, state, whether the id is known', async () => {
    expect(body(await list(apiEvent('GET', '/callbacks')))).toEqual({ callbacks: [] });
    const older = await book();
    const learnedId = await learn(older.recordId);
    await backdateRecord(env.db.endpoint, TABLE_NAME, older.recordId, 3600);
    const newer = await book();
    await update(flowEvent({ callerNumber: newer.phone, parameters: { recordId: newer.recordId, transition: 'CANCEL' } }));
    const finished = await book();
    await update(flowEvent(callbackContactCall(finished.recordId, 'CONNECT')));

    const response = await list(apiEvent('GET', '/callbacks'));
    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(body(response)).toEqual({
      callbacks: [
        {
          recordId: older.recordId,
          state: 'PENDING',
          phone: `+*********${older.phone.slice(-2)}`,
          createdAt: expect.any(String),
          ageSeconds: expect.any(Number),
          callbackIdLearned: true,
          callbackContactId: learnedId,
        },
        {
          recordId: newer.recordId,
          state: 'CANCELLED',
          phone: `+*********${newer.phone.slice(-2)}`,
          createdAt: expect.any(String),
          ageSeconds: expect.any(Number),
          callbackIdLearned: false,
          cancelledAt: expect.any(String),
        },
      ],
    });
    const [first, second] = body(response).callbacks;
    expect(first.ageSeconds).toBeGreaterThanOrEqual(3600);
    expect(second.ageSeconds).toBeLessThan(60);
    // Nowhere the whole number.
    for (const { phone } of [older, newer, finished]) {
      expect(response.body).not.toContain(phone);
      expect(response.body).not.toContain(phone.slice(-7));
    }
  });

  test('the list pages with limit and nextToken, and refuses a limit or token it did not give', async () => {
    const booked = [];
    for (let index = 0; index < 3; index++) {
      booked.push(await book());
      await backdateRecord(env.db.endpoint, TABLE_NAME, booked[index].recordId, 300 - index * 60);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = token ? { limit: '2', nextToken: token } : { limit: '2' };
      const page = body(await list(apiEvent('GET', '/callbacks', { query })));
      seen.push(...page.callbacks.map((callback: { recordId: string }) => callback.recordId));
      token = page.nextToken;
      pages += 1;
    } while (token && pages < 5);
    expect(seen).toEqual(booked.map((b) => b.recordId));
    const refused: Array<Record<string, string>> = [
      { limit: '0' }, { limit: '101' }, { limit: 'ten' }, { nextToken: 'bm90IGEga2V5' }, { nextToken: Buffer.from('{"pk":{"S":"x"}}').toString('base64url') },
    ];
    for (const query of refused) {
      expect({ query, status: (await list(apiEvent('GET', '/callbacks', { query }))).statusCode }).toEqual({ query, status: 400 });
    }
  });

  test('reading one by record id shows it in any state, with how it ended; an unknown or malformed id is 404 or 400', async () => {
    const { recordId } = await book();
    const callbackContactId = await learn(recordId);
    await update(flowEvent(callbackContactCall(recordId, 'CONNECT', callbackContactId)));
    const response = await list(apiEvent('GET', '/callbacks', { query: { recordId } }));
    expect(response.statusCode).toBe(200);
    expect(body(response).callback).toMatchObject({ recordId, state: 'COMPLETED', resolution: 'CONNECTED', callbackContactId, completedAt: expect.any(String) });
    expect((await list(apiEvent('GET', '/callbacks', { query: { recordId: newContactId() } }))).statusCode).toBe(404);
    expect((await list(apiEvent('GET', '/callbacks', { query: { recordId: 'CALLBACK#x/../y' } }))).statusCode).toBe(400);
  });

  test('an operator cancels a waiting callback: stored with who asked, removed with StopContact, the number free at once', async () => {
    const { recordId, phone } = await book();
    const callbackContactId = await learn(recordId);
    const response = await cancelOne(recordId);
    expect(response.statusCode).toBe(200);
    expect(body(response)).toMatchObject({
      result: 'CANCELLED',
      removedFromQueue: true,
      callback: { recordId, state: 'COMPLETED', resolution: 'REMOVED_BY_API', cancelledBy: OPERATOR, callbackContactId },
    });
    expect(env.connect.calls).toEqual([{ contactId: callbackContactId, instanceId: '11111111-2222-3333-4444-555555555555' }]);
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', cancelledBy: OPERATOR });
    expect((await write(flowEvent({ callerNumber: phone }))).result).toBe('CREATED');
    expect(env.metrics).toContainEqual(expect.objectContaining({ Cancels: 1, Path: 'operator' }));
    expect(env.metrics).toContainEqual(expect.objectContaining({ Removals: 1, Path: 'operator' }));

    // Again: idempotent, nothing more is written or stopped.
    env.connect.calls.length = 0;
    env.db.iamActions.length = 0;
    expect(body(await cancelOne(recordId))).toMatchObject({ result: 'ALREADY_CANCELLED', removedFromQueue: true, callback: { state: 'COMPLETED' } });
    expect(env.connect.calls).toEqual([]);
    expect(env.db.iamActions).toEqual(['dynamodb:GetItem']);
  });

  test('a cancel before the callback id is known is stored; the id, when it comes, has the callback stopped', async () => {
    const { recordId } = await book();
    expect(body(await cancelOne(recordId))).toMatchObject({ result: 'CANCELLED', removedFromQueue: false, callback: { state: 'CANCELLED', cancelledBy: OPERATOR } });
    expect(env.connect.calls).toEqual([]);
    const callbackContactId = await learn(recordId);
    expect(env.connect.calls.map((call) => call.contactId)).toEqual([callbackContactId]);
    expect(await record(recordId)).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', cancelledBy: OPERATOR });
  });

  test('a StopContact that fails leaves the cancel stored; asking again removes it', async () => {
    const { recordId } = await book();
    await learn(recordId);
    env.connect.failWith('server-error');
    expect(body(await cancelOne(recordId))).toMatchObject({ result: 'CANCELLED', removedFromQueue: false, callback: { state: 'CANCELLED' } });
    env.connect.failWith('none');
    expect(body(await cancelOne(recordId))).toMatchObject({ result: 'ALREADY_CANCELLED', removedFromQueue: true, callback: { resolution: 'REMOVED_BY_API' } });
  });

  test('a callback that ended otherwise is 409 with its state; unknown is 404; a body without a record id is 400', async () => {
    const { recordId } = await book();
    await update(flowEvent(callbackContactCall(recordId, 'CONNECT')));
    const conflict = await cancelOne(recordId);
    expect(conflict.statusCode).toBe(409);
    expect(body(conflict)).toMatchObject({ callback: { state: 'COMPLETED', resolution: 'CONNECTED' } });
    expect((await cancelOne(newContactId())).statusCode).toBe(404);
    for (const request of [undefined, '', 'not json', '[]', '{}', JSON.stringify({ recordId: 42 }), JSON.stringify({ recordId: 'a b' })]) {
      expect({ request, status: (await cancel(apiEvent('POST', '/callbacks/cancel', { body: request }))).statusCode }).toEqual({ request, status: 400 });
    }
    // API Gateway sends a binary-typed body base64-encoded.
    const other = await book();
    expect((await cancel(apiEvent('POST', '/callbacks/cancel', { body: JSON.stringify({ recordId: other.recordId }), base64: true }))).statusCode).toBe(200);
  });

  test('DynamoDB unreachable: both methods answer 503, never a success', async () => {
    const { recordId } = await book();
    await env.db.pause();
    try {
      expect((await list(apiEvent('GET', '/callbacks'))).statusCode).toBe(503);
      expect((await cancelOne(recordId)).statusCode).toBe(503);
    } finally {
      await env.db.restart();
      await env.recreateTable();
    }
  });
});
