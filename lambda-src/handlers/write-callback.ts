/**
 * Books a callback for the number the caller entered (or the caller id), normalizing it first, in one
 * DynamoDB round trip. A PENDING callback for the same number and queue is reported, never overwritten.
 *
 * The EXISTS reply carries what the caller's cancel needs (the flow passes it to update-callback CANCEL): the record
 * id, the number it is booked for, and, once a processor has learnt it, the callback contact id. With them the cancel
 * is decided without reading the record (lambda-src/shared/callback-store.ts, cancel).
 */
import type { CallbackRecord } from '../shared/callback-store';
import { missingSettings } from '../shared/config';
import { contactData, type ConnectFlowEvent, type FlowReply, isPlausibleContactId, parameter, reply } from '../shared/connect-event';
import { METRICS } from '../shared/contract';
import { spokenRequestTime } from '../shared/local-time';
import { describeError, maskPhone } from '../shared/log';
import { callerE164, normalizePhone } from '../shared/phone';
import { createRuntime, createStore, runInvocation } from '../shared/runtime';
import type { RemainingTime } from '../shared/time-budget';

const runtime = createRuntime('write-callback');
const { config, log, metrics } = runtime;
const store = createStore(runtime);
const KEYS = ['result', 'recordId', 'status', 'phoneE164', 'phoneNational', 'requestedAtSpoken', 'canCancel'] as const;
/** EXISTS also says what the caller's cancel needs. */
const EXISTS_KEYS = [...KEYS, 'callbackContactId'] as const;

export function handler(event: ConnectFlowEvent, context?: RemainingTime): Promise<FlowReply> {
  return runInvocation(runtime, context, () => book(event));
}

async function book(event: ConnectFlowEvent): Promise<FlowReply> {
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
  try {
    const outcome = await store.create({
      recordId: contactId,
      phoneE164: phone.e164,
      phoneNational: phone.nationalFormatted,
      country: phone.country,
      queueArn: config.queueArn,
      // Which leg StopContact removes depends on the mode the callback was booked in (customer-first-lifecycle.ts).
      callbackMode: config.callbackMode === 'CUSTOMER_FIRST' ? 'CUSTOMER_FIRST' : undefined,
    });
    if (outcome.kind === 'CREATED') {
      const record: CallbackRecord = outcome.record;
      metrics.count(METRICS.BOOKINGS);
      log.info('callback booked', { contactId, recordId: record.recordId, phone: maskPhone(record.phoneE164) });
      return reply(KEYS, {
        result: 'CREATED',
        recordId: record.recordId,
        status: record.status,
        phoneE164: record.phoneE164,
        phoneNational: record.phoneNational,
        requestedAtSpoken: requestedAtSpoken(record.createdAt),
        canCancel: canCancel(record.phoneE164),
      });
    }
    const existing = outcome.existing;
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
  } catch (error) {
    log.error('callback booking failed', { contactId, error: describeError(error) });
    return reply(KEYS, { result: 'ERROR' });
  }
}
