/**
 * Removal of a cancelled callback from the Amazon Connect queue. Three paths reach it, in any order:
 * the caller's cancel (id already known), and the contact event processor or the CTR processor learning
 * the id after a cancel (or receiving it again after a StopContact that failed). Each ends in the same
 * conditional CANCELLED -> COMPLETED(REMOVED_BY_API) write, and StopContact on a contact that is already
 * gone is harmless, so running it twice is safe. A StopContact refusal that retrying cannot fix ends the work for
 * the record instead (COMPLETED(STOP_REFUSED), the error kept): retried, it would only hold up its CTR shard and
 * end in a dead-letter queue with the record still CANCELLED.
 */
import type { CallbackRecord, CallbackStore } from './callback-store';
import { type ContactStopper, StopContactRefused, type StopOutcome } from './contact-stopper';
import { removeCancelledCustomerFirstCallback } from './customer-first-lifecycle';

export type RemovalOutcome =
  /** `completedHere`: this call's write completed it (false when another path completed it meanwhile). */
  | { readonly kind: 'REMOVED'; readonly stop: StopOutcome; readonly record: CallbackRecord; readonly completedHere: boolean }
  /** StopContact refused the callback contact for good: the record is COMPLETED(STOP_REFUSED). */
  | { readonly kind: 'STOP_REFUSED'; readonly error: string; readonly record: CallbackRecord }
  /** Not CANCELLED (still PENDING, or COMPLETED already): nothing to remove. */
  | { readonly kind: 'NOT_CANCELLED'; readonly record: CallbackRecord }
  /** CANCELLED, but the callback contact id is not known yet; whichever processor learns it finishes the job. */
  | { readonly kind: 'ID_UNKNOWN'; readonly record: CallbackRecord }
  /**
   * Customer-first: CANCELLED, and StopContact found the leg it targeted gone already (the queued leg was taken out to
   * dial, or the dialled leg ended); the next leg's id, or the leg's end, finishes the record.
   */
  | { readonly kind: 'LEG_ENDED'; readonly leg: 'QUEUED' | 'DIALLED'; readonly record: CallbackRecord };

/** Stops the callback contact of a CANCELLED record and completes it. StopContact failures that may pass are thrown. */
export async function removeCancelledCallback(
  store: CallbackStore,
  stopContact: ContactStopper,
  record: CallbackRecord,
): Promise<RemovalOutcome> {
  if (record.status !== 'CANCELLED') return { kind: 'NOT_CANCELLED', record };
  if (record.callbackMode === 'CUSTOMER_FIRST') return removeCancelledCustomerFirstCallback(store, stopContact, record);
  if (!record.callbackContactId) return { kind: 'ID_UNKNOWN', record };
  let stop: StopOutcome;
  try {
    stop = await stopContact(record.callbackContactId);
  } catch (error) {
    if (!(error instanceof StopContactRefused)) throw error;
    const refused = await store.completeStopRefused(record.recordId, error.errorName);
    return { kind: 'STOP_REFUSED', error: error.errorName, record: refused.kind === 'NOT_FOUND' ? record : refused.record };
  }
  const completion = await store.completeRemovedByApi(record.recordId);
  // REFUSED here means another path completed it meanwhile (e.g. the agent hung up): report that state.
  const after = completion.kind === 'NOT_FOUND' ? record : completion.record;
  return { kind: 'REMOVED', stop, record: after, completedHere: completion.kind === 'APPLIED' };
}

export type LearnIdOutcome =
  /** No record under that id: not a callback this table booked (another flow's, or expired and deleted). */
  | { readonly kind: 'NO_RECORD' }
  /** The record already holds another callback contact id, which is kept. */
  | { readonly kind: 'CONFLICT'; readonly record: CallbackRecord }
  /** The id is stored (now or before); a record cancelled meanwhile has been removed from the queue. */
  | { readonly kind: 'LEARNED'; readonly removal: RemovalOutcome };

/**
 * Stores the callback contact id on the record booked by the inbound contact `recordId`, and, when the caller
 * has already cancelled, removes the callback from the queue at once. Both sources of the id (the contact
 * event, the inbound contact's CTR) come through here, in either order and any number of times: the store
 * keeps the first id, and only a CANCELLED record is stopped, after which it is COMPLETED, so a later
 * delivery finds nothing left to stop.
 */
export async function learnCallbackContactId(
  store: CallbackStore,
  stopContact: ContactStopper,
  recordId: string,
  callbackContactId: string,
): Promise<LearnIdOutcome> {
  const learned = await store.learnCallbackId(recordId, callbackContactId);
  if (learned.kind === 'NOT_FOUND') return { kind: 'NO_RECORD' };
  if (learned.kind === 'CONFLICT') return { kind: 'CONFLICT', record: learned.record };
  return { kind: 'LEARNED', removal: await removeCancelledCallback(store, stopContact, learned.record) };
}

/** A short, log-safe word for an outcome: 'no record', 'conflict', 'removed (STOPPED)', 'id learned (PENDING)'. */
export function describeLearnOutcome(outcome: LearnIdOutcome): string {
  if (outcome.kind === 'NO_RECORD') return 'no record';
  if (outcome.kind === 'CONFLICT') return 'conflict';
  const { removal } = outcome;
  if (removal.kind === 'REMOVED') return `removed (${removal.stop})`;
  if (removal.kind === 'STOP_REFUSED') return `StopContact refused (${removal.error})`;
  if (removal.kind === 'LEG_ENDED') return `${removal.leg.toLowerCase()} leg already ended (${removal.record.status})`;
  return `id learned (${removal.record.status})`;
}
