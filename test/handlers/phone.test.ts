/** Phone numbers of several countries through the shared normalizer (lambda-src/shared/phone.ts) and write-callback. */
import { normalizePhone } from '../../lambda-src/shared/phone';
import { getItem } from '../support/dynamodb-server';
import { TABLE_NAME, useTestEnvironment } from '../support/environment';
import { INSTANCE_ARN, flowEvent, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();

const VALID: ReadonlyArray<[input: string, country: string, e164: string, nationalNumber: string, detected: string]> = [
  ['(202) 555-0143', 'US', '+12025550143', '2025550143', 'US'],
  ['202.555.0143#', 'US', '+12025550143', '2025550143', 'US'],
  ['020 7946 0958', 'GB', '+442079460958', '2079460958', 'GB'],
  ['030 1234567', 'DE', '+49301234567', '301234567', 'DE'],
  ['+49 30 1234567', 'US', '+49301234567', '301234567', 'DE'],
  ['98765 43210', 'IN', '+919876543210', '9876543210', 'IN'],
  ['02 9374 4000', 'AU', '+61293744000', '293744000', 'AU'],
  ['0412 345 678', 'AU', '+61412345678', '412345678', 'AU'],
  ['0044 20 7946 0958', 'DE', '+442079460958', '2079460958', 'GB'],
];

const INVALID: ReadonlyArray<[input: string, country: string]> = [
  ['123', 'US'],
  ['555-0100', 'US'],
  ['020 7946', 'GB'],
  ['12345678901234567890123456789012345', 'US'],
  ['call me maybe', 'US'],
  ['+999 1234 5678', 'US'],
  ['2025550143', 'ZZ'],
];

/**
 * A queue of its own for each booking test: several cases book the same number (and both variants book every
 * number), and a number has at most one PENDING callback per queue.
 */
const newQueueArn = () => `${INSTANCE_ARN}/queue/${newContactId()}`;
const recordOf = (recordId: string) => getItem(env.db.endpoint, TABLE_NAME, `CALLBACK#${recordId}`);

describe('normalizePhone', () => {
  test.each(VALID)('%s with default country %s is %s', (input, country, e164, nationalNumber, detected) => {
    const phone = normalizePhone(input, country);
    expect(phone).toMatchObject({ valid: true, e164, nationalNumber, country: detected });
    expect(phone.valid && phone.nationalFormatted.replace(/\D/g, '')).toContain(nationalNumber);
  });

  test.each(INVALID)('%s with default country %s is invalid', (input, country) => {
    expect(normalizePhone(input, country).valid).toBe(false);
  });

  test('reasons: empty, too long, bad characters, bad country, not a number', () => {
    expect(normalizePhone(undefined, 'US')).toEqual({ valid: false, reason: 'EMPTY' });
    expect(normalizePhone('  ', 'US')).toEqual({ valid: false, reason: 'EMPTY' });
    expect(normalizePhone('12345678901234567890123456789012345', 'US')).toEqual({ valid: false, reason: 'TOO_LONG' });
    expect(normalizePhone('call me maybe', 'US')).toEqual({ valid: false, reason: 'BAD_CHARACTERS' });
    expect(normalizePhone('2025550143', 'ZZZ')).toEqual({ valid: false, reason: 'BAD_COUNTRY' });
    expect(normalizePhone('555-0100', 'US')).toEqual({ valid: false, reason: 'NOT_A_NUMBER' });
  });
});

describe.each(VARIANTS)('phone numbers through write-callback (%s)', (variant) => {
  test.each(VALID)('%s with default country %s is booked as %s', async (input, country, e164, nationalNumber, detected) => {
    const write = env.load('write-callback', variant, { QUEUE_ARN: newQueueArn() });
    const recordId = newContactId();
    const reply = await write(flowEvent({ contactId: recordId, parameters: { phoneNumber: input, country } }));
    expect(reply).toMatchObject({ result: 'CREATED', recordId, phoneE164: e164 });
    expect(reply.phoneNational.replace(/\D/g, '')).toContain(nationalNumber);
    expect(await recordOf(recordId)).toMatchObject({ phoneE164: e164, phoneNational: reply.phoneNational, country: detected });
  });

  test.each(INVALID)('%s with default country %s is INVALID_NUMBER, and nothing is written', async (input, country) => {
    const write = env.load('write-callback', variant, { QUEUE_ARN: newQueueArn() });
    const recordId = newContactId();
    expect(await write(flowEvent({ contactId: recordId, parameters: { phoneNumber: input, country } })))
      .toMatchObject({ result: 'INVALID_NUMBER', recordId: '', phoneE164: '' });
    expect(await recordOf(recordId)).toBeUndefined();
  });

  test('the caller id and DEFAULT_COUNTRY are the defaults', async () => {
    const write = env.load('write-callback', variant, { DEFAULT_COUNTRY: 'GB', QUEUE_ARN: newQueueArn() });
    const fromCallerId = newContactId();
    expect(await write(flowEvent({ contactId: fromCallerId, callerNumber: '+61412345678' })))
      .toMatchObject({ result: 'CREATED', phoneE164: '+61412345678', canCancel: 'true' });
    expect(await recordOf(fromCallerId)).toMatchObject({ phoneE164: '+61412345678', country: 'AU' });
    const entered = newContactId();
    expect(await write(flowEvent({ contactId: entered, parameters: { phoneNumber: '020 7946 0958' } })))
      .toMatchObject({ result: 'CREATED', phoneE164: '+442079460958' });
    expect(await recordOf(entered)).toMatchObject({ country: 'GB' });
    expect((await write(flowEvent({ callerNumber: null }))).result).toBe('INVALID_NUMBER');
  });

  test('write-callback books international numbers and rejects invalid or overlong input', async () => {
    const write = env.load('write-callback', variant, { DEFAULT_COUNTRY: 'DE' });
    const lastDigit = variant === 'source' ? '8' : '9'; // each variant books numbers of its own
    expect(await write(flowEvent({ callerNumber: `+4930123456${lastDigit}`, parameters: { phoneNumber: `030 123456${lastDigit}` } })))
      .toMatchObject({ result: 'CREATED', phoneE164: `+4930123456${lastDigit}`, phoneNational: `030 123456${lastDigit}`, canCancel: 'true' });
    expect(await write(flowEvent({ parameters: { phoneNumber: `+91 98765 4321${lastDigit}` } })))
      .toMatchObject({ result: 'CREATED', phoneE164: `+91987654321${lastDigit}`, canCancel: 'false' });
    for (const bad of ['12', '9'.repeat(40), 'DROP TABLE']) {
      expect(await write(flowEvent({ parameters: { phoneNumber: bad } }))).toMatchObject({ result: 'INVALID_NUMBER', recordId: '' });
    }
  });
});
