/**
 * What the callbacks API (API Gateway HTTP API, IAM authorization, Lambda proxy integration, payload format 2.0) sends
 * the handlers and how they answer: `requestContext.http.method`, `rawPath`, `queryStringParameters`, `body` (base64
 * when `isBase64Encoded`), and, with IAM authorization, `requestContext.authorizer.iam` with the signer's `userArn`
 * (API Gateway developer guide, payload format 2.0 in http-api-develop-integrations-lambda.html; the fields as
 * @types/aws-lambda's APIGatewayProxyEventV2WithIAMAuthorizer types them). The reply is `{statusCode, headers, body}`.
 */
import type { CallbackRecord } from './callback-store';
import { isPlausibleContactId } from './connect-event';
import { maskPhone } from './log';

export interface HttpApiEvent {
  readonly rawPath?: string;
  readonly queryStringParameters?: Record<string, string | undefined> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: {
    readonly http?: { readonly method?: string };
    readonly requestId?: string;
    readonly authorizer?: { readonly iam?: { readonly userArn?: string; readonly accountId?: string } } | null;
  };
}

export interface HttpApiResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The routes, as the construct defines them (src/callbacks-api.ts repeats them; a test checks they agree). */
export const CALLBACKS_API_ROUTES = {
  LIST: { method: 'GET', path: '/callbacks' },
  CANCEL: { method: 'POST', path: '/callbacks/cancel' },
} as const;

export function json(statusCode: number, body: unknown): HttpApiResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export const errorResponse = (statusCode: number, message: string) => json(statusCode, { error: message });

/** The JSON object in the request body, or undefined when there is none or it is not one. */
export function bodyObject(event: HttpApiEvent): Record<string, unknown> | undefined {
  if (typeof event.body !== 'string' || event.body === '') return undefined;
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** A record id as the API accepts it (an inbound contact id), or undefined. */
export function recordIdFrom(value: unknown): string | undefined {
  return isPlausibleContactId(value) ? value : undefined;
}

/** Who signed the request, as API Gateway's IAM authorization saw them. */
export function callerArn(event: HttpApiEvent): string | undefined {
  const arn = event.requestContext?.authorizer?.iam?.userArn;
  return typeof arn === 'string' && arn !== '' ? arn : undefined;
}

/** A waiting callback as the list shows it: never the full number. */
export interface CallbackSummary {
  readonly recordId: string;
  readonly state: string;
  /** The number to call back, all but its last two digits masked. */
  readonly phone: string;
  readonly createdAt: string;
  readonly ageSeconds: number;
  readonly callbackIdLearned: boolean;
  readonly callbackContactId?: string;
  readonly cancelledAt?: string;
  readonly flag?: string;
}

/** One callback as reading it by id shows it: the summary, and how it ended if it has. */
export interface CallbackDetail extends CallbackSummary {
  readonly resolution?: string;
  readonly completedAt?: string;
  readonly cancelledBy?: string;
  readonly flaggedAt?: string;
  readonly stopError?: string;
}

export function summarizeRecord(record: CallbackRecord, nowMs: number): CallbackSummary {
  const created = Date.parse(record.createdAt);
  return dropUndefined({
    recordId: record.recordId,
    state: record.status,
    phone: maskPhone(record.phoneE164) ?? '',
    createdAt: record.createdAt,
    ageSeconds: Number.isFinite(created) ? Math.max(0, Math.floor((nowMs - created) / 1000)) : 0,
    callbackIdLearned: record.callbackContactId !== undefined,
    callbackContactId: record.callbackContactId,
    cancelledAt: record.cancelledAt,
    flag: record.flag,
  });
}

export function describeRecord(record: CallbackRecord, nowMs: number): CallbackDetail {
  return dropUndefined({
    ...summarizeRecord(record, nowMs),
    resolution: record.resolution,
    completedAt: record.completedAt,
    cancelledBy: record.cancelledBy,
    flaggedAt: record.flaggedAt,
    stopError: record.stopError,
  });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
