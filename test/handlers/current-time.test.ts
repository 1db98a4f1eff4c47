/** get-current-time in the configured zone; the expected values are worked out by hand from isoUtc. */
import { useTestEnvironment } from '../support/environment';
import { flowEvent } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Local wall clock of a zone with a fixed offset (no daylight saving), computed without Intl. */
function wallClock(isoUtc: string, offsetMinutes: number) {
  const local = new Date(Date.parse(isoUtc) + offsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = local.getUTCHours();
  return {
    localDate: `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
    localTime: `${pad(hours)}:${pad(local.getUTCMinutes())}`,
    spokenTime: `${hours % 12 === 0 ? 12 : hours % 12}:${pad(local.getUTCMinutes())} ${hours < 12 ? 'AM' : 'PM'}`,
    dayOfWeek: DAYS[local.getUTCDay()],
  };
}

describe.each(VARIANTS)('get-current-time (%s)', (variant) => {
  test.each([
    ['UTC', 0],
    ['Asia/Kolkata', 330],
    ['Asia/Tokyo', 540],
    ['Pacific/Kiritimati', 840],
  ])('in %s', async (timeZone, offsetMinutes) => {
    const now = env.load('get-current-time', variant, { TIME_ZONE: timeZone });
    const before = Math.floor(Date.now() / 1000);
    const reply = await now(flowEvent());
    expect(reply.result).toBe('OK');
    expect(reply.timeZone).toBe(timeZone);
    expect(Number(reply.epochSeconds)).toBeGreaterThanOrEqual(before);
    expect(Math.floor(Date.parse(reply.isoUtc) / 1000)).toBe(Number(reply.epochSeconds));
    expect(reply).toMatchObject(wallClock(reply.isoUtc, offsetMinutes));
  });

  test('defaults to UTC, never a hard-coded US zone', async () => {
    const now = env.load('get-current-time', variant, { TIME_ZONE: undefined });
    const reply = await now(flowEvent());
    expect(reply).toMatchObject({ result: 'OK', timeZone: 'UTC', ...wallClock(reply.isoUtc, 0) });
  });

  test('an unknown zone is an ERROR reply, not a wrong time', async () => {
    const now = env.load('get-current-time', variant, { TIME_ZONE: 'Mars/Olympus_Mons' });
    expect((await now(flowEvent())).result).toBe('ERROR');
  });
});
