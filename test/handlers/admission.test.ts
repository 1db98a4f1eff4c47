/**
 * The admission policy as write-callback decides it, against DynamoDB Local, for the TypeScript sources and the
 * shipped bundles: the queue's capacity (from the size the flow passes), the per-number daily limit (in the booking's
 * own transaction, given back by a release), and what happens when an input is missing (the policy fails open).
 */
import { localDate } from '../../lambda-src/shared/local-time';
import { getItem, scanTable } from '../support/dynamodb-server';
import { type FlowHandler, TABLE_NAME, useTestEnvironment } from '../support/environment';
import { QUEUE_ARN, flowEvent, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();

let nextLine = 300;
function newNumber(): string {
  nextLine += 1;
  return `+1312555${String(nextLine).padStart(4, '0')}`;
}
const pointerPk = (phone: string) => `ACTIVE#${QUEUE_ARN}#${phone}`;
const counterPk = (phone: string, day: string) => `DAILY#${QUEUE_ARN}#${phone}#${day}`;
const metricOf = (name: string, reason: string) => env.metrics.filter((doc) => typeof doc[name] === 'number' && doc.Reason === reason).length;

describe.each(VARIANTS)('the admission policy (%s)', (variant) => {
  let capped: FlowHandler;
  let limited: FlowHandler;
  let update: FlowHandler;

  beforeAll(() => {
    capped = env.load('write-callback', variant, { ADMISSION_MAX_QUEUED_CONTACTS: '5' });
    limited = env.load('write-callback', variant, { ADMISSION_MAX_CALLBACKS_PER_NUMBER_PER_DAY: '2', TIME_ZONE: 'America/Chicago' });
    update = env.load('update-callback', variant);
  });

  const bookWith = (write: FlowHandler, phone: string, contactsInQueue?: string, recordId = newContactId()) =>
    write(flowEvent({ contactId: recordId, callerNumber: phone, parameters: contactsInQueue === undefined ? {} : { contactsInQueue } }))
      .then((reply): Record<string, string> => ({ ...reply, contactId: recordId }));

  test('a queue at its maximum refuses a new booking, and writes nothing', async () => {
    const phone = newNumber();
    env.metrics.length = 0;
    const reply = await bookWith(capped, phone, '5');
    expect(reply).toEqual({ result: 'AT_CAPACITY', contactId: reply.contactId, recordId: '', status: '', phoneE164: '', phoneNational: '', requestedAtSpoken: '', canCancel: '' });
    expect(await getItem(env.db.endpoint, TABLE_NAME, pointerPk(phone))).toBeUndefined();
    expect(await getItem(env.db.endpoint, TABLE_NAME, `CALLBACK#${reply.contactId}`)).toBeUndefined();
    expect(metricOf('AdmissionRefusals', 'AT_CAPACITY')).toBe(1);
  });

  test('below the maximum it books', async () => {
    expect((await bookWith(capped, newNumber(), '4')).result).toBe('CREATED');
    expect((await bookWith(capped, newNumber(), '0')).result).toBe('CREATED');
  });

  test('a caller whose callback is pending still finds it in a full queue, with what the cancel needs', async () => {
    const phone = newNumber();
    const booked = await bookWith(capped, phone, '1');
    expect(booked.result).toBe('CREATED');
    const again = await bookWith(capped, phone, '9');
    expect(again).toMatchObject({ result: 'EXISTS', recordId: booked.recordId, phoneE164: phone, canCancel: 'true' });
    expect((await update(flowEvent({ callerNumber: phone, parameters: { recordId: booked.recordId, transition: 'CANCEL', phoneE164: phone } }))).result)
      .toBe('APPLIED');
    // Cancelled: nothing pending any more, so the full queue refuses the number's next booking.
    expect((await bookWith(capped, phone, '9')).result).toBe('AT_CAPACITY');
  });

  test.each([
    ['not passed', undefined],
    ['empty (no metrics returned)', ''],
    ['null', 'null'],
    ['not a number', 'five'],
    ['negative', '-1'],
  ])('a queue size %s does not refuse anyone: it books and counts the missing input', async (_case, size) => {
    env.metrics.length = 0;
    expect((await bookWith(capped, newNumber(), size)).result).toBe('CREATED');
    expect(metricOf('AdmissionInputMissing', 'AT_CAPACITY')).toBe(1);
  });

  test('a number books up to its daily limit, then is refused; a duplicate is still reported as one', async () => {
    const phone = newNumber();
    const day = localDate(new Date(), 'America/Chicago');
    env.metrics.length = 0;
    const first = await bookWith(limited, phone);
    expect(first.result).toBe('CREATED');
    // A second request while the first is pending is a duplicate, and counts for nothing.
    expect((await bookWith(limited, phone)).result).toBe('EXISTS');
    expect(await getItem(env.db.endpoint, TABLE_NAME, counterPk(phone, day))).toMatchObject({ bookings: 1 });
    await update(flowEvent({ callerNumber: phone, parameters: { recordId: first.recordId, transition: 'CANCEL' } }));
    const second = await bookWith(limited, phone);
    expect(second.result).toBe('CREATED');
    await update(flowEvent({ callerNumber: phone, parameters: { recordId: second.recordId, transition: 'CANCEL' } }));
    const third = await bookWith(limited, phone);
    expect(third).toMatchObject({ result: 'LIMIT_REACHED', status: '', phoneE164: '' });
    expect(await getItem(env.db.endpoint, TABLE_NAME, `CALLBACK#${third.contactId}`)).toBeUndefined();
    expect(await getItem(env.db.endpoint, TABLE_NAME, counterPk(phone, day))).toMatchObject({ bookings: 2 });
    expect(metricOf('AdmissionRefusals', 'LIMIT_REACHED')).toBe(1);
    // The counter goes when its day is long over (TTL), never before the local day ends.
    const counter = await getItem(env.db.endpoint, TABLE_NAME, counterPk(phone, day));
    expect(Number(counter!.expiresAt) * 1000).toBeGreaterThan(Date.now() + 24 * 3600 * 1000);
  });

  test('a booking given up (RELEASE) gives its count back, so the number may book again', async () => {
    const phone = newNumber();
    const day = localDate(new Date(), 'America/Chicago');
    const first = await bookWith(limited, phone);
    await update(flowEvent({ callerNumber: phone, parameters: { recordId: first.recordId, transition: 'CANCEL' } }));
    const second = await bookWith(limited, phone);
    expect(second.result).toBe('CREATED');
    // The flow could not create the callback: its undo path releases the record, from the booking contact.
    const released = await update(flowEvent({ contactId: second.recordId, callerNumber: phone, parameters: { recordId: second.recordId, transition: 'RELEASE' } }));
    expect(released.result).toBe('APPLIED');
    expect(await getItem(env.db.endpoint, TABLE_NAME, counterPk(phone, day))).toMatchObject({ bookings: 1 });
    expect((await bookWith(limited, phone)).result).toBe('CREATED');
    expect(await getItem(env.db.endpoint, TABLE_NAME, counterPk(phone, day))).toMatchObject({ bookings: 2 });
  });

  test('a retry of the same booking is not counted twice', async () => {
    const phone = newNumber();
    const day = localDate(new Date(), 'America/Chicago');
    const recordId = newContactId();
    expect((await bookWith(limited, phone, undefined, recordId)).result).toBe('CREATED');
    expect((await bookWith(limited, phone, undefined, recordId)).result).toBe('CREATED');
    expect(await getItem(env.db.endpoint, TABLE_NAME, counterPk(phone, day))).toMatchObject({ bookings: 1 });
  });

  test('without a policy nothing but the record and its pointer is written', async () => {
    const plain = env.load('write-callback', variant);
    const phone = newNumber();
    const booked = await bookWith(plain, phone, '999');
    expect(booked.result).toBe('CREATED');
    const items = (await scanTable(env.db.endpoint, TABLE_NAME))
      .filter((item) => String(item.pk).includes(phone) || item.pk === `CALLBACK#${booked.contactId}`);
    expect(items.map((item) => String(item.pk).split('#')[0]).sort()).toEqual(['ACTIVE', 'CALLBACK']);
  });
});

describe('the calendar day a daily limit counts in', () => {
  test('the day turns at local midnight, not at UTC midnight', () => {
    // 05:30 UTC is still the evening before in Chicago (UTC-6 in winter), and already the morning in Tokyo.
    const instant = new Date('2026-12-02T05:30:00Z');
    expect(localDate(instant, 'America/Chicago')).toBe('2026-12-01');
    expect(localDate(instant, 'Asia/Tokyo')).toBe('2026-12-02');
    expect(localDate(new Date('2026-12-02T05:59:59Z'), 'America/Chicago')).toBe('2026-12-01');
    expect(localDate(new Date('2026-12-02T06:00:00Z'), 'America/Chicago')).toBe('2026-12-02');
  });

  test('a day across a DST change is one day of 23 or 25 hours', () => {
    // US DST starts 2027-03-14 at 02:00 local (Chicago goes from UTC-6 to UTC-5): that day is 23 hours long.
    expect(localDate(new Date('2027-03-14T05:59:59Z'), 'America/Chicago')).toBe('2027-03-13');
    expect(localDate(new Date('2027-03-14T06:00:00Z'), 'America/Chicago')).toBe('2027-03-14');
    expect(localDate(new Date('2027-03-15T04:59:59Z'), 'America/Chicago')).toBe('2027-03-14');
    expect(localDate(new Date('2027-03-15T05:00:00Z'), 'America/Chicago')).toBe('2027-03-15');
    // It ends 2027-11-07 at 02:00 local: that day is 25 hours long.
    expect(localDate(new Date('2027-11-07T05:00:00Z'), 'America/Chicago')).toBe('2027-11-07');
    expect(localDate(new Date('2027-11-08T05:59:59Z'), 'America/Chicago')).toBe('2027-11-07');
    expect(localDate(new Date('2027-11-08T06:00:00Z'), 'America/Chicago')).toBe('2027-11-08');
  });
});
