/** Times spoken to callers, in the configured IANA time zone (never a hard-coded one). */

interface LocalTime {
  /** YYYY-MM-DD */
  readonly localDate: string;
  /** e.g. '2:05 PM' */
  readonly spokenTime: string;
  /** e.g. 'Monday' */
  readonly dayOfWeek: string;
}

function localTime(instant: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    weekday: 'long',
  }).formatToParts(instant).map((part) => [part.type, part.value]));
  const hour24 = Number(parts.hour);
  const hour12 = hour24 % 12 === 0 ? 12 : hour24 % 12;
  return {
    localDate: `${parts.year}-${parts.month}-${parts.day}`,
    spokenTime: `${hour12}:${parts.minute} ${hour24 < 12 ? 'AM' : 'PM'}`,
    dayOfWeek: parts.weekday,
  };
}

/**
 * When a callback was requested, as a prompt says it: '2:05 PM' on the same local day as `now`,
 * otherwise 'Monday 2:05 PM'.
 */
export function spokenRequestTime(requestedAt: Date, now: Date, timeZone: string): string {
  const then = localTime(requestedAt, timeZone);
  return then.localDate === localTime(now, timeZone).localDate ? then.spokenTime : `${then.dayOfWeek} ${then.spokenTime}`;
}
