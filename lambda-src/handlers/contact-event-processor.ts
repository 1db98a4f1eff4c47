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
 * EventBridge invokes asynchronously. An event that can never apply (malformed, another instance, a contact
 * that booked nothing here) is logged and answered IGNORED or NO_RECORD; a failure that may pass (DynamoDB or
 * Connect unreachable, throttled) is thrown, so Lambda retries it and, when retries run out, sends the event
 * to the dead-letter queue. Configuration errors are thrown too, so the events are kept there.
 */
import { eventIdOf, readCallbackContactEvent } from '../shared/callback-contact-event';
import { describeLearnOutcome, learnCallbackContactId } from '../shared/callback-lifecycle';
import { countLearned } from '../shared/callback-metrics';
import { missingSettings } from '../shared/config';
import { METRIC_PATHS } from '../shared/contract';
import { describeError } from '../shared/log';
import { createRuntime, createStopper, createStore, runInvocation } from '../shared/runtime';
import type { RemainingTime } from '../shared/time-budget';

const runtime = createRuntime('contact-event-processor');
const { config, log, metrics } = runtime;
const store = createStore(runtime);
const stopContact = createStopper(runtime);

export type ContactEventOutcome = 'IGNORED' | 'NO_RECORD' | 'CONFLICT' | 'ID_LEARNED' | 'REMOVED' | 'STOP_REFUSED';

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
        return { outcome: learned.removal.kind === 'REMOVED' ? 'REMOVED' : learned.removal.kind === 'STOP_REFUSED' ? 'STOP_REFUSED' : 'ID_LEARNED' };
    }
  } catch (error) {
    const described = describeError(error);
    log.warn('contact event will be retried', { eventId, recordId, error: described });
    // Lambda logs what is thrown in its own format, unscrubbed: throw the scrubbed description, not the SDK error.
    throw new Error(`contact event not applied: ${described.name}: ${described.message}`);
  }
}
