/**
 * Cancel (caller) and CONNECT (outbound whisper) racing on the same record: exactly one may win,
 * and the table must never hold a lost update or a partial item.
 */
import { OPEN_RECORD_TTL_SECONDS } from '../../lambda-src/shared/contract';
import { createCallbackTable, scanTable } from '../support/dynamodb-server';
import { COMPLETED_TTL_SECONDS, useTestEnvironment } from '../support/environment';
import { callbackContactCall, flowEvent, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';
import { inPool } from '../support/pool';

const env = useTestEnvironment();
const PAIRS = 200;
/**
 * Pairs in flight at once. Each pair's two requests race on their record; the bound only keeps the
 * load on DynamoDB Local (a JVM sharing two cores with the other jest worker) low enough that no
 * request nears the handlers' 1 s request timeout.
 */
const PAIRS_IN_FLIGHT = 5;

const RECORD_ATTRIBUTES = ['pk', 'recordType', 'recordId', 'status', 'phoneE164', 'phoneNational', 'country', 'queueArn', 'inboundContactId', 'createdAt', 'expiresAt'];

describe.each(VARIANTS)('racing cancel and connect (%s)', (variant) => {
  test(`${PAIRS} parallel cancel-vs-connect pairs each have exactly one winner`, async () => {
    // A table per variant: the scan below then sees this race's items and nothing else.
    const tableName = `Race-${variant}`;
    await createCallbackTable(env.db.endpoint, tableName);
    const write = env.load('write-callback', variant, { TABLE_NAME: tableName });
    const update = env.load('update-callback', variant, { TABLE_NAME: tableName });
    // A caller's cancel told nothing by the booking attempt, where any number may cancel, reads the record first:
    // two requests, like CONNECT's read and transaction, where the told cancel is one.
    const readingUpdate = env.load('update-callback', variant, { TABLE_NAME: tableName, ALLOW_CANCEL_FOR_OTHER_NUMBER: 'true' });
    const firstLine = variant === 'source' ? 1000 : 3000;
    const bookings = await inPool(Array.from({ length: PAIRS }, (_, index) => index), PAIRS_IN_FLIGHT * 2, async (index) => {
      const phone = `+1312555${String(firstLine + index).padStart(4, '0')}`;
      const recordId = newContactId();
      const reply = await write(flowEvent({ contactId: recordId, callerNumber: phone, parameters: { phoneNumber: phone } }));
      expect(reply.result).toBe('CREATED');
      return { recordId, phone };
    });

    const outcomes = await inPool(bookings, PAIRS_IN_FLIGHT, async ({ recordId, phone }, index) => {
      // The caller's cancel is one request and CONNECT two (a read, then the transaction); on the odd pairs the cancel
      // reads first too, so that both sides win some races, which is what makes them races.
      const cancel = () => (index % 2 === 0 ? update : readingUpdate)(flowEvent({ callerNumber: phone, parameters: { recordId, transition: 'CANCEL' } }));
      const connect = () => update(flowEvent(callbackContactCall(recordId, 'CONNECT')));
      // Alternate which one is sent first, so neither side always has the head start.
      const [cancelReply, connectReply] = index % 4 < 2
        ? await Promise.all([cancel(), connect()])
        : await Promise.all([connect(), cancel()]).then(([b, a]) => [a, b]);
      return { recordId, cancelReply, connectReply };
    });

    const items = await scanTable(env.db.endpoint, tableName);
    const records = new Map(items.filter((item) => item.recordType === 'CALLBACK').map((item) => [item.recordId, item]));
    let cancelWins = 0;
    for (const { recordId, cancelReply, connectReply } of outcomes) {
      const results = [cancelReply.result, connectReply.result].sort();
      expect(results).toEqual(['APPLIED', 'REFUSED']);
      const stored = records.get(recordId);
      if (cancelReply.result === 'APPLIED') {
        cancelWins += 1;
        expect(stored).toMatchObject({ status: 'CANCELLED' });
        expect(connectReply.status).toBe('CANCELLED');
      } else {
        expect(stored).toMatchObject({ status: 'COMPLETED', resolution: 'CONNECTED' });
        expect(cancelReply.status).toBe('COMPLETED');
      }
    }
    // With both orders sent, each side wins some races: the race was real.
    expect(cancelWins).toBeGreaterThan(0);
    expect(cancelWins).toBeLessThan(PAIRS);

    for (const recordId of bookings.map((booking) => booking.recordId)) {
      const item = records.get(recordId);
      for (const attribute of RECORD_ATTRIBUTES) expect(item).toHaveProperty(attribute);
      if (item?.status === 'CANCELLED') {
        expect(item).toHaveProperty('cancelledAt');
        expect(item.expiresAt).toBe(Math.floor(Date.parse(String(item.createdAt)) / 1000) + OPEN_RECORD_TTL_SECONDS);
      } else {
        expect(item).toHaveProperty('completedAt');
        expect(item?.expiresAt).toBe(Math.floor(Date.parse(String(item?.completedAt)) / 1000) + COMPLETED_TTL_SECONDS);
      }
    }
    // Every record left PENDING, so no pointer of these numbers may remain.
    const phones = new Set(bookings.map((booking) => booking.phone));
    expect(items.filter((item) => item.recordType === 'ACTIVE' && phones.has(String(item.phoneE164)))).toEqual([]);
    // No item without its type: a partial upsert would show up here.
    expect(items.every((item) => item.recordType === 'CALLBACK' || item.recordType === 'ACTIVE')).toBe(true);
  });
});
