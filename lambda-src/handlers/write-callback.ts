/**
 * Books a callback for the number the caller entered (or the caller id), normalizing it first, in one
 * DynamoDB round trip. A PENDING callback for the same number and queue is reported, never overwritten.
 */
import type { CallbackRecord } from '../shared/callback-store';
import { missingSettings } from '../shared/config';
import { contactData, type ConnectFlowEvent, type FlowReply, isPlausibleContactId, parameter, reply } from '../shared/connect-event';
import { spokenRequestTime } from '../shared/local-time';
import { describeError, maskPhone } from '../shared/log';
import { callerE164, normalizePhone } from '../shared/phone';
import { createRuntime, createStore } from '../shared/runtime';
import type { RemainingTime } from '../shared/time-budget';

const runtime = createRuntime('write-callback');
const { config, log, budget } = runtime;
const store = createStore(runtime);
const KEYS = ['result', 'recordId', 'status', 'phoneE164', 'phoneNational', 'requestedAtSpoken', 'canCancel'] as const;

export function handler(event: ConnectFlowEvent, context?: RemainingTime): Promise<FlowReply> {
  return budget.run(context, () => book(event));
}

async function book(event: ConnectFlowEvent): Promise<FlowReply> {
  const contact = contactData(event);
  const contactId = contact.ContactId;
  const problems = missingSettings(config, ['tableName', 'queueArn']);
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
    (createdAt ? spokenRequestTime(new Date(createdAt), new Date(), config.timeZone) : '');
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
    log.info('callback already booked', { contactId, recordId: existing.recordId, phone: maskPhone(existing.phoneE164) });
    return reply(KEYS, {
      result: 'EXISTS',
      recordId: existing.recordId,
      status: existing.status,
      phoneE164: existing.phoneE164,
      phoneNational: existing.phoneNational
        ?? (existing.phoneE164 === phone.e164 ? phone.nationalFormatted : ''),
      requestedAtSpoken: requestedAtSpoken(existing.createdAt),
      canCancel: canCancel(existing.phoneE164),
    });
  } catch (error) {
    log.error('callback booking failed', { contactId, error: describeError(error) });
    return reply(KEYS, { result: 'ERROR' });
  }
}
