/** Phone numbers of several countries through get-10-digit-phone and write-callback. */
import { useTestEnvironment } from '../support/environment';
import { flowEvent } from '../support/events';
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

describe.each(VARIANTS)('phone numbers (%s)', (variant) => {
  test.each(VALID)('%s with default country %s is %s', async (input, country, e164, nationalNumber, detected) => {
    const normalize = env.load('get-10-digit-phone', variant);
    const reply = await normalize(flowEvent({ parameters: { phoneNumber: input, country } }));
    expect(reply).toMatchObject({ result: 'VALID', e164, nationalNumber, country: detected });
    expect(reply.nationalFormatted.replace(/\D/g, '')).toContain(nationalNumber);
  });

  test.each(INVALID)('%s with default country %s is INVALID', async (input, country) => {
    const normalize = env.load('get-10-digit-phone', variant);
    expect((await normalize(flowEvent({ parameters: { phoneNumber: input, country } }))).result).toBe('INVALID');
  });

  test('the caller id and DEFAULT_COUNTRY are the defaults', async () => {
    const normalize = env.load('get-10-digit-phone', variant, { DEFAULT_COUNTRY: 'GB' });
    expect(await normalize(flowEvent({ callerNumber: '+61412345678' }))).toMatchObject({ result: 'VALID', e164: '+61412345678', country: 'AU' });
    expect(await normalize(flowEvent({ parameters: { phoneNumber: '020 7946 0958' } }))).toMatchObject({ result: 'VALID', e164: '+442079460958' });
    expect((await normalize(flowEvent({ callerNumber: null }))).result).toBe('INVALID');
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
