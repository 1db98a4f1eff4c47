/**
 * Privacy: a full set of scenarios (book, duplicate, cancel, connect, agent hang-up, CTRs, contact events, a removal
 * from the queue that fails and is finished by a later delivery of the id, bad input, failures) with numbers of
 * several countries, and no log line may carry a phone number.
 */
import { useTestEnvironment } from '../support/environment';
import { callbackContactEvent, callbackCtr, flowEvent, inboundCtr, kinesisBatch, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();
type Processor = (event: unknown) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

describe.each(VARIANTS)('logs (%s)', (variant) => {
  test('carry no phone number, masked or not beyond its last two digits, and are one JSON object per line', async () => {
    const numbers = variant === 'source'
      ? [['+12025550160', '(202) 555-0160', 'US'], ['+442079460961', '020 7946 0961', 'GB'], ['+49301234562', '030 1234562', 'DE'], ['+919876543263', '98765 43263', 'IN'], ['+61412345664', '0412 345 664', 'AU']]
      : [['+12025550170', '(202) 555-0170', 'US'], ['+442079460971', '020 7946 0971', 'GB'], ['+49301234572', '030 1234572', 'DE'], ['+919876543273', '98765 43273', 'IN'], ['+61412345674', '0412 345 674', 'AU']];
    const write = env.load('write-callback', variant);
    const update = env.load('update-callback', variant);
    const processCtrs = env.load<Processor>('ctr-processor', variant);
    const processEvent = env.load<(event: unknown) => Promise<unknown>>('contact-event-processor', variant);
    const firstLog = env.logs.length;

    for (const [index, [e164, typed, country]] of numbers.entries()) {
      const recordId = newContactId();
      expect((await write(flowEvent({ contactId: recordId, callerNumber: e164, parameters: { phoneNumber: typed, country } }))).result).toBe('CREATED');
      expect((await write(flowEvent({ callerNumber: e164, parameters: { phoneNumber: typed, country } }))).result).toBe('EXISTS');
      const callbackContactId = newContactId();
      if (index % 3 === 0) {
        await update(flowEvent({ callerNumber: '+15555550100', parameters: { recordId, transition: 'CANCEL' } }));
        await update(flowEvent({ callerNumber: e164, parameters: { recordId, transition: 'CANCEL' } }));
        // The callback reaches an agent before it is removed: the agent whisper completes it.
        await update(flowEvent({ initiationMethod: 'CALLBACK', callerNumber: e164, attributes: { callbackRecordId: recordId }, parameters: { transition: 'AGENT_HANG_UP' } }));
        await processCtrs(kinesisBatch([inboundCtr(recordId, callbackContactId), { raw: Buffer.from(`{"phone":"${e164}"`).toString('base64') }]));
      } else if (index % 3 === 2) {
        // The id is known, the cancel's StopContact fails and so does the CTR's; the contact event's removes it.
        await processEvent(callbackContactEvent(recordId, callbackContactId));
        env.connect.failWith('server-error');
        try {
          expect(await update(flowEvent({ callerNumber: e164, parameters: { recordId, transition: 'CANCEL' } }))).toMatchObject({ status: 'CANCELLED' });
          await processCtrs(kinesisBatch([inboundCtr(recordId, callbackContactId)]));
        } finally {
          env.connect.failWith('none');
        }
        expect(await processEvent(callbackContactEvent(recordId, callbackContactId))).toEqual({ outcome: 'REMOVED' });
      } else {
        // The id arrives first by contact event (and once more, duplicated), then the whisper connects the customer.
        await processEvent(callbackContactEvent(recordId, callbackContactId));
        await processEvent(callbackContactEvent(recordId, newContactId()));
        await update(flowEvent({ initiationMethod: 'CALLBACK', callerNumber: e164, parameters: { recordId, transition: 'CONNECT' } }));
        await update(flowEvent({ parameters: { recordId, transition: 'AGENT_HANG_UP' } }));
        await processCtrs(kinesisBatch([callbackCtr(recordId, callbackContactId)]));
      }
      // Bad input that carries the number where it does not belong.
      await processEvent({ ...callbackContactEvent(e164, e164), detail: { customerEndpoint: e164, previousContactId: e164 } });
      await update(flowEvent({ callerNumber: e164, parameters: { recordId: e164, transition: e164 } }));
      await update(flowEvent({ callerNumber: e164, parameters: { recordId: `${e164}x`, transition: 'CONNECT' } }));
      await update(flowEvent({ callerNumber: e164, attributes: { callbackRecordId: e164 }, parameters: { transition: 'AGENT_HANG_UP' } }));
      await write(flowEvent({ callerNumber: e164, parameters: { phoneNumber: `${e164}${e164}`, country } }));
      await write(flowEvent({ callerNumber: e164, parameters: { phoneNumber: `call me on ${e164}`, country: e164 } }));
      await write(flowEvent({ callerNumber: e164, parameters: { phoneNumber: `${typed} 99999`, country } }));
    }
    // Failures too: their messages come from the SDK and must be scrubbed as well.
    await env.db.pause();
    try {
      await write(flowEvent({ callerNumber: numbers[0][0], parameters: { phoneNumber: numbers[0][1] } }));
    } finally {
      await env.db.restart();
      await env.recreateTable();
    }

    const lines = env.logs.slice(firstLog);
    expect(lines.length).toBeGreaterThan(40);
    // Contact ids are UUIDs, not personal data; their hex groups often hold long digit runs.
    const text = lines.join('\n').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<contact id>');
    for (const [e164, typed] of numbers) {
      expect(text).not.toContain(e164);
      expect(text).not.toContain(e164.slice(1));
      expect(text).not.toContain(typed);
      expect(text).not.toContain(e164.slice(-7));
    }
    expect(text).not.toMatch(/\d{7,}/);
    expect(text).not.toMatch(/\+\d{6,}/);
    // No E.164 number in any form, unmasked: + and 7 to 15 digits, possibly grouped.
    expect(text).not.toMatch(/\+[1-9](?:[\s().-]?\d){6,14}/);
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
      const entry = JSON.parse(line);
      expect(entry).toEqual(expect.objectContaining({ level: expect.any(String), component: expect.any(String), message: expect.any(String) }));
    }
    // Masked numbers keep their last two digits, so an operator can still tell callbacks apart.
    const [firstNumber] = numbers[0];
    expect(text).toContain(`"+${'*'.repeat(firstNumber.length - 3)}${firstNumber.slice(-2)}"`);
  });
});

describe('the log scrubber', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { scrub, maskPhone } = require('../../lambda-src/shared/log') as typeof import('../../lambda-src/shared/log');

  test.each([
    ['call +44 20 7946 0958 now', 'call +**********58 now'],
    ['(202) 555-0143', '(********43'],
    ['digits 4155550100 here', 'digits ********00 here'],
    ['0412.345.678', '********78'],
  ])('masks %s', (input, expected) => {
    expect(scrub(input)).toBe(expected);
  });

  test.each([
    '2026-11-24T18:45:45.235Z',
    'a1b2c3d4-1234-4567-8901-234567890123',
    'short 123456 and 12-34',
  ])('keeps %s', (input) => {
    expect(scrub(input)).toBe(input);
  });

  test('maskPhone keeps the last two digits only', () => {
    expect(maskPhone('+442079460958')).toBe('+**********58');
    expect(maskPhone('7')).toBe('*');
    expect(maskPhone(undefined)).toBeUndefined();
  });
});
