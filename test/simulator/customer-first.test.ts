/**
 * The simulator's scenarios in customer-first mode: the construct's synthesized flows (set-callback with the exported
 * parameters, the creation flow, the outbound callback flow and its agent whisper) and the shipped handler bundles, end
 * to end across the three contacts of each callback. The goal: no customer is dialled after a cancel stored before the
 * dial began, and a cancel that races a dial already placed ends in a stated outcome.
 */
import { recordOf, useDynamoDb } from './support';
import {
  type ScenarioOptions, type ScenarioRun, cancelAfterIdKnown, cancelBeforeIdKnown, cancelRacesDial, crossedCancels, duplicateKept,
  newCallbackConnected, queueOfferInCustomerFirstMode, unansweredDial, voicemailDial,
} from '../../src/simulator/scenarios';

const db = useDynamoDb();
const customerFirst = (options: Partial<ScenarioOptions> = {}): ScenarioOptions => ({ dynamoDbEndpoint: db.endpoint, callbackMode: 'CUSTOMER_FIRST', ...options });

/** The goal, checked on every run: a dial that began after the cancel never happens. */
function neverDialledAfterCancel(run: ScenarioRun): void {
  for (const [label, times] of Object.entries(run.rangAfterCancel)) expect({ label, times }).toEqual({ label, times: 0 });
}

test('1 booking then connection: C2 is queued by its creation flow, C3 dials, the customer answers and is queued for the agent', async () => {
  const run = await newCallbackConnected(customerFirst());
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED', callbackMode: 'CUSTOMER_FIRST' });
  expect(run.legs).toEqual({ 'call#1': ['queued#1', 'dialled#1'] });
  const record = recordOf(run, 'call#1');
  expect(record.callbackContactId).toBeDefined();
  expect(record.dialledContactId).toBeDefined();
  // The agent is offered the dialled leg with the customer on the line, and hears the customer-first whisper only.
  expect(run.offered).toEqual(['dialled#1']);
  expect(run.transcript).toMatch(/IVR -> agent alice +"Callback\. The customer is on the line\."/);
  expect(run.transcript).toMatch(/IVR -> customer dialled#1 "Hello, this is the callback you asked for\. Please hold for the next agent\."/);
  expect(run.transcript).not.toMatch(/hangs up|IVR -> agent alice +"[^"]*hang up/i);
  expect(run.lambdaCounts).toMatchObject({ 'set-callback': 1, 'callback-creation': 1, 'outbound-callback': 1 });
  expect(run.lambdaCounts['agent-whisper']).toBeUndefined();
  expect(run.dials).toEqual({ 'call#1': 1 });
  expect(run.pointers).toEqual([]);
});

test('2 a duplicate keeps the one queued leg', async () => {
  const run = await duplicateKept(customerFirst());
  expect(run.calls[1].path).not.toContain('create-callback');
  expect(run.queuedCallbacks).toEqual(['queued#1']);
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'PENDING' });
});

describe.each([true, false])('3 cancel before the id is known (contact events %s)', (contactEvents) => {
  test('the queued leg is stopped before it can be dialled: by its contact event, or by its creation flow\'s check', async () => {
    const run = await cancelBeforeIdKnown(customerFirst({ contactEvents }));
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
    expect(run.dials).toEqual({});
    neverDialledAfterCancel(run);
    expect(run.stopContacts).toEqual([contactEvents ? 'queued#1: ended (initial delay)' : 'queued#1: ended (ivr)']);
    if (contactEvents) {
      expect(run.transcript).toMatch(/contact-event-processor \(contact event\) -> outcome=REMOVED/);
      expect(run.cancelToRemoval['call#1']).toBeLessThanOrEqual(2);
    } else {
      // No event, and the inbound CTR comes a minute later: the creation flow, after the 10 s delay, stops it.
      expect(run.transcript).toMatch(/update-callback \(callback-creation\) -> result=APPLIED status=COMPLETED resolution=REMOVED_BY_API/);
      expect(run.cancelToRemoval['call#1']).toBeLessThanOrEqual(10);
    }
  });
});

test('3 ...with the initial delay ignored because of the creation flow (the reference\'s reading): still never dialled', async () => {
  const run = await cancelBeforeIdKnown(customerFirst({ initialDelayWithCreationFlow: 'IGNORED' }));
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
  expect(run.stopContacts).toEqual(['queued#1: removed from the queue']);
  expect(run.dials).toEqual({});
});

describe.each([true, false])('4 cancel after the id is known (contact events %s)', (contactEvents) => {
  test('the cancel itself stops the queued leg', async () => {
    const run = await cancelAfterIdKnown(customerFirst({ contactEvents }));
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API' });
    expect(run.cancelToRemoval['call#1']).toBe(0);
    expect(run.dials).toEqual({});
  });
});

