/**
 * The reconciler: what it does to each open record, and when. Contact events are "emitted on a best effort basis"
 * (contact-events.html) and a CTR older than the event source's maximum age goes to a dead-letter queue, so a record
 * can stay open although Amazon Connect has long finished with its callback: PENDING with its callback ended (the
 * number stays blocked), or CANCELLED with its callback still queued (never stopped).
 *
 * Each run reads the open records from the sparse index (never the whole table) and, per record:
 * - callback contact id known: DescribeContact. Ended (DisconnectTimestamp set) -> COMPLETED(ENDED), the write the
 *   CTR processor makes for the callback's own CTR. Still there and CANCELLED -> StopContact and
 *   COMPLETED(REMOVED_BY_API), the removal every other path makes (callback-lifecycle.ts). Unknown to DescribeContact
 *   and CANCELLED -> the same removal (StopContact answers "not found", the callback is not queued); PENDING -> flagged.
 * - id never learned: flagged, since no documented API finds a callback from its inbound contact. SearchContacts does
 *   not show queued callbacks ("Queued in-progress contacts including queued callbacks are not shown",
 *   contact-search.html), and ListAssociatedContacts is documented only as "Provides information about contact tree,
 *   a list of associated contacts with a unique identifier" (API_ListAssociatedContacts.html): nothing says that an
 *   inbound contact's tree lists the callback it created, or that voice contacts are in one, so it is not used.
 * - past the longest time a callback can wait (LONGEST_CALLBACK_WAIT_SECONDS) with nothing found to say otherwise ->
 *   COMPLETED(EXPIRED), which frees the number.
 * Every write is one of the store's conditional transitions, so a record that moved on meanwhile is left as it is.
 *
 * A record is left alone for its first GRACE_SECONDS (and a cancel for GRACE_SECONDS after it): the contact event,
 * the CTRs and the caller's own StopContact normally settle it in that time. DescribeContact shares the account's
 * Amazon Connect API rate with everything else there (the best-practices page says "The throttling limits are defined
 * for each API separately at the AWS account level"), so the calls of a run are spaced and capped, and a PENDING
 * record, whose callback may legitimately still wait, is looked up on a schedule that thins out as it ages
 * (lookupDue): after 30 minutes, 1, 2, 4, 8, 16 hours, then every 12 hours, 38 times in 17 days, each once whatever the
 * interval; a callback answered within half an hour is never looked up. A CANCELLED record is looked up on every run
 * until it is settled: a cancelled callback still queued may yet reach an agent.
 */
import { type RemovalOutcome, removeCancelledCallback } from './callback-lifecycle';
import { countOutcome, countRemoval } from './callback-metrics';
import type { CallbackRecord, CallbackStore, ReconcilerFlag } from './callback-store';
import type { ContactDescriber } from './contact-describer';
import type { ContactStopper } from './contact-stopper';
import { LONGEST_CALLBACK_WAIT_SECONDS, METRICS, METRIC_PATHS } from './contract';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import type { OpenRecordsPage, OpenRecordsReader } from './open-records';

/** A record's first minutes belong to the contact event, the CTRs and the caller's own StopContact. */
export const GRACE_SECONDS = 5 * 60;
/**
 * A PENDING record's first lookup: its callback's own CTR comes about a minute after the callback ends, so a record
 * still PENDING half an hour after booking is the first worth asking about.
 */
export const FIRST_LOOKUP_SECONDS = 30 * 60;
/** The longest gap between two lookups of a PENDING record. */
export const MAX_LOOKUP_SPACING_SECONDS = 12 * 60 * 60;
/**
 * Amazon Connect calls (DescribeContact, StopContact) one run may make at most: with the construct's spacing of a
 * second, about four minutes of the function's five.
 */
export const MAX_CONNECT_CALLS_PER_RUN = 250;
/** Open records read per Query page. */
const PAGE_SIZE = 250;

/**
 * Whether a PENDING record of age `ageSeconds` is due for a lookup in a run that comes `intervalSeconds` after the
 * previous one: whether one of its lookup times (FIRST_LOOKUP_SECONDS, then each twice the previous, at most
 * MAX_LOOKUP_SPACING_SECONDS apart) fell since the previous run. Stateless: nothing is written to remember a lookup.
 */
