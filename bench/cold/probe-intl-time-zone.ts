/**
 * Cold-start probe: a module that, on its first call, creates one Intl.DateTimeFormat for the configured TIME_ZONE
 * and formats the time (as write-callback does for the spoken booking time), to show what Node.js's first Intl
 * formatter (ICU's data) costs in a fresh process.
 */
export async function handler(): Promise<Record<string, string>> {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: process.env.TIME_ZONE ?? 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return { result: format.formatToParts(new Date()).length > 0 ? 'OK' : 'ERROR' };
}
