/** The simulator's hours of operation, and the effective hours GetEffectiveHoursOfOperations gives for them. */
import {
  type SimHoursOfOperation, type SimHoursOverride, effectiveHoursOf, hoursOfOperationArn, weekdayHours,
} from '../../src/simulator/hours-of-operation';

const NINE_TO_FIVE = [{ Start: { Hours: 9, Minutes: 0 }, End: { Hours: 17, Minutes: 0 } }];
const at = (hours: number, minutes = 0) => ({ Hours: hours, Minutes: minutes });
const hoursByDate = (hours: SimHoursOfOperation, from: string, to: string) =>
  Object.fromEntries(effectiveHoursOf(hours, from, to).EffectiveHoursOfOperationList.map((day) => [day.Date, day.OperationalHours]));

test('weekdays have the weekly hours and the weekend none, in the hours\' time zone', () => {
  // 2025-06-06 is a Friday.
  const effective = effectiveHoursOf(weekdayHours('hours-1', 'America/New_York'), '2025-06-06', '2025-06-09');
  expect(effective).toEqual({
    EffectiveHoursOfOperationList: [
      { Date: '2025-06-06', OperationalHours: NINE_TO_FIVE },
      { Date: '2025-06-07', OperationalHours: [] },
      { Date: '2025-06-08', OperationalHours: [] },
      { Date: '2025-06-09', OperationalHours: NINE_TO_FIVE },
    ],
    EffectiveOverrideHoursList: [],
    TimeZone: 'America/New_York',
  });
});

test('a CLOSED override without hours closes its whole date (a holiday), and is listed', () => {
  const hours = weekdayHours('hours-1', 'Europe/London', [{ name: 'Christmas', date: '2025-12-25', status: 'CLOSED' }]);
  const effective = effectiveHoursOf(hours, '2025-12-24', '2025-12-26');
  expect(effective.EffectiveHoursOfOperationList).toEqual([
    { Date: '2025-12-24', OperationalHours: NINE_TO_FIVE },
    { Date: '2025-12-25', OperationalHours: [] },
    { Date: '2025-12-26', OperationalHours: NINE_TO_FIVE },
  ]);
  expect(effective.EffectiveOverrideHoursList).toEqual([
    { Date: '2025-12-25', OverrideHours: [{ Start: at(0), End: at(0), OverrideName: 'Christmas', OperationalStatus: 'CLOSED' }] },
  ]);
});

test('an OPEN override replaces its date\'s weekly hours: reduced on a weekday, opened on a weekend', () => {
  const overrides: SimHoursOverride[] = [
    { name: 'Christmas Eve', date: '2025-12-24', status: 'OPEN', hours: [{ start: '08:30', end: '12:00' }] },
    { name: 'Sale', date: '2025-11-29', status: 'OPEN', hours: [{ start: '10:00', end: '14:00' }, { start: '16:00', end: '22:00' }] },
  ];
  const hours = weekdayHours('hours-1', 'Europe/Berlin', overrides);
  expect(hoursByDate(hours, '2025-12-24', '2025-12-24')).toEqual({ '2025-12-24': [{ Start: at(8, 30), End: at(12) }] });
  // 2025-11-29 is a Saturday.
  const weekend = effectiveHoursOf(hours, '2025-11-29', '2025-11-30');
  expect(weekend.EffectiveHoursOfOperationList).toEqual([
    { Date: '2025-11-29', OperationalHours: [{ Start: at(10), End: at(14) }, { Start: at(16), End: at(22) }] },
    { Date: '2025-11-30', OperationalHours: [] },
  ]);
  expect(weekend.EffectiveOverrideHoursList).toEqual([{
    Date: '2025-11-29',
    OverrideHours: [
      { Start: at(10), End: at(14), OverrideName: 'Sale', OperationalStatus: 'OPEN' },
      { Start: at(16), End: at(22), OverrideName: 'Sale', OperationalStatus: 'OPEN' },
    ],
  }]);
});

