/**
 * What a customer-first callback's legs mean for its record ("Use customer first callback mode",
 * https://docs.aws.amazon.com/connect/latest/adminguide/customer-first-cb.html). The inbound contact C1 books it; the
 * queued leg C2 (CALLBACK_CUSTOMER_FIRST_QUEUED, previous contact C1) waits in the queue "waiting out to dial" until an
 * agent is available, and is disconnected when it is "taken out from queue to dial out end customer" (its example
 * contact record); the dialled leg C3 (CALLBACK_CUSTOMER_FIRST_DIALED, previous contact C2, initial contact C1) calls
 * the customer, runs the outbound callback flow once the call has media, and only then is queued for an agent.
 *
 * So which contact stops a cancelled callback depends on how far it got: C2 while it is queued (before any dial), C3
 * once the dial has begun. A stop that finds its leg gone already is not a removal: C2 gone means it was taken out of
 * the queue to dial (C3's id is on its way) or ended; C3 gone means the call ended by itself. Either way the next
 * delivery (C3's id, or the end of C2 or C3) finishes the record, so the record stays CANCELLED until then.
 *
 * StopContact's reference (API_StopContact.html) excludes neither initiation method, and says nothing of them: what it
 * does to C3 while it rings is not documented (the simulator's `stopContactDuringDial` chooses).
 */
import type { LearnIdOutcome, RemovalOutcome } from './callback-lifecycle';
import type { CallbackRecord, CallbackStore, CustomerFirstLegs, DialledLegOutcome } from './callback-store';
import { type ContactStopper, StopContactRefused, type StopOutcome } from './contact-stopper';

/** Stops the leg a CANCELLED customer-first record has reached, and completes it when the stop ended that leg. */
export async function removeCancelledCustomerFirstCallback(
  store: CallbackStore,
  stopContact: ContactStopper,
  record: CallbackRecord,
): Promise<RemovalOutcome> {
  const dialled = record.dialledContactId;
  const leg = dialled ?? record.callbackContactId;
  if (!leg) return { kind: 'ID_UNKNOWN', record };
  let stop: StopOutcome;
  try {
    stop = await stopContact(leg);
  } catch (error) {
    if (!(error instanceof StopContactRefused)) throw error;
    const refused = await store.completeStopRefused(record.recordId, error.errorName);
    return { kind: 'STOP_REFUSED', error: error.errorName, record: refused.kind === 'NOT_FOUND' ? record : refused.record };
  }
  if (stop === 'ALREADY_GONE') return { kind: 'LEG_ENDED', leg: dialled ? 'DIALLED' : 'QUEUED', record };
  const completion = dialled ? await store.completeDialStopped(record.recordId) : await store.completeRemovedByApi(record.recordId);
  // REFUSED: another path completed it meanwhile (the outbound callback flow, the leg's end): report that state.
  return {
    kind: 'REMOVED',
    stop,
    record: completion.kind === 'NOT_FOUND' ? record : completion.record,
    completedHere: completion.kind === 'APPLIED',
  };
}

/**
 * Stores the dialled leg's id (and its queued leg's) on the record, and stops the dial at once when the caller has
 * cancelled meanwhile: the same step for C3's INITIATED contact event and C2's CTR, in either order, any number of times.
 */
export async function learnDialledLeg(
  store: CallbackStore,
  remove: (record: CallbackRecord) => Promise<RemovalOutcome>,
  recordId: string,
  legs: CustomerFirstLegs,
): Promise<LearnIdOutcome> {
  const learned = await store.learnDialledContactId(recordId, legs);
  if (learned.kind === 'NOT_FOUND') return { kind: 'NO_RECORD' };
  if (learned.kind === 'CONFLICT') return { kind: 'CONFLICT', record: learned.record };
  return { kind: 'LEARNED', removal: await remove(learned.record) };
}

export type DialledLegEnd =
  | { readonly kind: 'NO_RECORD' }
  /** The record's legs are other contacts (or it was released): this leg is none of its own. */
  | { readonly kind: 'CONFLICT'; readonly record: CallbackRecord }
  | { readonly kind: 'COMPLETED'; readonly record: CallbackRecord }
  /** Completed before (by the outbound callback flow, a stop, or another delivery of this end): nothing changes. */
  | { readonly kind: 'ALREADY_COMPLETED'; readonly record: CallbackRecord };

/** The dialled leg ended (its DISCONNECTED event or its CTR): the record ends with the leg's outcome, if still open. */
export async function endDialledLeg(
  store: CallbackStore,
  recordId: string,
  legs: CustomerFirstLegs,
  outcome: DialledLegOutcome,
): Promise<DialledLegEnd> {
  const completed = await store.completeDialledLeg(recordId, legs, outcome);
  if (completed.kind === 'NOT_FOUND') return { kind: 'NO_RECORD' };
  if (completed.kind === 'APPLIED') return { kind: 'COMPLETED', record: completed.record };
  const { record } = completed;
  if (!legsMatch(record, legs) || record.resolution === 'RELEASED') return { kind: 'CONFLICT', record };
  return { kind: 'ALREADY_COMPLETED', record };
}

/** Whether the record's known legs are these (an unknown one matches anything). */
export function legsMatch(record: CallbackRecord, legs: CustomerFirstLegs): boolean {
  const dialledOk = record.dialledContactId === undefined || record.dialledContactId === legs.dialledContactId;
  const queuedOk = legs.queuedContactId === undefined || record.callbackContactId === undefined || record.callbackContactId === legs.queuedContactId;
  return dialledOk && queuedOk;
}

/**
 * How a dialled leg went, from what its contact event or contact record says of it. An agent connected, or
 * answering-machine detection HUMAN_ANSWERED, is an answer; VOICEMAIL_BEEP / VOICEMAIL_NO_BEEP a voicemail; anything
 * else (AMD_UNANSWERED, SIT tones, AMD_NOT_APPLICABLE "disconnected before ringing", or nothing) is no answer. The
 * values are those of AnsweringMachineDetectionStatus on C3's example contact record (customer-first-cb.html); which of
 * them Connect gives an unanswered callback, and with which DisconnectReason, is not documented.
 */
export function dialledLegOutcome(answeringMachineDetectionStatus: unknown, connectedToAgent: boolean): DialledLegOutcome {
  if (connectedToAgent || answeringMachineDetectionStatus === 'HUMAN_ANSWERED') return 'ANSWERED';
  if (answeringMachineDetectionStatus === 'VOICEMAIL_BEEP' || answeringMachineDetectionStatus === 'VOICEMAIL_NO_BEEP') return 'VOICEMAIL';
  return 'NOT_ANSWERED';
}
