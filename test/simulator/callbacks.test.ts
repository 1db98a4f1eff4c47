/**
 * Scenarios 1-4 and 8 of the offline contact-center simulator: the construct's synthesized flows and the
 * shipped handler bundles, end to end, against DynamoDB Local, on a simulated clock.
 */
import { heard, recordOf, useDynamoDb } from './support';
import {
  cancelAfterIdKnown, cancelAgentHangsUp, cancelBeforeIdKnown, crossedCancels, duplicateKept, newCallbackConnected,
} from '../../src/simulator/scenarios';

const db = useDynamoDb();

test('1 a new caller books a callback; the agent accepts; the customer is dialled and connected', async () => {
  const run = await newCallbackConnected({ dynamoDbEndpoint: db.endpoint });
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED', phoneE164: '+13125550100' });
  expect(heard(run, 0)).toMatch(/We will call you back on \(312\) 555-0100/);
  expect(run.offered).toEqual(['callback#1']);
  expect(run.transcript).toMatch(/IVR -> customer callback#1 +"Hello, this is the callback you asked for/);
  expect(run.transcript).not.toMatch(/hangs up/);
  expect(run.lambdaCounts).toEqual({ 'set-callback': 1, 'contact event': 1, 'agent-whisper': 1, 'outbound-whisper': 1, 'CTR': 2 });
  expect(run.pointers).toEqual([]);
});

test('2 the same caller calls again while pending, keeps it, and exactly one callback is queued', async () => {
  const run = await duplicateKept({ dynamoDbEndpoint: db.endpoint });
  expect(run.calls[1].path).toContain('offer-cancel');
  expect(run.calls[1].path).not.toContain('create-callback');
  expect(heard(run, 1)).toMatch(/stays booked/);
  expect(run.queuedCallbacks).toEqual(['callback#1']);
  expect(run.records).toHaveLength(1);
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'PENDING' });
  expect(run.lambdaCounts['set-callback']).toBe(2);
});

describe.each([true, false])('3 cancel before the callback id is known (contact events %s)', (contactEvents) => {
  test('CANCELLED, then the processor that learns the id stops it; the queue is empty and no agent is offered it', async () => {
    const run = await cancelBeforeIdKnown({ dynamoDbEndpoint: db.endpoint, contactEvents });
    expect(heard(run, 1)).toMatch(/has been cancelled/);
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
    expect(run.queuedCallbacks).toEqual([]);
    expect(run.offered).toEqual([]);
    // The cancel itself could not stop it (no id yet): the removal came from the contact event or the CTR.
    expect(run.transcript).toMatch(contactEvents ? /contact-event-processor \(contact event\) -> outcome=REMOVED/ : /ctr-processor \(CTR\)/);
    const seconds = run.cancelToRemoval['call#1']!;
    if (contactEvents) expect(seconds).toBeLessThanOrEqual(2);
    else expect(seconds).toBeGreaterThanOrEqual(55);
  });
});

test('3b a cancelled callback reaches an agent before its id is known: its whisper completes it and stops it (HUNG_UP_BY_AGENT)', async () => {
  const run = await cancelAgentHangsUp({ dynamoDbEndpoint: db.endpoint });
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'HUNG_UP_BY_AGENT' });
  expect(run.offered).toEqual(['callback#1']);
  expect(run.stopContacts).toEqual(['callback#1: ended (agent whisper)']);
  expect(run.transcript).toMatch(/agent alice +callback#1 ended during its agent whisper/);
  expect(run.dials).toEqual({});
});

describe.each([true, false])('4 cancel after the callback id is known (contact events %s)', (contactEvents) => {
  test('the cancel removes it with StopContact at once: REMOVED_BY_API', async () => {
    const run = await cancelAfterIdKnown({ dynamoDbEndpoint: db.endpoint, contactEvents });
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
    expect(run.transcript).toMatch(/update-callback \(set-callback\) -> result=APPLIED status=COMPLETED resolution=REMOVED_BY_API removedFromQueue=true/);
    expect(run.cancelToRemoval['call#1']).toBe(0);
    expect(run.queuedCallbacks).toEqual([]);
    expect(run.offered).toEqual([]);
    // The flow passes what the booking attempt's reply said (the number, the callback id a processor copied to the
    // number's active pointer): the cancel reads nothing, and sends three requests in all.
    const cancel = run.invocations.filter((invocation) => invocation.source === 'set-callback' && invocation.handler === 'update-callback');
    expect(cancel.map(({ dynamoDbRequests, stopContacts }) => ({ dynamoDbRequests, stopContacts })))
      .toEqual([{ dynamoDbRequests: ['TransactWriteItems', 'UpdateItem'], stopContacts: 1 }]);
  });
});

describe.each([true, false])('8 two callers in the same queue cancel in crossed order (contact events %s)', (contactEvents) => {
  test('each cancel removes its own callback only; both end REMOVED_BY_API and no agent is offered either', async () => {
    const run = await crossedCancels({ dynamoDbEndpoint: db.endpoint, contactEvents });
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', phoneE164: '+13125550100' });
    expect(recordOf(run, 'call#2')).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', phoneE164: '+13125550111' });
    expect(run.transcript).toMatch(/StopContact callback#1: removed/);
    expect(run.transcript).toMatch(/StopContact callback#2: removed/);
    expect(run.queuedCallbacks).toEqual([]);
    expect(run.offered).toEqual([]);
    expect(run.pointers).toEqual([]);
  });
});
