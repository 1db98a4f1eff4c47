/**
 * Removal of a cancelled callback from the Amazon Connect queue. Three paths reach it, in any order:
 * the caller's cancel (id already known), the stop-contact handler, and the CTR processor learning the
 * id after a cancel. Each ends in the same conditional CANCELLED -> COMPLETED(REMOVED_BY_API) write,
 * and StopContact on a contact that is already gone is harmless, so running it twice is safe.
 */
import type { CallbackRecord, CallbackStore } from './callback-store';
import type { ContactStopper, StopOutcome } from './connect-client';

export type RemovalOutcome =
  | { readonly kind: 'REMOVED'; readonly stop: StopOutcome; readonly record: CallbackRecord }
  /** Not CANCELLED (still PENDING, or COMPLETED already): nothing to remove. */
  | { readonly kind: 'NOT_CANCELLED'; readonly record: CallbackRecord }
  /** CANCELLED, but the callback contact id is not known yet; the CTR processor will finish the job. */
  | { readonly kind: 'ID_UNKNOWN'; readonly record: CallbackRecord };

/** Stops the callback contact of a CANCELLED record and completes it. StopContact failures are thrown. */
export async function removeCancelledCallback(
  store: CallbackStore,
  stopContact: ContactStopper,
  record: CallbackRecord,
): Promise<RemovalOutcome> {
  if (record.status !== 'CANCELLED') return { kind: 'NOT_CANCELLED', record };
  if (!record.callbackContactId) return { kind: 'ID_UNKNOWN', record };
  const stop = await stopContact(record.callbackContactId);
  const completion = await store.completeRemovedByApi(record.recordId);
  // REFUSED here means another path completed it meanwhile (e.g. the agent hung up): report that state.
  const after = completion.kind === 'NOT_FOUND' ? record : completion.record;
  return { kind: 'REMOVED', stop, record: after };
}