export function lookupDue(ageSeconds: number, intervalSeconds: number): boolean {
  for (let slot = FIRST_LOOKUP_SECONDS; slot <= ageSeconds; slot = Math.min(slot * 2, slot + MAX_LOOKUP_SPACING_SECONDS)) {
    if (slot > ageSeconds - intervalSeconds) return true;
  }
  return false;
}

export type RecordAction =
  | 'ENDED' | 'REMOVED' | 'STOP_REFUSED' | 'EXPIRED'
  | 'FLAGGED' | 'STILL_WAITING' | 'NOT_DUE' | 'MOVED_ON' | 'BACKLOG';

/** What the reconciler completes a record as: a customer-first callback stopped while it rang ends DIAL_STOPPED. */
export type RepairedAs = 'ENDED' | 'REMOVED_BY_API' | 'DIAL_STOPPED' | 'STOP_REFUSED' | 'EXPIRED';

export interface ReconcileSummary {
  /** Open records read from the index. */
  readonly open: number;
  readonly lookups: number;
  readonly stops: number;
  /** Records this run completed, by resolution. */
  readonly repaired: Partial<Record<RepairedAs, number>>;
  readonly flagged: number;
  /** Records due for a lookup that the run had no calls or time left for; the next run comes back to them. */
  readonly backlog: number;
  /** What happened to each record, by record id (for the logs and the simulator's transcript). */
  readonly actions: Record<string, RecordAction>;
}

export interface ReconcilerDependencies {
  readonly store: CallbackStore;
  readonly listOpen: OpenRecordsReader;
  readonly stopContact: ContactStopper;
  readonly describeContact: ContactDescriber;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly queueArn: string;
  /** Seconds since the previous scheduled run (the construct's reconcileInterval). */
  readonly intervalSeconds: number;
  /** Milliseconds kept between two Amazon Connect calls. */
  readonly callSpacingMs: number;
  /** When the run must stop starting new work (epoch ms). */
  readonly deadlineMs: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function reconcileOpenRecords(deps: ReconcilerDependencies): Promise<ReconcileSummary> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const actions: Record<string, RecordAction> = {};
  const repaired: Record<string, number> = {};
  let lookups = 0;
  let stops = 0;
  let flagged = 0;
  let backlog = 0;
  let lastCallAt = -Infinity;

  const records: CallbackRecord[] = [];
  let startKey: OpenRecordsPage['nextKey'];
  do {
    const page = await deps.listOpen(deps.queueArn, { limit: PAGE_SIZE, startKey });
    records.push(...page.records);
    startKey = page.nextKey;
  } while (startKey && now() < deps.deadlineMs);
  deps.metrics.count(METRICS.OPEN_CALLBACKS, records.length);

  const runAt = now();
  const ageOf = (iso: string | undefined) => (iso === undefined ? NaN : (runAt - Date.parse(iso)) / 1000);
  // Cancels first (each needs action, the oldest most), then the PENDING records, oldest first as the index gives them.
  const ordered = [...records.filter((r) => r.status === 'CANCELLED'), ...records.filter((r) => r.status !== 'CANCELLED')];

