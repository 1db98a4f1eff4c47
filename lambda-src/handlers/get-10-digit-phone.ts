/**
 * Normalizes a phone number (typed by the caller, or the caller id) for any country.
 * The name is kept from the flows it replaces; numbers of any length and country are accepted.
 */
import { contactData, type ConnectFlowEvent, type FlowReply, parameter, reply } from '../shared/connect-event';
import { describeError, maskPhone } from '../shared/log';
import { normalizePhone } from '../shared/phone';
import { createRuntime } from '../shared/runtime';

const { config, log } = createRuntime('get-10-digit-phone');
const KEYS = ['result', 'e164', 'nationalNumber', 'nationalFormatted', 'country'] as const;

export async function handler(event: ConnectFlowEvent): Promise<FlowReply> {
  const contactId = contactData(event).ContactId;
  try {
    const country = (parameter(event, 'country') ?? config.defaultCountry).toUpperCase();
    const raw = parameter(event, 'phoneNumber') ?? contactData(event).CustomerEndpoint?.Address ?? undefined;
    const phone = normalizePhone(raw, country);
    if (!phone.valid) {
      log.info('phone number rejected', { contactId, reason: phone.reason, country });
      return reply(KEYS, { result: 'INVALID', country });
    }
    log.info('phone number normalized', { contactId, phone: maskPhone(phone.e164), country: phone.country });
    return reply(KEYS, {
      result: 'VALID',
      e164: phone.e164,
      nationalNumber: phone.nationalNumber,
      nationalFormatted: phone.nationalFormatted,
      country: phone.country,
    });
  } catch (error) {
    log.error('phone normalization failed', { contactId, error: describeError(error) });
    return reply(KEYS, { result: 'INVALID' });
  }
}
