/**
 * The closing-time rules on the simulated instance, with hours of operation in New York (weekdays 09:00 to 17:00) and
 * the functions on the simulated clock: H1 ten minutes before closing, H2 after closing with deferral.
 */
import { heard, useDynamoDb } from './support';
import { promptsWithDefaults } from '../../src/prompts';
import { CALLER_A, bookingBeforeClosing, bookingDeferredToOpening, type ScenarioOptions } from '../../src/simulator/scenarios';

const db = useDynamoDb();
const options = (): ScenarioOptions => ({ dynamoDbEndpoint: db.endpoint });
const english = promptsWithDefaults(undefined);

test('H1: ten minutes before closing nothing is booked; the caller is told, waits in the queue, and an agent takes the call', async () => {
  const run = await bookingBeforeClosing(options());
  expect(run.notes[0]).toMatch(/^the caller calls at Mon 16:50/);
  expect(heard(run, 0)).toContain(english.closingSoon.value);
  expect(run.calls[0]).toMatchObject({ lambdaInvocations: 1, ended: 'TRANSFERRED' });
  expect(run.records.filter((record) => record.phoneE164 === CALLER_A)).toEqual([]);
  expect(run.transcript).toMatch(/GetEffectiveHoursOfOperations 2026-05-30 to 2026-06-06 \(America\/New_York\)/);
  expect(run.offered).toEqual([run.calls[0].label]);
}, 120_000);

test('H2: after closing the callback is booked for the next opening; the agent available all night is offered it only then', async () => {
  const run = await bookingDeferredToOpening(options());
  expect(run.notes[0]).toMatch(/^the caller calls at Mon 18:00/);
  expect(run.calls[0].heard.some((text) => text.startsWith('We are closed now. We will call you back on'))).toBe(true);
  expect(run.calls[0].lambdaInvocations).toBe(1);
  // 12 h and 14 h land before 09:00; 16 h is the smallest that lands in Tuesday's opening.
  expect(run.transcript).toMatch(/routable in 57600s/);
  expect(run.notes.slice(1)).toEqual([expect.stringMatching(/^alice is offered .* at Tue 10:0\d$/)]);
  const record = run.records.find((r) => r.phoneE164 === CALLER_A);
  expect(record).toMatchObject({ status: 'COMPLETED' });
}, 120_000);
