/**
 * Scenarios 9-13: the defects a model silent about transfers, outbound calls, retries and agent whispers would hide,
 * each run end to end on the construct's synthesized flows and the shipped handler bundles.
 */
import { heard, recordOf, useDynamoDb } from './support';
import {
  agentDialsOut, cancelledCallbackReachesAgent, failedBookingTransferred, failedBookingTransferredOn, unansweredCallback,
} from '../../src/simulator/scenarios';

const db = useDynamoDb();

test('9 a caller whose booking failed reaches an agent as a live caller: the agent is never told to hang up', async () => {
  const run = await failedBookingTransferred({ dynamoDbEndpoint: db.endpoint });
  expect(heard(run, 0)).toMatch(/could not book your callback/);
  expect(run.offered).toEqual(['call#1']);
  expect(run.transcript).not.toMatch(/hang up/i);
  expect(run.hungUpOnCallers).toEqual([]);
  expect(run.transcript).toMatch(/agent alice +talks with \+13125550100/);
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'RELEASED' });
  expect(run.pointers).toEqual([]);
});

test('10 ...and is transferred on by the agent: no callback id is learned from the transfer, nothing is stopped or dead-lettered', async () => {
  const run = await failedBookingTransferredOn({ dynamoDbEndpoint: db.endpoint });
  expect(run.transcript).toMatch(/transfers call#1 to another queue \(transfer#1\)/);
  const record = recordOf(run, 'call#1');
  expect(record).toMatchObject({ status: 'COMPLETED', resolution: 'RELEASED' });
  expect(record.callbackContactId).toBeUndefined();
  expect(run.stopContacts).toEqual([]);
  expect(run.deadLetters).toEqual([]);
});

test('11 an agent\'s own outbound call on the queue passes the outbound whisper silently, with no Lambda call', async () => {
  const run = await agentDialsOut({ dynamoDbEndpoint: db.endpoint });
  expect(run.calls[0].lambdaInvocations).toBe(0);
  expect(run.calls[0].heard).toEqual([]);
  expect(run.lambdaCounts['outbound-whisper']).toBeUndefined();
  expect(run.transcript).toMatch(/agent alice +talks with \+13125550111/);
});

test('12 an unanswered callback is dialled once (retries = 0), and its record ends so the number may book again', async () => {
  const run = await unansweredCallback({ dynamoDbEndpoint: db.endpoint });
  expect(run.dials).toEqual({ 'call#1': 1 });
  expect(run.transcript).toMatch(/0 retries if unanswered/);
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'ENDED' });
  expect(run.pointers).toEqual([]);
});

describe.each(['END_CONTACT', 'REFUSED'] as const)('13 a cancelled callback reaches an agent (StopContact during its agent whisper: %s)', (mode) => {
  test('the customer\'s phone never rings, and the record ends HUNG_UP_BY_AGENT', async () => {
    const run = await cancelledCallbackReachesAgent({ dynamoDbEndpoint: db.endpoint, stopContactDuringAgentWhisper: mode });
    expect(heard(run, 1)).toMatch(/has been cancelled/);
    expect(run.offered).toEqual(['callback#1']);
    expect(run.rangAfterCancel).toEqual({ 'call#1': 0 });
    expect(run.dials).toEqual({});
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'HUNG_UP_BY_AGENT' });
    expect(run.stopContacts).toEqual([mode === 'END_CONTACT' ? 'callback#1: ended (agent whisper)' : expect.stringMatching(/^callback#1: InvalidRequestException/)]);
  });
});
