/**
 * The admission policy's closing-time rules against the queue's effective hours of operation, asked of Connect with
 * GetEffectiveHoursOfOperations: the hours with the overrides applied, "Get the hours of operations with the effective
 * override applied" (APIReference/API_GetEffectiveHoursOfOperations.html). DescribeHoursOfOperation gives only the
 * weekly pattern, and the flow's Check hours of operation block only says open or closed now, which tells neither how
 * long until the close nor when the queue opens next.
 *
 * Only the write-callback-hours asset imports this module (and with it @aws-sdk/client-connect): the write-callback
 * asset of a construct without hours rules carries neither.
 *
 * The answer is kept per warm container for HOURS_CACHE_MS, a failure for FAILURE_CACHE_MS: Connect's API is throttled
 * per account (2 requests per second by default for most operations, adminguide/amazon-connect-service-limits.html),
 * so a busy queue must not ask on every booking, nor retry a throttled call on every booking. One entry: the function
 * has one hours of operation.
 */
import { ConnectClient, GetEffectiveHoursOfOperationsCommand } from '@aws-sdk/client-connect';
import type { HoursRules } from './config';
import { isUsableTimeZone } from './local-time';
import { type HoursDecision, type Opening, datesAround, decideByHours, openingsOf } from './opening-hours';
import { boundedClientOptions } from './sdk-bounds';

export const HOURS_CACHE_MS = 5 * 60_000;
export const FAILURE_CACHE_MS = 30_000;
/**
 * Dates asked for: from the day before (hours that run past midnight) to this many days after, enough for the longest
 * deferral (3 days) and the opening it lands in. The API reference gives no maximum range.
 */
const DAYS_AHEAD = 4;

/** Why the hours could not be told: the policy then fails open (the booking goes ahead). */
export type HoursUnknown = { readonly kind: 'UNKNOWN'; readonly why: string };

export interface HoursCheck {
  decide(now: number, abortSignal?: AbortSignal): Promise<HoursDecision | HoursUnknown>;
}

type Cached =
  | { readonly kind: 'HOURS'; readonly at: number; readonly openings: readonly Opening[] }
  | { readonly kind: 'FAILED'; readonly at: number; readonly why: string };

export function createHoursCheck(
  rules: HoursRules,
  clientFactory: () => ConnectClient = () => new ConnectClient(boundedClientOptions()),
): HoursCheck {
  let client: ConnectClient | undefined;
  let cached: Cached | undefined;
  const closingRules = {
    stopBeforeCloseMs: rules.stopBeforeCloseSeconds * 1000,
    whenClosed: rules.whenClosed,
    deferralDelaysSeconds: rules.deferralDelaysSeconds,
  };

  const fetchOpenings = async (now: number, abortSignal?: AbortSignal): Promise<Cached> => {
    client ??= clientFactory();
    try {
      // The hours' zone is only known from the answer, so the window is in UTC dates, widened by a day each side (a
      // zone's date is at most a day off UTC's): from the local day before, for hours that run past midnight.
      const { from, to } = datesAround(now, 'UTC', 2, DAYS_AHEAD + 1);
      const answer = await client.send(new GetEffectiveHoursOfOperationsCommand({
        InstanceId: rules.instanceId,
        HoursOfOperationId: rules.hoursOfOperationId,
        FromDate: from,
        ToDate: to,
      }), { abortSignal });
      const timeZone = answer.TimeZone;
      if (!timeZone || !isUsableTimeZone(timeZone)) return { kind: 'FAILED', at: now, why: `the hours of operation have no usable time zone (${String(timeZone)})` };
      return { kind: 'HOURS', at: now, openings: openingsOf(answer.EffectiveHoursOfOperationList ?? [], timeZone) };
    } catch (error) {
      return { kind: 'FAILED', at: now, why: `GetEffectiveHoursOfOperations failed: ${(error as { name?: string }).name ?? String(error)}` };
    }
  };

  return {
    async decide(now, abortSignal) {
      const fresh = cached && now >= cached.at
        && now - cached.at < (cached.kind === 'HOURS' ? HOURS_CACHE_MS : FAILURE_CACHE_MS);
      if (!fresh) cached = await fetchOpenings(now, abortSignal);
      const current = cached!;
      if (current.kind === 'FAILED') return { kind: 'UNKNOWN', why: current.why };
      return decideByHours(now, current.openings, closingRules);
    },
  };
}

