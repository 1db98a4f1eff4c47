/**
 * The simulator's model of a queue's hours of operation: a weekly pattern in a time zone, dated overrides, and the
 * effective hours GetEffectiveHoursOfOperations returns for a range of dates ("Get the hours of operations with the
 * effective override applied", APIReference/API_GetEffectiveHoursOfOperations.html).
 *
 * What the docs say, and what is the simulator's own reading where they say nothing:
 * - Midnight: "To specify midnight, enter 12:00AM ... 10:00AM to 12:00AM ... open for 14 hours"
 *   (adminguide/set-hours-operation.html). An end of 00:00 is the midnight that ends the day, and 00:00 to 00:00 the
 *   whole day. An end before its start is passed through as it is (the reply's form for hours running past midnight, as
 *   lambda-src/shared/opening-hours.ts reads it); the docs show no such example.
 * - Overrides (adminguide/hours-of-operation-overrides.html): temporary hours are "the Hours for the specified date(s),
 *   that will replace the standard day of the week schedule" and may be partial ("open every other day and for partial
 *   hours"). Competing overrides are taken in this order: closed recurring overrides, then open recurring ones, then
 *   temporary hours, then the standard day-of-the-week hours. A closed override need not cover the whole day: "because
 *   the recurring closed hours cover the entire day, the other overrides and operating hours are ignored", and another
 *   example "opens at 8am, then closes from noon to 4pm". So here an OPEN override's hours replace the date's weekly
 *   hours, a CLOSED override without hours closes the whole date, and a CLOSED override with hours closes those hours
 *   of whatever the date would otherwise be open (the weekly hours, or an OPEN override's).
 * - Left open by the docs, so refused or chosen here:
 *   - Whether an open recurring override replaces the day's standard hours or adds to them (only temporary hours are
 *     said to replace them; the open-recurring example opens a day with no standard hours). Here OPEN replaces.
 *   - How two open overrides on one date combine (the docs rank recurring above temporary, and this model does not
 *     tell the two kinds apart): refused.
 *   - What EffectiveOverrideHoursList holds for a whole-day closure: here one entry of 00:00 to 00:00 (the whole day,
 *     as above). Every override of a date is listed there, even one that a closure made moot.
 *   - Closed hours running past midnight, and closed hours that would leave only the after-midnight part of an
 *     overnight opening: refused, as the reply could not say which date such hours are on.
 */
import type { EffectiveHours, TimeSlice } from './local-services';

export type Weekday = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

export interface SimHoursSlice {
  /** 'HH:MM', 24-hour. */
  readonly start: string;
  /** 'HH:MM', 24-hour; '00:00' is the midnight that ends the day. */
  readonly end: string;
}

export interface SimHoursOverride {
  readonly name: string;
  /** YYYY-MM-DD, on the hours' time zone's calendar. */
  readonly date: string;
  readonly status: 'OPEN' | 'CLOSED';
  /** OPEN: the date's hours (required). CLOSED: the hours it closes; without them, the whole date. */
  readonly hours?: readonly SimHoursSlice[];
}

export interface SimHoursOfOperation {
  /** The HoursOfOperationId. */
  readonly id: string;
  /** IANA time zone, whose wall clock the hours are on. */
  readonly timeZone: string;
  /** A day without slices is closed. */
  readonly weekly: Partial<Record<Weekday, readonly SimHoursSlice[]>>;
  readonly overrides?: readonly SimHoursOverride[];
}

