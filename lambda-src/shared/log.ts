/**
 * One JSON object per line, with every phone-number-like digit run masked.
 *
 * Callers pass phone numbers through maskPhone already; the scrub of every string value is the
 * safety net for a number that arrives inside an error message or an unexpected field.
 */

const DIGITS_KEPT = 2;
/**
 * Left alone: an ISO-8601 timestamp, or a UUID (contact ids, whose hex groups often hold long digit
 * runs). Masked: seven or more digits with the separators people type between them.
 */
const KEPT_OR_LONG_DIGIT_RUN = new RegExp([
  '(\\d{4}-[01]\\d-[0-3]\\d(?:T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?',
  '|\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b)',
  '|\\+?\\d(?:[\\s().-]*\\d){6,}',
].join(''), 'g');

/** '+447911123456' -> '+**********56': enough to tell two numbers apart in a log, not to call them. */
export function maskPhone(phone: string | undefined): string | undefined {
  if (phone === undefined) return undefined;
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= DIGITS_KEPT) return '*'.repeat(digits.length);
  return `${phone.trim().startsWith('+') ? '+' : ''}${'*'.repeat(digits.length - DIGITS_KEPT)}${digits.slice(-DIGITS_KEPT)}`;
}

export function scrub(text: string): string {
  return text.replace(KEPT_OR_LONG_DIGIT_RUN, (run, kept?: string) => kept ?? maskPhone(run) ?? '');
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) >= 1e6 ? scrub(String(value)) : value;
  if (value instanceof Error) return { name: value.name, message: scrub(value.message) };
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, depth + 1)]));
}

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(component: string): Logger {
  const write = (level: Level, message: string, fields: Record<string, unknown> = {}) => {
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level,
      component,
      message: scrub(message),
      ...(scrubValue(fields, 0) as Record<string, unknown>),
    });
    if (level === 'ERROR' || level === 'WARN') console.error(line); else console.log(line);
  };
  return {
    info: (message, fields) => write('INFO', message, fields),
    warn: (message, fields) => write('WARN', message, fields),
    error: (message, fields) => write('ERROR', message, fields),
  };
}

/** What is safe to log about a failure: its name and a scrubbed message, never the request it carried. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: scrub(error.message) };
  return { name: 'NonError', message: scrub(String(error)) };
}