test('closed hours close only that part of the day; a CLOSED override is taken before an OPEN one', () => {
  const hours = weekdayHours('hours-1', 'UTC', [
    { name: 'Training', date: '2025-06-10', status: 'CLOSED', hours: [{ start: '12:00', end: '14:00' }] },
    { name: 'Late opening', date: '2025-06-11', status: 'OPEN', hours: [{ start: '09:00', end: '20:00' }] },
    { name: 'Meeting', date: '2025-06-11', status: 'CLOSED', hours: [{ start: '08:00', end: '10:00' }, { start: '19:00', end: '00:00' }] },
    { name: 'Outage', date: '2025-06-12', status: 'CLOSED' },
    { name: 'Extra', date: '2025-06-12', status: 'OPEN', hours: [{ start: '07:00', end: '21:00' }] },
  ]);
  expect(hoursByDate(hours, '2025-06-10', '2025-06-12')).toEqual({
    '2025-06-10': [{ Start: at(9), End: at(12) }, { Start: at(14), End: at(17) }],
    '2025-06-11': [{ Start: at(10), End: at(19) }],
    '2025-06-12': [],
  });
  const listed = effectiveHoursOf(hours, '2025-06-12', '2025-06-12').EffectiveOverrideHoursList;
  expect(listed).toEqual([{
    Date: '2025-06-12',
    OverrideHours: [
      { Start: at(0), End: at(0), OverrideName: 'Outage', OperationalStatus: 'CLOSED' },
      { Start: at(7), End: at(21), OverrideName: 'Extra', OperationalStatus: 'OPEN' },
    ],
  }]);
});

test('a range runs across a month end (and a leap day) one calendar date at a time', () => {
  // 2025-01-30 is a Thursday.
  expect(Object.keys(hoursByDate(weekdayHours('h', 'UTC'), '2025-01-30', '2025-02-02'))).toEqual(['2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02']);
  expect(hoursByDate(weekdayHours('h', 'UTC'), '2025-01-30', '2025-02-02')).toEqual({
    '2025-01-30': NINE_TO_FIVE, '2025-01-31': NINE_TO_FIVE, '2025-02-01': [], '2025-02-02': [],
  });
  expect(Object.keys(hoursByDate(weekdayHours('h', 'UTC'), '2024-02-28', '2024-03-01'))).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  expect(Object.keys(hoursByDate(weekdayHours('h', 'UTC'), '2025-12-31', '2026-01-01'))).toEqual(['2025-12-31', '2026-01-01']);
});

test('a range of one date gives that date alone, with only its own overrides', () => {
  const hours = weekdayHours('hours-1', 'Asia/Tokyo', [
    { name: 'Before', date: '2025-06-05', status: 'CLOSED' },
    { name: 'After', date: '2025-06-07', status: 'OPEN', hours: [{ start: '10:00', end: '12:00' }] },
  ]);
  expect(effectiveHoursOf(hours, '2025-06-06', '2025-06-06')).toEqual({
    EffectiveHoursOfOperationList: [{ Date: '2025-06-06', OperationalHours: NINE_TO_FIVE }],
    EffectiveOverrideHoursList: [],
    TimeZone: 'Asia/Tokyo',
  });
});

test('an end of 00:00 is the midnight ending the day, 00:00 to 00:00 the whole day; overnight hours pass through', () => {
  const hours: SimHoursOfOperation = {
    id: 'h',
    timeZone: 'UTC',
    weekly: { MONDAY: [{ start: '10:00', end: '00:00' }], TUESDAY: [{ start: '00:00', end: '00:00' }], WEDNESDAY: [{ start: '22:00', end: '02:00' }] },
  };
  // 2025-06-09 is a Monday.
  expect(hoursByDate(hours, '2025-06-09', '2025-06-11')).toEqual({
    '2025-06-09': [{ Start: at(10), End: at(0) }],
    '2025-06-10': [{ Start: at(0), End: at(0) }],
    '2025-06-11': [{ Start: at(22), End: at(2) }],
  });
});

