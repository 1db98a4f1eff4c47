/**
 * Cold-start probe: a module that, at load, only creates an Intl.DateTimeFormat for the configured TIME_ZONE
 * (as a handler does when it validates its time zone setting), to show what that costs in a fresh process.
 */
const format = new Intl.DateTimeFormat('en-US', { timeZone: process.env.TIME_ZONE ?? 'UTC', hour: '2-digit' });

export async function handler(): Promise<Record<string, string>> {
  return { result: format.resolvedOptions().timeZone ? 'OK' : 'ERROR' };
}
