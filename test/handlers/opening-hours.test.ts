/**
 * The closing-time rules as pure functions of the effective hours (lambda-src/shared/opening-hours.ts): how a date's
 * hours become instants in the hours' own zone (midnight, overnight, a DST change), and what a booking at a given
 * instant gets.
 */
import { type EffectiveDay, datesAround, decideByHours, openingsOf, zonedInstant } from '../../lambda-src/shared/opening-hours';

const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso);
const day = (date: string, ...slices: Array<[number, number, number, number]>): EffectiveDay => ({
  Date: date,
  OperationalHours: slices.map(([sh, sm, eh, em]) => ({ Start: { Hours: sh, Minutes: sm }, End: { Hours: eh, Minutes: em } })),
});
const iso = (openings: ReadonlyArray<{ start: number; end: number }>) => openings
  .map((o) => [new Date(o.start).toISOString(), new Date(o.end).toISOString()]);
const REFUSE = { stopBeforeCloseMs: 15 * 60_000, whenClosed: 'REFUSE' as const, deferralDelaysSeconds: [] };

describe('openings of the effective hours', () => {
  test('wall-clock hours in the hours\' zone, on each side of the spring-forward change', () => {
    // 2026-03-08 is the change in New York: 09:00 is 14:00Z the day before and 13:00Z that day.
    expect(iso(openingsOf([day('2026-03-07', [9, 0, 17, 0]), day('2026-03-09', [9, 0, 17, 0])], NY))).toEqual([
      ['2026-03-07T14:00:00.000Z', '2026-03-07T22:00:00.000Z'],
      ['2026-03-09T13:00:00.000Z', '2026-03-09T21:00:00.000Z'],
    ]);
  });

  test('a local time the change skips is moved on by the change; a repeated one is its first instant', () => {
    expect(new Date(zonedInstant('2026-03-08', 2 * 60 + 30, NY)).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(new Date(zonedInstant('2026-11-01', 1 * 60 + 30, NY)).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  test('an end of 00:00 is the midnight ending the date, and 00:00 to 00:00 the whole date (set-hours-operation.html)', () => {
    expect(iso(openingsOf([day('2026-06-01', [10, 0, 0, 0])], 'UTC'))).toEqual([['2026-06-01T10:00:00.000Z', '2026-06-02T00:00:00.000Z']]);
    expect(iso(openingsOf([day('2026-06-01', [0, 0, 0, 0])], 'UTC'))).toEqual([['2026-06-01T00:00:00.000Z', '2026-06-02T00:00:00.000Z']]);
  });

  test('an end before its start runs into the next date; openings that touch across midnight are one', () => {
    expect(iso(openingsOf([day('2026-06-01', [22, 0, 6, 0])], 'UTC'))).toEqual([['2026-06-01T22:00:00.000Z', '2026-06-02T06:00:00.000Z']]);
    expect(iso(openingsOf([day('2026-06-01', [18, 0, 0, 0]), day('2026-06-02', [0, 0, 6, 0], [9, 0, 17, 0])], 'UTC'))).toEqual([
      ['2026-06-01T18:00:00.000Z', '2026-06-02T06:00:00.000Z'],
      ['2026-06-02T09:00:00.000Z', '2026-06-02T17:00:00.000Z'],
    ]);
  });

  test('a date without hours (closed, or an override closing it) and a malformed date add nothing', () => {
    expect(openingsOf([{ Date: '2026-06-01', OperationalHours: [] }, { Date: 'June 2', OperationalHours: day('x', [9, 0, 17, 0]).OperationalHours }], 'UTC')).toEqual([]);
  });
});

describe('what a booking gets', () => {
  const weekdays = openingsOf(['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05'].map((d) => day(d, [9, 0, 17, 0])), NY);

  test.each([
    ['in the middle of the day', '2026-06-01T16:00:00Z', 'OPEN'],
    ['at the opening', '2026-06-01T13:00:00Z', 'OPEN'],
    ['just over 15 minutes before the close', '2026-06-01T20:44:59Z', 'OPEN'],
    ['exactly 15 minutes before the close', '2026-06-01T20:45:00Z', 'CLOSING'],
    ['ten minutes before the close', '2026-06-01T20:50:00Z', 'CLOSING'],
    ['at the close', '2026-06-01T21:00:00Z', 'CLOSED'],
    ['at night', '2026-06-02T03:00:00Z', 'CLOSED'],
  ])('%s: %s is %s', (_case, when, kind) => {
    expect(decideByHours(at(when), weekdays, REFUSE)).toEqual({ kind });
  });

  test('deferred: the smallest listed delay that lands in the next opening at least stopBeforeClose before its close', () => {
    const defer = (delays: number[]) => ({ ...REFUSE, whenClosed: 'DEFER' as const, deferralDelaysSeconds: delays });
    // Monday 18:00 EDT; Tuesday opens 09:00 EDT, 15 h later, and takes bookings until 16:45.
    const evening = at('2026-06-01T22:00:00Z');
    expect(decideByHours(evening, weekdays, defer([12 * 3600, 16 * 3600, 15 * 3600]))).toEqual({ kind: 'DEFERRED', delaySeconds: 15 * 3600 });
    // 22 h 45 m lands at 16:45, the latest moment that is not within stopBeforeClose: too late, and 12 h too early.
    expect(decideByHours(evening, weekdays, defer([12 * 3600, 22 * 3600 + 45 * 60]))).toEqual({ kind: 'CLOSED' });
    // Ten minutes before the close (16:50), deferral books for the next day rather than refuse: 16 h lands at 08:50.
    expect(decideByHours(at('2026-06-01T20:50:00Z'), weekdays, defer([16 * 3600, 17 * 3600]))).toEqual({ kind: 'DEFERRED', delaySeconds: 17 * 3600 });
    // Friday evening: no opening in the hours given, so nothing to defer to.
    expect(decideByHours(at('2026-06-05T22:00:00Z'), weekdays, defer([15 * 3600]))).toEqual({ kind: 'CLOSED' });
  });

  test('across the spring-forward change, a delay lands on the wall clock of the opening, not on a fixed offset', () => {
    const weekend = openingsOf([day('2026-03-06', [9, 0, 17, 0]), day('2026-03-09', [9, 0, 17, 0])], NY);
    // Friday 18:00 EST (23:00Z) to Monday 09:00 EDT (13:00Z) is 62 hours, an hour less than the wall clocks say.
    const friday = at('2026-03-06T23:00:00Z');
    const defer = { ...REFUSE, whenClosed: 'DEFER' as const, deferralDelaysSeconds: [62 * 3600, 63 * 3600] };
    expect(decideByHours(friday, weekend, defer)).toEqual({ kind: 'DEFERRED', delaySeconds: 62 * 3600 });
  });

  test('an opening through midnight does not close at midnight: ten minutes before midnight is open', () => {
    const overnight = openingsOf([day('2026-06-01', [18, 0, 0, 0]), day('2026-06-02', [0, 0, 6, 0])], 'UTC');
    expect(decideByHours(at('2026-06-01T23:50:00Z'), overnight, REFUSE)).toEqual({ kind: 'OPEN' });
    expect(decideByHours(at('2026-06-02T05:50:00Z'), overnight, REFUSE)).toEqual({ kind: 'CLOSING' });
  });
});

test('the dates asked for: from the day before in the zone to the days after', () => {
  // 02:00Z on 1 June is still 31 May in Chicago.
  expect(datesAround(at('2026-06-01T02:00:00Z'), 'America/Chicago', 1, 4)).toEqual({ from: '2026-05-30', to: '2026-06-04' });
  expect(datesAround(at('2026-06-01T02:00:00Z'), 'UTC', 2, 5)).toEqual({ from: '2026-05-30', to: '2026-06-06' });
});