test.each([
  ['a time without two-digit hours', { MONDAY: [{ start: '9:00', end: '17:00' }] }, /'9:00' is not a time of day 'HH:MM'/],
  ['24:00', { MONDAY: [{ start: '09:00', end: '24:00' }] }, /'24:00' is not a time of day/],
  ['minutes past 59', { FRIDAY: [{ start: '09:60', end: '17:00' }] }, /'09:60' is not a time of day/],
  ['an empty slice', { FRIDAY: [{ start: '09:00', end: '09:00' }] }, /09:00 to 09:00 is empty/],
])('the weekly hours refuse %s', (_what, weekly, error) => {
  expect(() => effectiveHoursOf({ id: 'h', timeZone: 'UTC', weekly }, '2025-06-09', '2025-06-09')).toThrow(error);
});

test('the hours refuse an unknown time zone, overrides they cannot model, and dates that are not dates', () => {
  const range = (hours: SimHoursOfOperation) => () => effectiveHoursOf(hours, '2025-06-09', '2025-06-09');
  expect(range(weekdayHours('h', 'Mars/Olympus_Mons'))).toThrow(/'Mars\/Olympus_Mons' is not an IANA time zone/);
  expect(range(weekdayHours('h', 'UTC', [{ name: 'x', date: '2025-06-09', status: 'OPEN' }]))).toThrow(/an OPEN override needs its hours/);
  expect(range(weekdayHours('h', 'UTC', [{ name: 'x', date: '2025-6-9', status: 'CLOSED' }]))).toThrow(/'2025-6-9' is not a date/);
  expect(range(weekdayHours('h', 'UTC', [{ name: 'x', date: '2025-06-09', status: 'CLOSED', hours: [{ start: '12:00', end: '1:00' }] }])))
    .toThrow(/'1:00' is not a time of day/);
  expect(range(weekdayHours('h', 'UTC', [
    { name: 'a', date: '2025-06-09', status: 'OPEN', hours: [{ start: '08:00', end: '10:00' }] },
    { name: 'b', date: '2025-06-09', status: 'OPEN', hours: [{ start: '12:00', end: '14:00' }] },
  ]))).toThrow(/'a' is OPEN on 2025-06-09 too/);
  expect(range(weekdayHours('h', 'UTC', [{ name: 'x', date: '2025-06-09', status: 'CLOSED', hours: [{ start: '23:00', end: '01:00' }] }])))
    .toThrow(/run past midnight/);
  expect(() => effectiveHoursOf(weekdayHours('h', 'UTC'), '2025-02-29', '2025-03-01')).toThrow(/'2025-02-29' is not a date/);
  expect(() => effectiveHoursOf(weekdayHours('h', 'UTC'), '2025-06-10', '2025-06-09')).toThrow(/before fromDate/);
});

test('hoursOfOperationArn is the Service Authorization Reference\'s operating-hours ARN of the instance', () => {
  const instanceArn = 'arn:aws:connect:eu-west-2:123456789012:instance/11111111-2222-3333-4444-555555555555';
  expect(hoursOfOperationArn(instanceArn, 'hours-1')).toBe(`${instanceArn}/operating-hours/hours-1`);
  expect(() => hoursOfOperationArn(`${instanceArn}/queue/q`, 'hours-1')).toThrow(/not a Connect instance ARN/);
  expect(() => hoursOfOperationArn(instanceArn, 'a/b')).toThrow(/not an hours of operation id/);
});

test('weekdayHours is Monday to Friday 09:00 to 17:00, with the overrides given', () => {
  const overrides: SimHoursOverride[] = [{ name: 'Holiday', date: '2025-06-09', status: 'CLOSED' }];
  const slices = [{ start: '09:00', end: '17:00' }];
  expect(weekdayHours('h', 'UTC', overrides)).toEqual({
    id: 'h', timeZone: 'UTC', weekly: { MONDAY: slices, TUESDAY: slices, WEDNESDAY: slices, THURSDAY: slices, FRIDAY: slices }, overrides,
  });
  expect(weekdayHours('h', 'UTC')).not.toHaveProperty('overrides');
});