/** Date.getUTCDay() order. */
const WEEKDAYS: readonly Weekday[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const DAY_MINUTES = 24 * 60;
const DAY_MS = DAY_MINUTES * 60_000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A slice as minutes past the date's midnight: [start, end), end up to 2 * DAY_MINUTES for hours past midnight. */
interface Span {
  readonly start: number;
  readonly end: number;
}

function minutesOf(time: string, where: string): number {
  const match = TIME.exec(time);
  if (!match) throw new Error(`${where}: '${time}' is not a time of day 'HH:MM' (00:00 to 23:59)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function spanOf(slice: SimHoursSlice, where: string): Span {
  const start = minutesOf(slice.start, `${where} start`);
  const end = minutesOf(slice.end, `${where} end`);
  if (end === start && end !== 0) {
    throw new Error(`${where}: ${slice.start} to ${slice.end} is empty (only 00:00 to 00:00 means the whole day)`);
  }
  return { start, end: end <= start ? end + DAY_MINUTES : end };
}

function sliceOf(span: Span): { Start: TimeSlice; End: TimeSlice } {
  const at = (minutes: number): TimeSlice => ({ Hours: Math.floor((minutes % DAY_MINUTES) / 60), Minutes: minutes % 60 });
  return { Start: at(span.start), End: at(span.end) };
}

/** Epoch milliseconds of a YYYY-MM-DD date's UTC midnight: only its calendar matters, not any zone. */
function dayOf(date: string, where: string): number {
  const match = DATE.exec(date);
  const day = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || new Date(day).toISOString().slice(0, 10) !== date) throw new Error(`${where}: '${date}' is not a date YYYY-MM-DD`);
  return day;
}

/** `spans` without the minutes `closed` covers. */
function without(spans: readonly Span[], closed: readonly Span[]): Span[] {
  let open = [...spans];
  for (const cut of closed) {
    open = open.flatMap((span) => {
      if (cut.end <= span.start || cut.start >= span.end) return [span];
      return [{ start: span.start, end: cut.start }, { start: cut.end, end: span.end }].filter((part) => part.end > part.start);
    });
  }
  return open;
}

function validated(hours: SimHoursOfOperation): void {
  if (!hours.id) throw new Error('hours of operation: the id is empty');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: hours.timeZone });
  } catch {
    throw new Error(`hours of operation ${hours.id}: '${hours.timeZone}' is not an IANA time zone`);
  }
  for (const [day, slices] of Object.entries(hours.weekly)) {
    if (!WEEKDAYS.includes(day as Weekday)) throw new Error(`hours of operation ${hours.id}: '${day}' is not a weekday`);
    (slices ?? []).forEach((slice, index) => spanOf(slice, `hours of operation ${hours.id} ${day} slice ${index}`));
  }
  const openDates = new Map<string, string>();
  for (const override of hours.overrides ?? []) {
    const where = `hours of operation ${hours.id} override '${override.name}'`;
    if (!override.name) throw new Error(`hours of operation ${hours.id}: an override on ${override.date} has no name`);
    dayOf(override.date, where);
    if (override.status !== 'OPEN' && override.status !== 'CLOSED') throw new Error(`${where}: status must be OPEN or CLOSED, not ${String(override.status)}`);
    if (override.status === 'OPEN' && !override.hours?.length) throw new Error(`${where}: an OPEN override needs its hours`);
    (override.hours ?? []).forEach((slice, index) => {
      const span = spanOf(slice, `${where} slice ${index}`);
      if (override.status === 'CLOSED' && span.end > DAY_MINUTES) {
        throw new Error(`${where}: closed hours ${slice.start} to ${slice.end} run past midnight, which the simulator does not model`);
      }
    });
    if (override.status === 'OPEN') {
      const other = openDates.get(override.date);
      if (other !== undefined) {
        throw new Error(`${where}: '${other}' is OPEN on ${override.date} too, and how two open overrides of a date combine is not documented`);
      }
      openDates.set(override.date, override.name);
    }
  }
}

/**
 * The effective hours of `fromDate` to `toDate` (inclusive, YYYY-MM-DD) as GetEffectiveHoursOfOperations returns them:
 * one entry per date, its weekday's slices unless overrides replace or close them, and the overrides of the range.
 */
export function effectiveHoursOf(hours: SimHoursOfOperation, fromDate: string, toDate: string): EffectiveHours {
  validated(hours);
  const first = dayOf(fromDate, 'fromDate');
  const last = dayOf(toDate, 'toDate');
  if (last < first) throw new Error(`toDate ${toDate} is before fromDate ${fromDate}`);
  const days: Array<EffectiveHours['EffectiveHoursOfOperationList'][number]> = [];
  const overridden: Array<NonNullable<EffectiveHours['EffectiveOverrideHoursList']>[number]> = [];
  for (let day = first; day <= last; day += DAY_MS) {
    const date = new Date(day).toISOString().slice(0, 10);
    const weekday = WEEKDAYS[new Date(day).getUTCDay()];
    const overrides = (hours.overrides ?? []).filter((override) => override.date === date);
    const opened = overrides.find((override) => override.status === 'OPEN');
    const closed = overrides.filter((override) => override.status === 'CLOSED');
    const where = `hours of operation ${hours.id} on ${date}`;
    let spans = (opened?.hours ?? hours.weekly[weekday] ?? []).map((slice) => spanOf(slice, where));
    if (closed.some((override) => !override.hours?.length)) spans = [];
    spans = without(spans, closed.flatMap((override) => (override.hours ?? []).map((slice) => spanOf(slice, where))));
    if (spans.some((span) => span.start >= DAY_MINUTES)) {
      throw new Error(`${where}: the closed hours leave only the part of an opening after midnight, which the simulator does not model`);
    }
    spans.sort((a, b) => a.start - b.start);
    days.push({ Date: date, OperationalHours: spans.map(sliceOf) });
    if (overrides.length > 0) {
      overridden.push({
        Date: date,
        OverrideHours: overrides.flatMap((override) => (override.hours?.length ? override.hours : [{ start: '00:00', end: '00:00' }])
          .map((slice) => ({ ...sliceOf(spanOf(slice, where)), OverrideName: override.name, OperationalStatus: override.status }))),
      });
    }
  }
  return { EffectiveHoursOfOperationList: days, EffectiveOverrideHoursList: overridden, TimeZone: hours.timeZone };
}

/**
 * The hours' ARN: the Service Authorization Reference's resource type hours-of-operation,
 * arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/operating-hours/${HoursOfOperationId}.
 */
export function hoursOfOperationArn(instanceArn: string, id: string): string {
  if (!/^arn:[^:]+:connect:[^:]+:\d{12}:instance\/[^/]+$/.test(instanceArn)) throw new Error(`'${instanceArn}' is not a Connect instance ARN`);
  if (!id || id.includes('/')) throw new Error(`'${id}' is not an hours of operation id`);
  return `${instanceArn}/operating-hours/${id}`;
}

/** A weekday 09:00-17:00 standard, for scenarios. */
export function weekdayHours(id: string, timeZone: string, overrides?: readonly SimHoursOverride[]): SimHoursOfOperation {
  const nineToFive = [{ start: '09:00', end: '17:00' }];
  return {
    id,
    timeZone,
    weekly: { MONDAY: nineToFive, TUESDAY: nineToFive, WEDNESDAY: nineToFive, THURSDAY: nineToFive, FRIDAY: nineToFive },
    ...(overrides ? { overrides } : {}),
  };
}

/** Open all day, every day (00:00 to 00:00 is the whole day, set-hours-operation.html), in UTC. */
export function alwaysOpen(id: string): SimHoursOfOperation {
  const allDay = [{ start: '00:00', end: '00:00' }];
  const days: readonly Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
  return { id, timeZone: 'UTC', weekly: Object.fromEntries(days.map((day) => [day, allDay])) };
}
