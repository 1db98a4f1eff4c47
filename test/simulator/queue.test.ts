/**
 * Scenarios 14-19: the callback offer made to callers waiting in a queue (the customer queue flow), the wait threshold
 * of both flows, and the Spanish prompt set end to end, on the construct's synthesized flows and the shipped handlers.
 */
import { heard, recordOf, useDynamoDb } from './support';
import {
  queueBookingUndone, queueOfferAccepted, queueOfferDeclined, queueOfferWithPendingCallback, shortWaitStaysInQueue, spanishCaller,
} from '../../src/simulator/scenarios';

const db = useDynamoDb();

test('14 a caller waiting in the queue is offered a callback after the interval, accepts, is disconnected only once it exists, and is called back', async () => {
  const run = await queueOfferAccepted({ dynamoDbEndpoint: db.endpoint });
  expect(run.queueFlowErrors).toEqual([]);
  expect(heard(run, 0)).toMatch(/^Thank you for waiting\. .* \| To hang up and be called back .*press 1\. .* \| Thank you\. We will call you back on \(312\) 555-0100/);
  // The offer comes at the interval, not before; the hang-up after the callback exists.
  expect(run.transcript).toMatch(/\[ +60\.0s\] +customer-queue +hold \[MessageParticipantIteratively\] interrupted after 60s/);
  expect(run.transcript.indexOf('callback#1 created for call#1')).toBeLessThan(run.transcript.indexOf('customer-queue         disconnect'));
  expect(run.transcript).toMatch(/call#1 +ends \(CONTACT_FLOW_DISCONNECT\)/);
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED', phoneE164: '+13125550100' });
  expect(run.offered).toEqual(['callback#1']);
  // One Lambda call for the caller's one decision.
  expect(run.lambdaCounts['customer-queue']).toBe(1);
  expect(run.dials).toEqual({ 'call#1': 1 });
});

test('15 without a wait estimate the offer is still made; the caller declines, stays in the queue and reaches an agent', async () => {
  const run = await queueOfferDeclined({ dynamoDbEndpoint: db.endpoint });
  expect(run.transcript).toMatch(/get-queue-wait \[GetMetricData\] no estimated wait returned/);
  expect(run.transcript).toMatch(/caller call#1 +presses 2/);
  expect(run.transcript).toMatch(/call#1 stays in the queue; its customer queue flow starts again/);
  expect(run.records).toEqual([]);
  expect(run.lambdaCounts).toEqual({});
  expect(run.offered).toEqual(['call#1']);
  expect(run.transcript).toMatch(/agent alice +talks with \+13125550100/);
});

test('16 a caller whose number has a pending callback is told so in the queue and stays: still one callback, one record', async () => {
  const run = await queueOfferWithPendingCallback({ dynamoDbEndpoint: db.endpoint });
  expect(heard(run, 1)).toMatch(/You already asked for a callback at \d{1,2}:\d{2} [AP]M and it is still waiting/);
  expect(run.transcript).toMatch(/write-callback \(customer-queue\) -> result=EXISTS status=PENDING/);
  expect(run.records).toHaveLength(1);
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED' });
  expect(run.transcript.match(/callback#\d created for/g)).toEqual(['callback#1 created for']);
  expect(run.offered).toEqual(['callback#1', 'call#2']);
  expect(run.transcript).toMatch(/agent bob +talks with \+13125550100/);
});

test('17 with a short estimated wait the set-callback flow offers the queue, and the customer queue flow makes no offer', async () => {
  const run = await shortWaitStaysInQueue({ dynamoDbEndpoint: db.endpoint });
  expect(heard(run, 0)).toMatch(/^The wait for an agent is short right now\./);
  expect(run.calls[0].path).toEqual(expect.arrayContaining(['get-queue-wait', 'check-queue-wait', 'offer-queue', 'set-customer-queue-flow', 'transfer-to-queue']));
  expect(run.calls[0].path).not.toContain('choose-number');
  expect(run.transcript).toMatch(/check-queue-wait \[Compare\] \$\.Metrics\.Queue\.EstimatedWaitTime = "30"\n.*customer-queue +end \[EndFlowExecution\]/);
  expect(run.transcript).not.toMatch(/offer-callback/);
  expect(run.lambdaCounts).toEqual({});
  expect(run.records).toEqual([]);
  expect(run.transcript).toMatch(/agent alice +talks with \+13125550100/);
});

test('18 a failed in-queue booking is released and its hooks handed back; at the next offer the same contact books again', async () => {
  const run = await queueBookingUndone({ dynamoDbEndpoint: db.endpoint });
  expect(run.transcript).toMatch(/create-callback \[CreateCallbackContact\] injected NoMatchingError/);
  expect(run.transcript).toMatch(/update-callback \(customer-queue\) -> result=APPLIED status=COMPLETED resolution=RELEASED/);
  expect(run.transcript).toMatch(/forget-callback-record \[UpdateContactAttributes\] callbackRecordId=, callbackBooked=/);
  expect(heard(run, 0)).toMatch(/Sorry, we could not book your callback\. Please stay on the line/);
  expect(run.transcript).toMatch(/call#1: COMPLETED\(RELEASED\) -> PENDING/);
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED' });
  expect(run.lambdaCounts['customer-queue']).toBe(3);
  expect(run.dials).toEqual({ 'call#1': 1 });
});

test('19 the Spanish prompt set end to end: what the callers, the agent and the called-back customer hear, and the time in es-US', async () => {
  const run = await spanishCaller({ dynamoDbEndpoint: db.endpoint });
  expect(run.transcript).toMatch(/set-voice \[UpdateContactTextToSpeechVoice\] voice Lupe \(Neural\)/);
  expect(heard(run, 0)).toMatch(/^Para que le devolvamos la llamada .* \| Gracias\. Le devolveremos la llamada al \(312\) 555-0100 en cuanto/);
  expect(heard(run, 1)).toMatch(/Hora de la solicitud: \d{1,2}:\d{2} [ap]\.m\. \. Para cancelarla, oprima 1\./);
  expect(heard(run, 1)).toMatch(/Su llamada de regreso sigue programada\. Adiós\.$/);
  expect(run.transcript).toMatch(/IVR -> agent alice +"Llamada de regreso\. Se está marcando al cliente al \(312\) 555-0100"/);
  expect(run.transcript).toMatch(/IVR -> customer callback#1 "Hola, esta es la llamada de regreso que usted pidió/);
  expect(run.transcript).not.toMatch(/"(Thank you|Hello|Callback)\b/);
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED' });
});
