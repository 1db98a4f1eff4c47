/**
 * Scenario 14 of the offline contact-center simulator: the contact event of a callback and its own CTR are both lost,
 * and the reconciler (its scheduled run, DescribeContact on the simulated instance) repairs the record.
 */
import { heard, recordOf, useDynamoDb } from './support';
import { CALLER_A, lostEventsRepairedByReconciler } from '../../src/simulator/scenarios';

const db = useDynamoDb();

test('20 a contact event and a CTR are both lost: the reconciler completes the record and the number can book again', async () => {
  const run = await lostEventsRepairedByReconciler({ dynamoDbEndpoint: db.endpoint });
  expect(run.transcript).toMatch(/the contact event INITIATED\/CALLBACK for callback#1 is lost/);
  expect(run.transcript).toMatch(/the CTR of callback#1 is lost/);
  // Until the reconciler runs, the callback that Connect finished with still holds the number.
  expect(heard(run, 1)).toMatch(/You already asked for a callback/);
  expect(run.notes).toContain('before the reconciler: the caller is told a callback is already booked');
  // The scheduled run: DescribeContact says the callback ended, and the record is completed by the reconciler.
  expect(run.transcript).toMatch(/the reconciler's schedule fires[\s\S]*DescribeContact callback#1: ended \d+s ago \(CUSTOMER_NOT_ANSWERED\)[\s\S]*reconciler \(schedule\) -> open=1 lookups=1 repaired: ENDED 1[\s\S]*record\s+call#1: PENDING -> COMPLETED\(ENDED\)/);
  expect(recordOf(run, 'call#1')).toMatchObject({ status: 'COMPLETED', resolution: 'ENDED' });
  expect(recordOf(run, 'call#1').openQueueArn).toBeUndefined();
  // And the caller books again.
  expect(recordOf(run, 'call#3')).toMatchObject({ phoneE164: CALLER_A });
  expect(run.transcript).toMatch(/record\s+call#3: created PENDING/);
  expect(heard(run, 2)).toMatch(/We will call you back/);
  // Four runs, 10 minutes apart: the first three leave the record alone (not yet 30 minutes old).
  expect(run.lambdaCounts.schedule).toBe(4);
  expect(run.transcript).toMatch(/reconciler \(schedule\) -> open=1 lookups=0 repaired: none/);
});