  /** Waits for the spacing, and says whether a Connect call may still be made in this run. */
  const mayCall = async (): Promise<boolean> => {
    if (lookups + stops >= MAX_CONNECT_CALLS_PER_RUN) return false;
    const wait = lastCallAt + deps.callSpacingMs - now();
    if (wait > 0) await sleep(wait);
    if (now() >= deps.deadlineMs) return false;
    lastCallAt = now();
    return true;
  };
  const stopper: ContactStopper = async (contactId) => {
    stops += 1;
    return deps.stopContact(contactId);
  };
  const repairedAs = (resolution: RepairedAs) => {
    repaired[resolution] = (repaired[resolution] ?? 0) + 1;
    deps.metrics.count(METRICS.RECONCILER_REPAIRS);
  };
  const removal = async (record: CallbackRecord): Promise<RecordAction> => {
    if (!(await mayCall())) return 'BACKLOG';
    const removed: RemovalOutcome = await removeCancelledCallback(deps.store, stopper, record);
    countRemoval(deps.metrics, removed, METRIC_PATHS.RECONCILER);
    if (removed.kind === 'REMOVED' && removed.completedHere) {
      repairedAs(removed.record.resolution === 'DIAL_STOPPED' ? 'DIAL_STOPPED' : 'REMOVED_BY_API');
      return 'REMOVED';
    }
    if (removed.kind === 'STOP_REFUSED' && removed.record.resolution === 'STOP_REFUSED') {
      repairedAs('STOP_REFUSED');
      return 'STOP_REFUSED';
    }
    return 'MOVED_ON';
  };
  const flag = async (record: CallbackRecord, why: ReconcilerFlag): Promise<RecordAction> => {
    if (record.flag === undefined) {
      const stored = await deps.store.flagOpenRecord(record.recordId, why);
      if (!stored) return 'MOVED_ON';
      flagged += 1;
      deps.metrics.count(METRICS.RECONCILER_FLAGS);
      deps.log.warn('open record flagged: no documented API can say what became of its callback', { recordId: record.recordId, flag: why, status: record.status });
    }
    return 'FLAGGED';
  };
  /** Past the longest wait, nothing found to say the callback is still there: the number is freed. */
  const expireIfPastLongestWait = async (record: CallbackRecord, why: ReconcilerFlag): Promise<RecordAction> => {
    if (ageOf(record.createdAt) < LONGEST_CALLBACK_WAIT_SECONDS) return flag(record, why);
    const cutoff = new Date(runAt - LONGEST_CALLBACK_WAIT_SECONDS * 1000).toISOString();
    const expired = await deps.store.completeExpired(record.recordId, cutoff);
    if (expired.kind !== 'APPLIED') return 'MOVED_ON';
    repairedAs('EXPIRED');
    countOutcome(deps.metrics, 'EXPIRED');
    return 'EXPIRED';
  };

  for (const record of ordered) {
    let action: RecordAction;
    const cancelled = record.status === 'CANCELLED';
    const age = ageOf(cancelled ? record.cancelledAt ?? record.createdAt : record.createdAt);
    if (!(age >= GRACE_SECONDS)) {
      action = 'NOT_DUE';
    } else if (contactToLookUp(record) === undefined) {
      action = await expireIfPastLongestWait(record, 'CALLBACK_ID_UNKNOWN');
    } else if (!cancelled && !lookupDue(ageOf(record.createdAt), deps.intervalSeconds) && ageOf(record.createdAt) < LONGEST_CALLBACK_WAIT_SECONDS) {
      action = 'NOT_DUE';
    } else if (!(await mayCall())) {
      action = 'BACKLOG';
    } else {
      lookups += 1;
      deps.metrics.count(METRICS.RECONCILER_LOOKUPS);
      const contact = await deps.describeContact(contactToLookUp(record)!);
      if (contact.kind === 'FOUND' && contact.disconnectedAt !== undefined) {
        const ended = await deps.store.completeEnded(record.recordId);
        if (ended.kind === 'APPLIED') {
          repairedAs('ENDED');
          countOutcome(deps.metrics, 'ENDED');
          action = 'ENDED';
        } else {
          action = 'MOVED_ON';
        }
      } else if (cancelled) {
        action = await removal(record);
      } else if (contact.kind === 'NOT_FOUND') {
        action = await expireIfPastLongestWait(record, 'CONTACT_NOT_FOUND');
      } else {
        action = 'STILL_WAITING';
      }
    }
    if (action === 'BACKLOG') backlog += 1;
    actions[record.recordId] = action;
    if (['ENDED', 'REMOVED', 'STOP_REFUSED', 'EXPIRED'].includes(action)) {
      deps.log.info('open record repaired', { recordId: record.recordId, was: record.status, action, callbackContactId: record.callbackContactId });
    }
  }
  if (backlog > 0) deps.metrics.count(METRICS.RECONCILER_BACKLOG, backlog);
  return { open: records.length, lookups, stops, repaired, flagged, backlog, actions };
}

/**
 * The contact whose state settles the record: a customer-first callback's dialled leg once its id is known (its
 * queued leg is disconnected when the dial begins, customer-first-cb.html, so that leg's end says nothing of the
 * call), otherwise the callback contact (an agent-first callback, or a customer-first one still queued).
 */
function contactToLookUp(record: CallbackRecord): string | undefined {
  return record.dialledContactId ?? record.callbackContactId;
}
