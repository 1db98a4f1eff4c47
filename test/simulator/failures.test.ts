/**
 * Scenarios 5-7 of the offline contact-center simulator: DynamoDB unavailable, a Lambda timeout at each
 * invocation point of the three flows, and invalid and international numbers.
 */
import { heard, recordOf, useDynamoDb } from './support';
import { INVOCATION_POINTS, dynamoDbUnavailable, invalidAndInternationalNumbers, lambdaTimeout } from '../../src/simulator/scenarios';

const db = useDynamoDb();
const CONFIRMATION = /We will call you back|has been cancelled/;

test('5 DynamoDB unavailable during set-callback: no confirmation, no record, no callback queued', async () => {
  const run = await dynamoDbUnavailable({ dynamoDbEndpoint: db.endpoint });
  expect(heard(run, 0)).not.toMatch(CONFIRMATION);
  expect(heard(run, 0)).toMatch(/could not book your callback/);
  expect(run.calls[0].path).not.toContain('create-callback');
  expect(run.calls[0].ended).toBe('TRANSFERRED');
  expect(run.records).toEqual([]);
  expect(run.pointers).toEqual([]);
  expect(run.queuedCallbacks).toEqual([]);
});

describe('6 a Lambda timeout at each invocation point takes the error branch and never confirms falsely', () => {
  test.each(INVOCATION_POINTS)('%s', async (point) => {
    const run = await lambdaTimeout({ dynamoDbEndpoint: db.endpoint }, point);
    const [flow, actionId] = point.split('/');
    expect(run.transcript).toMatch(new RegExp(`\\(${flow}\\) -> TIMEOUT`));
    switch (point) {
      case 'set-callback/book-caller-number':
      case 'set-callback/book-entered-number':
        expect(heard(run, 0)).not.toMatch(CONFIRMATION);
        expect(heard(run, 0)).toMatch(/could not book your callback/);
        expect(run.queuedCallbacks).toEqual([]);
        // The write committed after Connect gave up on it; the error branch released it, so the number is free.
        expect(run.records.filter((record) => record.status === 'PENDING')).toEqual([]);
        expect(run.pointers).toEqual([]);
        break;
      case 'set-callback/undo-booking':
        expect(run.calls[0].path).toEqual(expect.arrayContaining(['create-callback', actionId, 'say-booking-failed']));
        expect(heard(run, 0)).not.toMatch(CONFIRMATION);
        expect(run.queuedCallbacks).toEqual([]);
        // The slow undo still released the record: the number can book again.
        expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'RELEASED' });
        expect(run.pointers).toEqual([]);
        break;
      case 'set-callback/cancel-callback':
        expect(heard(run, 1)).not.toMatch(CONFIRMATION);
        expect(heard(run, 1)).toMatch(/could not cancel your callback/);
        break;
      case 'agent-whisper/complete-if-cancelled':
        expect(run.transcript).toMatch(/Its status could not be checked, so the customer is being dialled/);
        expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED' });
        break;
      case 'outbound-whisper/mark-connected':
        expect(run.transcript).toMatch(/"Hello, an agent will be with you now."/);
        expect(run.transcript).not.toMatch(/this is the callback you asked for/);
        break;
    }
  });
});

test('7 invalid and international numbers', async () => {
  const run = await invalidAndInternationalNumbers({ dynamoDbEndpoint: db.endpoint });
  // Two invalid entries: Connect's own validation rejects them; no Lambda is called and nothing is booked.
  expect(run.calls[0].path).toEqual(expect.arrayContaining(['enter-number', 'enter-number-again', 'say-invalid-number']));
  expect(run.calls[0].lambdaInvocations).toBe(0);
  // A withheld caller id cannot be called back: the caller is asked for a number, which is then booked.
  expect(run.calls[1].path).toEqual(expect.arrayContaining(['book-caller-number', 'enter-number', 'book-entered-number', 'create-callback']));
  expect(recordOf(run, 'call#2')).toMatchObject({ status: 'PENDING', phoneE164: '+13125550133' });
  // A UK caller is booked on their own number, in E.164.
  expect(recordOf(run, 'call#3')).toMatchObject({ status: 'PENDING', phoneE164: '+442079460123', country: 'GB' });
  expect(heard(run, 2)).toMatch(/We will call you back on 020 7946 0123/);
  expect(run.queuedCallbacks).toEqual(['callback#1', 'callback#2']);
  expect(run.records).toHaveLength(2);
});
