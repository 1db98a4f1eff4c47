/**
 * Learns each callback's contact id from the Amazon Connect contact event sent when the callback contact is
 * created (EventBridge, within seconds), rather than waiting for the inbound call's CTR, which arrives only
 * after that call ends. The id goes on the record booked by the inbound contact (the event's
 * previousContactId); a record already CANCELLED is removed from the queue with StopContact at once.
 *
 * The CTR processor does the same step (lambda-src/shared/callback-lifecycle.ts) when the CTR comes, as the
 * fallback and reconciliation: whichever comes first stores the id, the other finds it stored, and only a
 * CANCELLED record is stopped, once, since stopping completes it.
 *
 * For a customer-first callback (the construct's rule matches its legs in that mode), the queued leg C2's INITIATED
 * event is read like an agent-first callback's (previousContactId is the inbound contact), and the dialled leg C3's
 * events (lambda-src/shared/customer-first-event.ts) store C3's id, stopping the dial of a callback cancelled meanwhile
 * (INITIATED), and end the record with the dial's outcome (DISCONNECTED).
 *
 * EventBridge invokes asynchronously. An event that can never apply (malformed, another instance, a contact
 * that booked nothing here) is logged and answered IGNORED or NO_RECORD; a failure that may pass (DynamoDB or
 * Connect unreachable, throttled) is thrown, so Lambda retries it and, when retries run out, sends the event
 * to the dead-letter queue. Configuration errors are thrown too, so the events are kept there.
 */
import { eventIdOf, readCallbackContactEvent } from '../shared/callback-contact-event';
import { type LearnIdOutcome, describeLearnOutcome, learnCallbackContactId, removeCancelledCallback } from '../shared/callback-lifecycle';
import { countLearned, countOutcome, countRemoval } from '../shared/callback-metrics';
import { missingSettings } from '../shared/config';
import { METRIC_PATHS } from '../shared/contract';
import { type DialledLegReading, readDialledLegEvent } from '../shared/customer-first-event';
import { endDialledLeg, learnDialledLeg } from '../shared/customer-first-lifecycle';
import { describeError } from '../shared/log';
import { createRuntime, createStopper, createStore, runInvocation } from '../shared/runtime';
import type { RemainingTime } from '../shared/time-budget';

const runtime = createRuntime('contact-event-processor');
const { config, log, metrics } = runtime;
const store = createStore(runtime);
const stopContact = createStopper(runtime);

export type ContactEventOutcome =
  | 'IGNORED' | 'NO_RECORD' | 'CONFLICT' | 'ID_LEARNED' | 'REMOVED' | 'STOP_REFUSED'
  /** Customer-first: the stop found its leg gone already (the record waits for the next leg's id or its end). */
  | 'LEG_ENDED'
  /** Customer-first: the dialled leg's end completed the record, or found it completed. */
  | 'COMPLETED' | 'ALREADY_COMPLETED';

export interface ContactEventResult {
  readonly outcome: ContactEventOutcome;
}

export function handler(event: unknown, context?: RemainingTime): Promise<ContactEventResult> {
  return runInvocation(runtime, context, () => apply(event));
}

async function apply(event: unknown): Promise<ContactEventResult> {
  const eventId = eventIdOf(event);
  const problems = missingSettings(config, ['tableName', 'instanceId']);
  if (!store || !stopContact || config.instanceArn === undefined || problems.length > 0) {
    log.error('configuration invalid', { eventId, problems });
    throw new Error(`configuration invalid: ${problems.join('; ')}`);
  }

  const dialled = readDialledLegEvent(event, config.instanceArn);
  if (dialled.kind !== 'NOT_DIALLED_LEG') return applyDialledLeg(eventId, dialled);

  const reading = readCallbackContactEvent(event, config.instanceArn);
  if (reading.kind === 'IGNORED') {
    log.warn('contact event ignored', { eventId, reason: reading.reason });
    return { outcome: 'IGNORED' };
  }

  const { recordId, callbackContactId } = reading;
  try {
    const requestedAt = Date.now();
    const learned = await learnCallbackContactId(store, stopContact, recordId, callbackContactId);
    countLearned(metrics, learned, METRIC_PATHS.CONTACT_EVENT, requestedAt);
    const fields = { eventId, recordId, callbackContactId, outcome: describeLearnOutcome(learned) };
    switch (learned.kind) {
      case 'NO_RECORD':
        // A callback this construct did not book (another flow on the instance), or a record already gone.
        log.info('contact event for a contact without a callback record', fields);
        return { outcome: 'NO_RECORD' };
      case 'CONFLICT':
        log.warn('contact event names another callback contact than the record', fields);
        return { outcome: 'CONFLICT' };
      case 'LEARNED':
        log.info('contact event applied', fields);
        return { outcome: learnedOutcome(learned) };
    }
  } catch (error) {
    throw retried(eventId, recordId, error);
  }
}

function learnedOutcome(learned: Extract<LearnIdOutcome, { kind: 'LEARNED' }>): ContactEventOutcome {
  switch (learned.removal.kind) {
    case 'REMOVED': return 'REMOVED';
    case 'STOP_REFUSED': return 'STOP_REFUSED';
    case 'LEG_ENDED': return 'LEG_ENDED';
    default: return 'ID_LEARNED';
  }
}

async function applyDialledLeg(eventId: string | undefined, reading: Exclude<DialledLegReading, { kind: 'NOT_DIALLED_LEG' }>): Promise<ContactEventResult> {
  const { recordId, legs } = reading;
  const fields = { eventId, recordId, queuedContactId: legs.queuedContactId, dialledContactId: legs.dialledContactId };
  try {
    if (reading.kind === 'DIAL_STARTED') {
      const learned = await learnDialledLeg(store!, (record) => removeCancelledCallback(store!, stopContact!, record), recordId, legs);
      if (learned.kind === 'LEARNED') countRemoval(metrics, learned.removal, METRIC_PATHS.CONTACT_EVENT);
      log.info('dialled leg started', { ...fields, outcome: describeLearnOutcome(learned) });
      if (learned.kind === 'NO_RECORD') return { outcome: 'NO_RECORD' };
      if (learned.kind === 'CONFLICT') return { outcome: 'CONFLICT' };
      return { outcome: learnedOutcome(learned) };
    }
    const ended = await endDialledLeg(store!, recordId, legs, reading.outcome);
    if (ended.kind === 'COMPLETED' && ended.record.resolution) countOutcome(metrics, ended.record.resolution);
    log.info('dialled leg ended', { ...fields, dial: reading.outcome, outcome: ended.kind });
    return { outcome: ended.kind };
  } catch (error) {
    throw retried(eventId, recordId, error);
  }
}

/** A failure that may pass: logged, and thrown scrubbed for Lambda to retry (Lambda logs what is thrown, unscrubbed). */
function retried(eventId: string | undefined, recordId: string, error: unknown): Error {
  const described = describeError(error);
  log.warn('contact event will be retried', { eventId, recordId, error: described });
  return new Error(`contact event not applied: ${described.name}: ${described.message}`);
}
