/**
 * The admission policy's closing-time rules, as pure functions of the queue's effective hours of operation (what
 * GetEffectiveHoursOfOperations returns: each date's opening hours with the overrides applied, in the hours' own time
 * zone, https://docs.aws.amazon.com/connect/latest/APIReference/API_GetEffectiveHoursOfOperations.html) and the time.
 *
 * How a day's hours become instants:
 * - "To specify midnight, enter 12:00AM ... 10:00AM to 12:00AM ... open for 14 hours"
 *   (adminguide/set-hours-operation.html): an end of 00:00 is the midnight that ends the date, and 00:00 to 00:00 is
 *   the whole day.
 * - An end before its start is taken to be on the next date (overnight hours). The docs show no such example; it is
 *   the only reading that gives such hours any length.
 * - Wall-clock times are converted with the zone's own rules (Intl), so hours stay the same local hours across a DST
 *   change (zonedInstant says what becomes of a local time the change skips or repeats).
 * - Hours that touch or overlap (23:00 to 00:00, then 00:00 to 06:00) are one opening.
 */
import { localDate, zoneOffsetMs } from './local-time';

export interface TimeOfDay {
  readonly Hours?: number;
  readonly Minutes?: number;
}

/** One date of EffectiveHoursOfOperationList. */
export interface EffectiveDay {
  /** YYYY-MM-DD, in the hours' time zone. */
  readonly Date?: string;
  readonly OperationalHours?: ReadonlyArray<{ readonly Start?: TimeOfDay; readonly End?: TimeOfDay }>;
}

/** An opening: from `start` (inclusive) to `end` (exclusive), epoch milliseconds. */
export interface Opening {
  readonly start: number;
  readonly end: number;
}

export type ClosedPolicy = 'REFUSE' | 'DEFER';

export interface ClosingRules {
  /** No booking that the queue would take within this long of its close (milliseconds); 0: up to the close. */
  readonly stopBeforeCloseMs: number;
  readonly whenClosed: ClosedPolicy;
  /** The initial delays the flows hold a callback block for, in seconds (DEFER only). */
  readonly deferralDelaysSeconds: readonly number[];
}

export type HoursDecision =
  | { readonly kind: 'OPEN' }
  /** Open, but closing within stopBeforeClose: refused. */
  | { readonly kind: 'CLOSING' }
  /** Closed (or closing), and no listed delay reaches the next opening while it still takes bookings: refused. */
  | { readonly kind: 'CLOSED' }
  /** Closed (or closing): booked with this initial delay, which lands in the next opening. */
  | { readonly kind: 'DEFERRED'; readonly delaySeconds: number };

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * The instant at which `timeZone`'s clock shows `date` (YYYY-MM-DD) plus `minutes` past its midnight. Of a local time
 * a DST change repeats, the first instant; a local time it skips is moved on by the change (02:30 on a spring-forward
 * night is 03:30), so an opening that starts in the gap starts when the clocks have jumped.
 */
export function zonedInstant(date: string, minutes: number, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, day) + minutes * MINUTE_MS;
  // A single change is within a day of the wall time either way, so the offsets a day before and after are the two
  // the zone can have there.
  const before = zoneOffsetMs(wall - DAY_MS, timeZone);
  const after = zoneOffsetMs(wall + DAY_MS, timeZone);
  const matching = [wall - before, wall - after].filter((instant) => instant + zoneOffsetMs(instant, timeZone) === wall);
  return matching.length > 0 ? Math.min(...matching) : wall - before;
}

const minutesOf = (time: TimeOfDay | undefined) => (time?.Hours ?? 0) * 60 + (time?.Minutes ?? 0);

/** The openings of the effective hours, in order, touching or overlapping ones merged. */
export function openingsOf(days: readonly EffectiveDay[], timeZone: string): Opening[] {
  const openings: Opening[] = [];
  for (const day of days) {
    if (!day.Date || !/^\d{4}-\d{2}-\d{2}$/.test(day.Date)) continue;
    for (const hours of day.OperationalHours ?? []) {
      const startMinutes = minutesOf(hours.Start);
      const endMinutes = minutesOf(hours.End);
      // An end at or before the start is on the next date (00:00 to 00:00 is the whole day).
      const endOnDate = endMinutes > startMinutes ? endMinutes : endMinutes + 24 * 60;
      const start = zonedInstant(day.Date, startMinutes, timeZone);
      const end = endOnDate >= 24 * 60
        ? zonedInstant(nextDate(day.Date), endOnDate - 24 * 60, timeZone)
        : zonedInstant(day.Date, endOnDate, timeZone);
      if (end > start) openings.push({ start, end });
    }
  }
  openings.sort((a, b) => a.start - b.start);
  const merged: Opening[] = [];
  for (const opening of openings) {
    const last = merged[merged.length - 1];
    if (last && opening.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, opening.end) };
    else merged.push(opening);
  }
  return merged;
}

function nextDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * Whether a booking at `now` is taken, refused, or deferred. Inside an opening that does not close within
 * stopBeforeClose, it is taken. Otherwise it is refused, CLOSING while the queue is open and CLOSED while it is not,
 * unless deferral is on: then the smallest listed delay that lands in the next opening, at least stopBeforeClose before
 * its close, is chosen; with none, CLOSED.
 */
export function decideByHours(now: number, openings: readonly Opening[], rules: ClosingRules): HoursDecision {
  const current = openings.find((opening) => opening.start <= now && now < opening.end);
  if (current && current.end - now > rules.stopBeforeCloseMs) return { kind: 'OPEN' };
  if (rules.whenClosed === 'DEFER') {
    const next = openings.find((opening) => opening.start > now && opening.end - rules.stopBeforeCloseMs > opening.start);
    if (next) {
      const latest = next.end - rules.stopBeforeCloseMs;
      const delay = [...rules.deferralDelaysSeconds].sort((a, b) => a - b)
        .find((seconds) => now + seconds * 1000 >= next.start && now + seconds * 1000 < latest);
      if (delay !== undefined) return { kind: 'DEFERRED', delaySeconds: delay };
    }
  }
  return { kind: current ? 'CLOSING' : 'CLOSED' };
}

/** The dates (YYYY-MM-DD, in `timeZone`) from `daysBefore` days before `now` to `daysAhead` days after it. */
export function datesAround(now: number, timeZone: string, daysBefore: number, daysAhead: number): { readonly from: string; readonly to: string } {
  return { from: localDate(new Date(now - daysBefore * DAY_MS), timeZone), to: localDate(new Date(now + daysAhead * DAY_MS), timeZone) };
}
