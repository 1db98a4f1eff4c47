/**
 * The booking call of the flows (the write-callback assets: lambda-src/handlers/write-callback.ts, and
 * write-callback-hours.ts with the closing-time rules). Books a callback for the number the caller entered (or the caller id), normalizing it first, in one
 * DynamoDB round trip. A PENDING callback for the same number and queue is reported, never overwritten.
 *
 * The EXISTS reply carries what the caller's cancel needs (the flow passes it to update-callback CANCEL): the record
 * id, the number it is booked for, and, once a processor has learnt it, the callback contact id. With them the cancel
 * is decided without reading the record (lambda-src/shared/callback-store.ts, cancel).
 *
 * The admission policy (the construct's admissionPolicy), decided in this same call:
 * - AT_CAPACITY: the queue holds maxQueuedContacts contacts or more, by the `contactsInQueue` the flow passes from its
 *   Get queue metrics block ($.Metrics.Queue.Size). A number with a pending callback still gets EXISTS, from one read.
 * - LIMIT_REACHED: the number booked maxCallbacksPerNumberPerDay callbacks on the queue today (in TIME_ZONE), checked
 *   in the booking's own transaction (callback-store.ts), after EXISTS.
 * - CLOSING / CLOSED / CLOSED_DEFERRED (write-callback-hours only): the queue's hours of operation close within
 *   stopOfferingBeforeClose, or it is closed (hours-check.ts). Refused, or with DEFER booked with the listed initial
 *   delay (`deferSeconds`) that lands in the next opening; the flow picks the callback block of that delay.
 * A missing or unreadable queue size does not refuse anyone: the policy fails open, books, and counts it
 * (AdmissionInputMissing). Connect still has the queue's real capacity, and a callback it refuses takes the flow's undo
 * path like any other failed CreateCallbackContact.
 */
import type { ActiveCallback, CallbackRecord, CallbackStore } from './callback-store';
import { type HoursRules, missingSettings } from './config';
import { contactData, type ConnectFlowEvent, type FlowReply, isPlausibleContactId, parameter, reply } from './connect-event';
import { METRICS } from './contract';
import type { HoursCheck } from './hours-check';
import { localDate, spokenRequestTime } from './local-time';
import { describeError, maskPhone } from './log';
import { byReason } from './metrics';
import { callerE164, normalizePhone } from './phone';
import { type HandlerRuntime, createRuntime, createStore, runInvocation } from './runtime';
import type { RemainingTime } from './time-budget';

const KEYS = ['result', 'recordId', 'status', 'phoneE164', 'phoneNational', 'requestedAtSpoken', 'canCancel'] as const;
/** EXISTS also says what the caller's cancel needs. */
const EXISTS_KEYS = [...KEYS, 'callbackContactId'] as const;
/** CLOSED_DEFERRED also says which callback block the flow takes: the initial delay, in seconds. */
const DEFERRED_KEYS = [...KEYS, 'deferSeconds'] as const;

export type BookingHandler = (event: ConnectFlowEvent, context?: RemainingTime) => Promise<FlowReply>;

/**
 * The handler of one write-callback asset, built once per cold start. `hoursCheck` makes the closing-time rules'
 * check from their settings; without it (the write-callback asset) a function configured with those rules books
 * without them, and says so in its log and the AdmissionInputMissing metric.
 */
export function createBookingHandler(hoursCheck?: (rules: HoursRules) => HoursCheck): BookingHandler {
  const runtime = createRuntime('write-callback');
  const hours = runtime.config.admission.hours;
  const deps: BookingDeps = { runtime, store: createStore(runtime), hoursCheck: hours && hoursCheck ? hoursCheck(hours) : undefined };
  return (event, context) => runInvocation(runtime, context, () => book(deps, event));
}

interface BookingDeps {
  readonly runtime: HandlerRuntime;
  readonly store: CallbackStore | undefined;
  readonly hoursCheck: HoursCheck | undefined;
}

