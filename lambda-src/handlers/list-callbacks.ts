/**
 * The callbacks API's reads (GET /callbacks, IAM-authorized): the waiting callbacks of the queue, oldest first, a page
 * at a time from the sparse index of open records (`?limit=` up to 100, `?nextToken=` to go on); or, with
 * `?recordId=`, one callback by its record id, whatever its state, read consistently. Numbers are masked, as in the
 * logs: an operator sees who is waiting by the last two digits, never the whole number.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type HttpApiEvent, type HttpApiResponse, describeRecord, errorResponse, json, recordIdFrom, summarizeRecord } from '../shared/callbacks-api';
import { missingSettings } from '../shared/config';
import { createDynamoDbClient } from '../shared/dynamodb-client';
import { describeError } from '../shared/log';
import { createOpenRecordsReader } from '../shared/open-records';
import { createRuntime, createStore, runInvocation } from '../shared/runtime';
import type { RemainingTime } from '../shared/time-budget';

const runtime = createRuntime('list-callbacks');
const { config, log } = runtime;
const store = createStore(runtime);
const listOpen = config.tableName === undefined ? undefined
  : createOpenRecordsReader({ client: createDynamoDbClient(), tableName: config.tableName, abortSignal: () => runtime.budget.signal });
const DEFAULT_PAGE = 50;
const MAX_PAGE = 100;

export function handler(event: HttpApiEvent, context?: RemainingTime): Promise<HttpApiResponse> {
  return runInvocation(runtime, context, () => read(event));
}

async function read(event: HttpApiEvent): Promise<HttpApiResponse> {
  const problems = missingSettings(config, ['tableName', 'queueArn']);
  if (!store || !listOpen || config.queueArn === undefined || problems.length > 0) {
    log.error('configuration invalid', { problems });
    return errorResponse(500, 'the callbacks API is not configured');
  }
  const query = event.queryStringParameters ?? {};
  try {
    if (query.recordId !== undefined) {
      const recordId = recordIdFrom(query.recordId);
      if (!recordId) return errorResponse(400, 'recordId must be a contact id');
      const record = await store.get(recordId);
      if (!record) return errorResponse(404, 'no callback with that record id');
      return json(200, { callback: describeRecord(record, Date.now()) });
    }
    const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) return errorResponse(400, `limit must be a whole number from 1 to ${MAX_PAGE}`);
    const startKey = query.nextToken === undefined ? undefined : decodeToken(query.nextToken);
    if (startKey === null) return errorResponse(400, 'nextToken is not one this API gave');
    const page = await listOpen(config.queueArn, { limit, startKey });
    const now = Date.now();
    return json(200, {
      callbacks: page.records.map((record) => summarizeRecord(record, now)),
      ...(page.nextKey ? { nextToken: encodeToken(page.nextKey) } : {}),
    });
  } catch (error) {
    log.error('callbacks read failed', { error: describeError(error) });
    return errorResponse(503, 'the callback table could not be read; try again');
  }
}

/** The index's LastEvaluatedKey as an opaque token: three string attributes, base64url JSON. */
function encodeToken(key: Record<string, AttributeValue>): string {
  return Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(key).map(([name, value]) => [name, value.S])))).toString('base64url');
}

/** Undefined for no token; null for one that is not a key of the index (it is never passed to DynamoDB as it is). */
function decodeToken(token: string): Record<string, AttributeValue> | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const entries = Object.entries(parsed as Record<string, unknown>);
    if (entries.length === 0 || entries.length > 3 || entries.some(([name, value]) => !['pk', 'openQueueArn', 'createdAt'].includes(name) || typeof value !== 'string')) return null;
    return Object.fromEntries(entries.map(([name, value]) => [name, { S: value as string }]));
  } catch {
    return null;
  }
}
