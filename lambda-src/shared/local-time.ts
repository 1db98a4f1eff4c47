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
 * How `locale` words a time of day (with the weekday or not), one formatter per locale, zone and form: building an
 * Intl.DateTimeFormat costs far more than using one, and a function speaks in one locale and zone all its life.
 */
const spokenFormats = new Map<string, Intl.DateTimeFormat>();

function spokenFormat(locale: string, timeZone: string, withDay: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withDay}`;
  let format = spokenFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit', ...(withDay ? { weekday: 'long' } : {}) });
    spokenFormats.set(key, format);
  }
  return format;
}

/**
 * When a callback was requested, as a prompt says it: the time of day on the same local day as `now`, otherwise the
 * weekday and the time, each as `locale` words them ('2:05 PM' and 'Monday 2:05 PM' in en-US, '2:05 p.m.' and
 * 'lunes 2:05 p.m.' in es-US, '14:05' and 'lundi 14:05' in fr-FR). The narrow and no-break spaces some locales put
 * in a time are written as plain spaces, which text-to-speech reads the same.
 */
export function spokenRequestTime(requestedAt: Date, now: Date, timeZone: string, locale = 'en-US'): string {
  const sameDay = localTime(requestedAt, timeZone).localDate === localTime(now, timeZone).localDate;
  return spokenFormat(locale, timeZone, !sameDay).format(requestedAt).replace(/[\u00a0\u202f]/g, ' ');
}