async function book({ runtime, store, hoursCheck }: BookingDeps, event: ConnectFlowEvent): Promise<FlowReply> {
  const { config, log, metrics } = runtime;
  const contact = contactData(event);
  const contactId = contact.ContactId;
  const problems = missingSettings(config, ['tableName', 'queueArn', 'timeZone']);
  if (!store || config.queueArn === undefined || problems.length > 0) {
    log.error('configuration invalid', { contactId, problems });
    return reply(KEYS, { result: 'ERROR' });
  }
  if (!contactId || !isPlausibleContactId(contactId)) {
    log.error('event has no usable ContactId');
    return reply(KEYS, { result: 'ERROR' });
  }

  const country = (parameter(event, 'country') ?? config.defaultCountry).toUpperCase();
  const phone = normalizePhone(parameter(event, 'phoneNumber') ?? contact.CustomerEndpoint?.Address ?? undefined, country);
  if (!phone.valid) {
    log.info('callback number rejected', { contactId, reason: phone.reason, country });
    return reply(KEYS, { result: 'INVALID_NUMBER' });
  }

  const caller = callerE164(contact.CustomerEndpoint?.Address ?? undefined);
  const canCancel = (bookedFor: string) => String(config.allowCancelForOtherNumber || bookedFor === caller);
  const requestedAtSpoken = (createdAt: string) =>
    (createdAt ? spokenRequestTime(new Date(createdAt), new Date(), config.timeZone, config.locale) : '');
  const existsReply = (existing: ActiveCallback) => {
    metrics.count(METRICS.DUPLICATE_BOOKINGS);
    log.info('callback already booked', { contactId, recordId: existing.recordId, phone: maskPhone(existing.phoneE164) });
    const cancellable = canCancel(existing.phoneE164);
    return reply(EXISTS_KEYS, {
      result: 'EXISTS',
      recordId: existing.recordId,
      status: existing.status,
      phoneE164: existing.phoneE164,
      phoneNational: existing.phoneNational
        ?? (existing.phoneE164 === phone.e164 ? phone.nationalFormatted : ''),
      requestedAtSpoken: requestedAtSpoken(existing.createdAt),
      canCancel: cancellable,
      // Only for a cancel the flow may offer: nothing more about someone else's callback.
      callbackContactId: cancellable === 'true' ? existing.callbackContactId : undefined,
    });
  };
  const { maxQueuedContacts, maxCallbacksPerNumberPerDay, hours } = config.admission;
  const refuse = async (reason: 'AT_CAPACITY' | 'CLOSING' | 'CLOSED', why: string, details: Record<string, unknown>) => {
    const existing = await store.activeCallback(config.queueArn!, phone.e164);
    if (existing) return existsReply(existing);
    metrics.count(METRICS.ADMISSION_REFUSALS, 1, byReason(reason));
    log.info(`callback refused: ${why}`, { contactId, ...details });
    return reply(KEYS, { result: reason });
  };
  try {
    if (maxQueuedContacts !== undefined) {
      const inQueue = queueSize(parameter(event, 'contactsInQueue'));
      if (inQueue === undefined) {
        metrics.count(METRICS.ADMISSION_INPUT_MISSING, 1, byReason('AT_CAPACITY'));
        log.warn('queue size not passed or not a number: booking without the capacity check', { contactId });
      } else if (inQueue >= maxQueuedContacts) {
        return await refuse('AT_CAPACITY', 'queue at capacity', { inQueue, maxQueuedContacts });
      }
    }
    let deferSeconds: number | undefined;
    if (hours) {
      const decision = hoursCheck ? await hoursCheck.decide(Date.now(), runtime.budget.signal)
        : { kind: 'UNKNOWN' as const, why: 'this asset has no hours check (write-callback-hours has)' };
      if (decision.kind === 'UNKNOWN') {
        metrics.count(METRICS.ADMISSION_INPUT_MISSING, 1, byReason('HOURS_OF_OPERATION'));
        log.warn('hours of operation not known: booking without the closing-time check', { contactId, why: decision.why });
      } else if (decision.kind === 'CLOSING' || decision.kind === 'CLOSED') {
        return await refuse(decision.kind, decision.kind === 'CLOSING' ? 'the queue closes soon' : 'the queue is closed', {});
      } else if (decision.kind === 'DEFERRED') {
        deferSeconds = decision.delaySeconds;
      }
    }
    const outcome = await store.create({
      recordId: contactId,
      phoneE164: phone.e164,
      phoneNational: phone.nationalFormatted,
      country: phone.country,
      queueArn: config.queueArn,
      // Which leg StopContact removes depends on the mode the callback was booked in (customer-first-lifecycle.ts).
      callbackMode: config.callbackMode === 'CUSTOMER_FIRST' ? 'CUSTOMER_FIRST' : undefined,
      dailyLimit: maxCallbacksPerNumberPerDay === undefined ? undefined
        : { max: maxCallbacksPerNumberPerDay, day: localDate(new Date(), config.timeZone) },
    });
    if (outcome.kind === 'CREATED') {
      const record: CallbackRecord = outcome.record;
      metrics.count(METRICS.BOOKINGS);
      if (deferSeconds !== undefined) metrics.count(METRICS.DEFERRED_BOOKINGS);
      log.info('callback booked', { contactId, recordId: record.recordId, phone: maskPhone(record.phoneE164), deferSeconds });
      // With deferral on, CREATED carries an empty deferSeconds too, which the flow's choose-callback-delay compares.
      return reply(hours?.whenClosed === 'DEFER' ? DEFERRED_KEYS : KEYS, {
        result: deferSeconds === undefined ? 'CREATED' : 'CLOSED_DEFERRED',
        deferSeconds: deferSeconds === undefined ? undefined : String(deferSeconds),
        recordId: record.recordId,
        status: record.status,
        phoneE164: record.phoneE164,
        phoneNational: record.phoneNational,
        requestedAtSpoken: requestedAtSpoken(record.createdAt),
        canCancel: canCancel(record.phoneE164),
      });
    }
    if (outcome.kind === 'LIMIT_REACHED') {
      metrics.count(METRICS.ADMISSION_REFUSALS, 1, byReason('LIMIT_REACHED'));
      log.info('callback refused: daily limit reached', { contactId, phone: maskPhone(phone.e164), bookedToday: outcome.bookedToday });
      return reply(KEYS, { result: 'LIMIT_REACHED' });
    }
    return existsReply(outcome.existing);
  } catch (error) {
    log.error('callback booking failed', { contactId, error: describeError(error) });
    return reply(KEYS, { result: 'ERROR' });
  }
}

/**
 * The queue size the flow passed, or undefined when there is none to go by: Connect returns null metrics "if there is no
 * current activity in your contact center" (adminguide/connect-attrib-list.html, Queue attributes), and a flow whose
 * Get queue metrics block failed passes an empty value.
 */
function queueSize(value: string | undefined): number | undefined {
  const text = value?.trim();
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}
