/**
 * Times spoken to callers, in the configured IANA time zone (never a hard-coded one).
 *
 * The first Intl formatter of a Node.js process loads ICU's formatting data, which costs a fresh process more than
 * 10 ms (bench/RESULTS.md, section 2, the Intl probe). So a zone's formatter is never built at module load: it is
 * built once per zone, when a path first speaks a time, and reused (a formatter is immutable; building one per call
 * cost more than the formatting itself). Checking that a zone exists does not need one: Intl.supportedValuesOf lists
 * the canonical zone names without loading that data.
 */

interface LocalTime {
  /** YYYY-MM-DD */
  readonly localDate: string;
  /** e.g. '2:05 PM' */
  readonly spokenTime: string;
  /** e.g. 'Monday' */
  readonly dayOfWeek: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's formatter, built on first use; throws RangeError for a name that is not an IANA time zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'long',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

let canonicalZones: ReadonlySet<string> | undefined;

/**
 * Whether `timeZone` is a zone Intl knows. A canonical name is looked up in Intl.supportedValuesOf('timeZone')
 * (ECMA-402; Node.js 18 and later), and 'UTC', which every implementation must support, is taken as it is; anything
 * else (an alias such as 'US/Eastern', which Intl accepts but does not list) is checked by building its formatter.
 */
export function isUsableTimeZone(timeZone: string): boolean {
  if (timeZone === 'UTC' || formatters.has(timeZone)) return true;
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalZones.has(timeZone)) return true;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function partsOf(instant: Date, timeZone: string): Partial<Record<Intl.DateTimeFormatPartTypes, string>> {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return parts;
}

/**
 * How far `timeZone`'s wall clock is ahead of UTC at `instant`, in milliseconds, to the minute (the zones' current
 * offsets are whole minutes): the admission policy's hours of operation are wall-clock times (opening-hours.ts).
 */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = partsOf(new Date(instant), timeZone);
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  return wall - Math.floor(instant / 60_000) * 60_000;
}

function localTime(instant: Date, timeZone: string): LocalTime {
  const parts = partsOf(instant, timeZone);
  const hour24 = Number(parts.hour);
  const hour12 = hour24 % 12 === 0 ? 12 : hour24 % 12;
  return {
    localDate: `${parts.year}-${parts.month}-${parts.day}`,
    spokenTime: `${hour12}:${parts.minute} ${hour24 < 12 ? 'AM' : 'PM'}`,
    dayOfWeek: parts.weekday ?? '',
  };
}

/**
 * How `locale` words a time of day (with the weekday or not), one formatter per locale, zone and form: building an
 * Intl.DateTimeFormat costs far more than using one, and a function speaks in one locale and zone all its life.
 */
const spokenFormats = new Map<string, Intl.DateTimeFormat>();

function isSupportedLocale(locale: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf(locale).length > 0;
  } catch {
    return false;
  }
}

function spokenFormat(locale: string, timeZone: string, withDay: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withDay}`;
  let format = spokenFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = { timeZone, hour: 'numeric', minute: '2-digit', ...(withDay ? { weekday: 'long' } : {}) };
    // The construct only sets locales it could format; one this runtime cannot (or a malformed tag) speaks en-US
    // rather than refusing every booking over the wording of a time.
    const usable = isSupportedLocale(locale) ? locale : 'en-US';
    format = new Intl.DateTimeFormat(usable, options);
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

/**
 * The calendar day (YYYY-MM-DD) that `instant` falls on in `timeZone`: the day a per-number daily limit counts in. The
 * zone's own rules decide it, so a day across a DST change is still one day, of 23 or 25 hours.
 */
export function localDate(instant: Date, timeZone: string): string {
  return localTime(instant, timeZone).localDate;
}
