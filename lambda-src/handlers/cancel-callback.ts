/**
 * The callbacks API's cancel (POST /callbacks/cancel, body {"recordId": "..."}, IAM-authorized): an operator's cancel,
 * a transition of its own in the store (PENDING -> CANCELLED, with who asked kept in `cancelledBy`): IAM authorized
 * the request, so there is no number or contact to check. Otherwise it is a caller's cancel: stored first (the number
 * is free at once), then the callback is removed from the queue with StopContact when its contact id is known, and
 * idempotent: cancelling a cancelled callback tries the removal again and answers as the first time did.
 *
 * Answers: 200 CANCELLED (this request cancelled it) or ALREADY_CANCELLED, with `removedFromQueue` and the callback;
 * 404 no such callback; 409 it ended otherwise (connected, ended, released); 400 bad input; 503 the
 * table could not be reached (nothing changed, or the cancel is stored and a retry finishes it).
 */
import { removeCancelledCallback } from '../shared/callback-lifecycle';
import { countRemoval } from '../shared/callback-metrics';
import type { CallbackRecord } from '../shared/callback-store';
import { type HttpApiEvent, type HttpApiResponse, bodyObject, callerArn, describeRecord, errorResponse, json, recordIdFrom } from '../shared/callbacks-api';
import { missingSettings } from '../shared/config';
import { METRICS, METRIC_PATHS } from '../shared/contract';
import { describeError } from '../shared/log';
import { byPath } from '../shared/metrics';
import { createRuntime, createStopper, createStore, runInvocation } from '../shared/runtime';
import type { RemainingTime } from '../shared/time-budget';

const runtime = createRuntime('cancel-callback');
const { config, log, metrics } = runtime;
const store = createStore(runtime);
const stopContact = createStopper(runtime);

export function handler(event: HttpApiEvent, context?: RemainingTime): Promise<HttpApiResponse> {
  return runInvocation(runtime, context, () => cancel(event));
}

async function cancel(event: HttpApiEvent): Promise<HttpApiResponse> {
  const problems = missingSettings(config, ['tableName', 'queueArn', 'instanceId']);
  if (!store || !stopContact || config.queueArn === undefined || problems.length > 0) {
    log.error('configuration invalid', { problems });
    return errorResponse(500, 'the callbacks API is not configured');
  }
  const recordId = recordIdFrom(bodyObject(event)?.recordId);
  if (!recordId) return errorResponse(400, 'the body must be a JSON object with a recordId (a contact id)');
  // API Gateway lets no unsigned request through; the ARN is kept as who cancelled.
  const operator = callerArn(event) ?? 'unknown IAM principal';

  let record: CallbackRecord;
  let result: 'CANCELLED' | 'ALREADY_CANCELLED';
  try {
    // The table holds the callbacks of this construct's queue only: no queue to check.
    const outcome = await store.cancelByOperator(recordId, operator);
    if (outcome.kind === 'NOT_FOUND') return errorResponse(404, 'no callback with that record id');
    if (outcome.kind === 'APPLIED') {
      metrics.count(METRICS.CANCELS, 1, byPath(METRIC_PATHS.OPERATOR));
      log.info('callback cancelled by an operator', { recordId, operator });
      record = outcome.record;
      result = 'CANCELLED';
    } else if (outcome.record.status === 'CANCELLED' || outcome.record.cancelledAt !== undefined) {
      record = outcome.record;
      result = 'ALREADY_CANCELLED';
    } else {
      return json(409, { error: `the callback is already ${outcome.record.status}`, callback: describeRecord(outcome.record, Date.now()) });
    }
  } catch (error) {
    log.error('operator cancel failed', { recordId, error: describeError(error) });
    return errorResponse(503, 'the callback table could not be reached; nothing was changed, or the cancel is stored: try again');
  }

  let removedFromQueue = false;
  if (record.status === 'CANCELLED') {
    try {
      const removal = await removeCancelledCallback(store, stopContact, record);
      countRemoval(metrics, removal, METRIC_PATHS.OPERATOR);
      record = removal.record;
      removedFromQueue = removal.kind === 'REMOVED';
      log.info('operator cancel removal', { recordId, removal: removal.kind });
    } catch (error) {
      // The cancel is stored; the contact event or CTR processor, the reconciler, or a retry of this request stops it.
      log.warn('cancelled callback not yet removed from the queue', { recordId, error: describeError(error) });
    }
  } else {
    removedFromQueue = record.resolution === 'REMOVED_BY_API';
  }
  return json(200, { result, removedFromQueue, callback: describeRecord(record, Date.now()) });
}