describe.each([true, false])('8 crossed cancels (contact events %s)', (contactEvents) => {
  test('each cancel stops its own queued leg; neither customer is dialled', async () => {
    const run = await crossedCancels(customerFirst({ contactEvents }));
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', phoneE164: '+13125550100' });
    expect(recordOf(run, 'call#2')).toMatchObject({ status: 'COMPLETED', resolution: 'REMOVED_BY_API', phoneE164: '+13125550111' });
    expect(run.stopContacts.sort()).toEqual([expect.stringMatching(/^queued#1: ended/), expect.stringMatching(/^queued#2: ended/)]);
    expect(run.dials).toEqual({});
    expect(run.pointers).toEqual([]);
  });
});

describe.each([true, false])('CF1 an unanswered dial (contact events %s)', (contactEvents) => {
  test('ends the record NOT_ANSWERED, once, and frees the number; the outbound callback flow never runs', async () => {
    const run = await unansweredDial({ dynamoDbEndpoint: db.endpoint, contactEvents });
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'NOT_ANSWERED' });
    expect(run.dials).toEqual({ 'call#1': 1 });
    expect(run.lambdaCounts['outbound-callback']).toBeUndefined();
    expect(run.transcript).toMatch(contactEvents ? /contact-event-processor \(contact event\) -> outcome=COMPLETED/ : /CTR of dialled#1 delivered/);
    expect(run.pointers).toEqual([]);
  });
});

test('CF2 a voicemail ends the record VOICEMAIL, and the customer is not dialled again', async () => {
  const run = await voicemailDial({ dynamoDbEndpoint: db.endpoint });
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'VOICEMAIL' });
  expect(run.dials).toEqual({ 'call#1': 1 });
  expect(run.offered).toEqual([]);
  expect(run.transcript).toMatch(/check-call-progress \[CheckOutboundCallStatus\] VoicemailBeep/);
});

describe('CF3 a cancel one second after the dial began', () => {
  test('StopContact ends the ringing call: DIAL_STOPPED, a second of ringing after the cancel', async () => {
    const run = await cancelRacesDial({ dynamoDbEndpoint: db.endpoint, stopContactDuringDial: 'END_CONTACT' });
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'DIAL_STOPPED' });
    // The queued leg was already out of the queue; its dialled leg is stopped the moment its id comes.
    expect(run.stopContacts).toEqual(['queued#1: ContactNotFoundException', 'dialled#1: ended (dialling)']);
    expect(run.transcript).toMatch(/call#1: CANCELLED -> COMPLETED\(DIAL_STOPPED\)/);
    neverDialledAfterCancel(run);
    expect(run.ringingAfterCancel['call#1']).toBeLessThanOrEqual(2);
    expect(run.offered).toEqual([]);
  });

  test('StopContact refused while it rings: STOP_REFUSED, and the customer who answers is told it was cancelled, never queued', async () => {
    const run = await cancelRacesDial({ dynamoDbEndpoint: db.endpoint, stopContactDuringDial: 'REFUSED' });
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'STOP_REFUSED' });
    expect(run.transcript).toMatch(/IVR -> customer dialled#1 "Hello\. This is about the callback you asked for\. It was cancelled/);
    expect(run.offered).toEqual([]);
    neverDialledAfterCancel(run);
    expect(run.cancelToRemoval['call#1']).toBeGreaterThan(run.ringingAfterCancel['call#1']);
  });

  test('without contact events C3\'s id comes only with C2\'s CTR: the answering customer is told, CANCELLED_ON_ANSWER', async () => {
    const run = await cancelRacesDial({ dynamoDbEndpoint: db.endpoint, contactEvents: false });
    expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'CANCELLED_ON_ANSWER' });
    expect(run.transcript).toMatch(/update-callback \(outbound-callback\) -> result=APPLIED status=COMPLETED resolution=CANCELLED_ON_ANSWER/);
    expect(run.offered).toEqual([]);
    neverDialledAfterCancel(run);
  });
});

test('CF4 a callback booked in the queue: its legs wait in the queue too, and only the caller is ever offered a callback', async () => {
  const run = await queueOfferInCustomerFirstMode(customerFirst());
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED', callbackMode: 'CUSTOMER_FIRST' });
  expect(run.legs).toEqual({ 'call#1': ['queued#1', 'dialled#1'] });
  // The legs ran the customer queue flow (its hook came with the caller's contact) and were held without the offer.
  expect(run.transcript).toMatch(/customer-queue +check-booked \[Compare\] \$\.Attributes\.callbackBooked = "true"/);
  expect(run.transcript).toMatch(/IVR -> caller call#1 +"To hang up and be called back/);
  expect(run.transcript).not.toMatch(/IVR -> caller (queued|dialled)#\d+ +"To hang up and be called back/);
  expect(run.lambdaCounts['customer-queue']).toBe(1);
  expect(run.dials).toEqual({ 'call#1': 1 });
});

