/**
 * The admission policy on the simulated instance: a full queue and a number over its daily limit, with the sample
 * stack's policy, and what the same callers meet without one.
 */
import { heard, useDynamoDb } from './support';
import { promptsWithDefaults } from '../../src/prompts';
import { CALLER_A, dailyLimitInQueue, dailyLimitReached, fullQueueRefused, type ScenarioOptions } from '../../src/simulator/scenarios';

const db = useDynamoDb();
const options = (): ScenarioOptions => ({ dynamoDbEndpoint: db.endpoint });
const english = promptsWithDefaults(undefined);

test('AP1: a new caller to a full queue is refused before anything is written; a booked caller still finds, and cancels, theirs', async () => {
  const run = await fullQueueRefused(options());
  // Two callbacks fill the queue; the third caller hears the capacity prompt and nothing of theirs is booked.
  expect(run.calls.slice(0, 2).every((call) => call.heard.some((text) => /call you back/i.test(text)))).toBe(true);
  expect(heard(run, 2)).toContain(english.atCapacity.value);
  expect(run.records.filter((record) => record.phoneE164 === CALLER_A)).toEqual([]);
  expect(run.calls[2].lambdaInvocations).toBe(1);
  // The first caller calls again while the queue is still full: EXISTS, the cancel offer, and the cancel.
  expect(heard(run, 3)).not.toContain(english.atCapacity.value);
  expect(run.records.find((record) => record.label === run.calls[0].label)).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
  expect(run.transcript).not.toMatch(/no callback for .*: the queue is at capacity/);
}, 120_000);

test('AP2: a number that used up its daily bookings is put through to an agent instead', async () => {
  const run = await dailyLimitReached(options());
  const last = run.calls[run.calls.length - 1];
  expect(last.heard).toContain(english.limitReached.value);
  expect(last.ended).toBe('TRANSFERRED');
  expect(run.records.filter((record) => record.phoneE164 === CALLER_A).map((record) => `${record.status}/${record.resolution}`))
    .toEqual(['COMPLETED/REMOVED_BY_API', 'COMPLETED/REMOVED_BY_API']);
  expect(run.transcript).toMatch(/alice.*(talks|connected)/i);
}, 120_000);

test('AP3: in the queue, a number at its daily limit is told once, keeps its place, and is not offered again', async () => {
  const run = await dailyLimitInQueue(options());
  const waiting = run.calls[run.calls.length - 1].heard;
  expect(waiting.filter((text) => text === english.queueOffer.value)).toHaveLength(1);
  expect(waiting.filter((text) => text === english.queueLimitReached.value)).toHaveLength(1);
  expect(run.offered).toContain(run.calls[run.calls.length - 1].label);
  expect(run.records.filter((record) => record.phoneE164 === CALLER_A)).toHaveLength(2);
}, 120_000);
