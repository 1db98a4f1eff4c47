/** What the life-cycle steps count (METRICS in contract.ts), in one place for every handler that takes them. */
import type { LearnIdOutcome, RemovalOutcome } from './callback-lifecycle';
import type { CallbackResolution } from './contract';
import { METRICS } from './contract';
import { byPath, byResolution, type Metrics } from './metrics';

/** A record this invocation moved to COMPLETED. */
export function countOutcome(metrics: Metrics, resolution: CallbackResolution): void {
  metrics.count(METRICS.OUTCOMES, 1, byResolution(resolution));
}

/** A removal of a cancelled callback: counted by path only when this invocation's write completed the record. */
export function countRemoval(metrics: Metrics, removal: RemovalOutcome, path: string): void {
  if (removal.kind === 'REMOVED' && removal.completedHere) {
    metrics.count(METRICS.REMOVALS, 1, byPath(path));
    // A customer-first callback stopped while it rang ends DIAL_STOPPED, any other removal REMOVED_BY_API.
    countOutcome(metrics, removal.record.resolution ?? 'REMOVED_BY_API');
  } else if (removal.kind === 'STOP_REFUSED' && removal.record.resolution === 'STOP_REFUSED') {
    countOutcome(metrics, 'STOP_REFUSED');
  }
}

/**
 * A callback contact id stored by `path`, and the removal that may have followed. The lag from booking is recorded
 * when this call stored the id: the store stamps callbackIdLearnedAt only on the first write of the id, with the time
 * of that request, so a stamp no earlier than `requestedAtMs` is this call's own (a concurrent delivery within the same
 * millisecond would be counted twice; CTRs and contact events are minutes apart).
 */
export function countLearned(metrics: Metrics, outcome: LearnIdOutcome, path: string, requestedAtMs: number): void {
  if (outcome.kind !== 'LEARNED') return;
  const { record } = outcome.removal;
  const learnedAt = record.callbackIdLearnedAt === undefined ? NaN : Date.parse(record.callbackIdLearnedAt);
  const bookedAt = Date.parse(record.createdAt);
  if (learnedAt >= requestedAtMs && Number.isFinite(bookedAt)) {
    metrics.duration(METRICS.CALLBACK_ID_LAG, Math.max(0, learnedAt - bookedAt), byPath(path));
  }
  countRemoval(metrics, outcome.removal, path);
}
