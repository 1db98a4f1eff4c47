/**
 * Reads contact trace records (CTRs) from the instance's Kinesis stream and keeps callback records
 * in step with Amazon Connect:
 * - the inbound contact's CTR carries the callback contact id (NextContactId): it is stored, and a
 *   callback cancelled before the id was known is removed from the queue now. The contact event
 *   processor usually stored it a minute or more earlier (the CTR comes only after the inbound call
 *   ends); this path is the fallback when contact events are off or one was lost, and reconciles;
 * - the callback contact's own CTR means it ended: a record still open is completed (ENDED).
 * A customer-first callback has two legs after the inbound contact (lambda-src/shared/customer-first-lifecycle.ts):
 * - the queued leg C2's CTR names the dialled leg C3 as NextContactId once the customer was dialled: both ids are
 *   stored, and a cancelled callback's dial is stopped. Without a NextContactId, C2 ended without a dial (stopped,
 *   or expired in the queue): it is the callback's end, as an agent-first callback contact's CTR is. That the first
 *   delivery of a dialled C2's CTR already carries NextContactId is the example record's reading, not a documented
 *   guarantee;
 * - the dialled leg C3's CTR is the dial's end: the record ends with its outcome (Agent, AnsweringMachineDetectionStatus).
 * CTRs arrive at least once and are re-sent on change; every step is idempotent.
 * A record that can never be processed (not base64 JSON, no ContactId, or a Kinesis record without its data or
 * sequence number, or an event without a Records list) is logged and skipped: retrying input that cannot change
 * would only hold up the shard. A failure that may pass (DynamoDB or Connect unreachable, throttled) is reported in
 * batchItemFailures, and so is every later record of the batch, which Lambda retries from the first failure anyway.
 *
 * An id is learned only for a record whose booking succeeded: from the callback's own CTR, or from the inbound CTR
 * of a contact that still carries the record id attribute. The set-callback flow clears that attribute when it
 * undoes a failed booking, so a caller it then transferred (whose NextContactId may be an agent's transfer, not a
 * callback) names no record; and the store refuses an id for a released record.
 */
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { describeLearnOutcome, learnCallbackContactId, removeCancelledCallback } from '../shared/callback-lifecycle';
import { countLearned, countOutcome, countRemoval } from '../shared/callback-metrics';
import type { CallbackStore, CustomerFirstLegs, DialledLegOutcome } from '../shared/callback-store';
import { missingSettings } from '../shared/config';
import { isPlausibleContactId } from '../shared/connect-event';
import type { ContactStopper } from '../shared/contact-stopper';
import { CUSTOMER_FIRST_INITIATION, METRIC_PATHS, RECORD_ID_ATTRIBUTE } from '../shared/contract';
import { dialledLegOutcome, endDialledLeg, learnDialledLeg } from '../shared/customer-first-lifecycle';
import { describeError } from '../shared/log';
import { createRuntime, createStopper, createStore, runInvocation } from '../shared/runtime';
import type { RemainingTime } from '../shared/time-budget';

const runtime = createRuntime('ctr-processor');
const { config, log, metrics } = runtime;
const store = createStore(runtime);
const stopContact = createStopper(runtime);

/** What a CTR means for a callback record. */
type CtrAction =
  | { readonly kind: 'CALLBACK_QUEUED'; readonly recordId: string; readonly callbackContactId: string }
  | { readonly kind: 'CALLBACK_ENDED'; readonly recordId: string; readonly callbackContactId: string }
  /** Customer-first: the queued leg's CTR names the dialled leg. */
  | { readonly kind: 'DIAL_STARTED'; readonly recordId: string; readonly legs: Required<CustomerFirstLegs> }
  /** Customer-first: the dialled leg's own CTR. */
  | { readonly kind: 'DIAL_ENDED'; readonly recordId: string; readonly legs: CustomerFirstLegs; readonly outcome: DialledLegOutcome }
  | { readonly kind: 'UNRELATED' };

class PoisonRecord extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PoisonRecord';
  }
}

function optionalId(value: unknown): string | undefined {
  return typeof value === 'string' && isPlausibleContactId(value) ? value : undefined;
}

function parseCtr(data: string): CtrAction {
  let ctr: unknown;
  try {
    const text = Buffer.from(data, 'base64').toString('utf8');
    ctr = JSON.parse(text);
  } catch {
    throw new PoisonRecord('data is not base64-encoded JSON');
  }
  if (typeof ctr !== 'object' || ctr === null || Array.isArray(ctr)) throw new PoisonRecord('CTR is not a JSON object');
  const fields = ctr as Record<string, unknown>;
  const contactId = optionalId(fields.ContactId);
  if (!contactId) throw new PoisonRecord('CTR has no usable ContactId');

  const attributes = typeof fields.Attributes === 'object' && fields.Attributes !== null
    ? fields.Attributes as Record<string, unknown>
    : {};
  const recordIdAttribute = optionalId(attributes[RECORD_ID_ATTRIBUTE]);

  if (fields.InitiationMethod === CUSTOMER_FIRST_INITIATION.QUEUED) {
    // C2's PreviousContactId is the inbound contact C1 (its example record, customer-first-cb.html).
    const recordId = optionalId(fields.PreviousContactId) ?? recordIdAttribute;
    if (!recordId || recordId === contactId) return { kind: 'UNRELATED' };
    const dialled = optionalId(fields.NextContactId);
    if (dialled && dialled !== recordId && dialled !== contactId) {
      return { kind: 'DIAL_STARTED', recordId, legs: { dialledContactId: dialled, queuedContactId: contactId } };
    }
    return { kind: 'CALLBACK_ENDED', recordId, callbackContactId: contactId };
  }
  if (fields.InitiationMethod === CUSTOMER_FIRST_INITIATION.DIALED) {
    // C3 inherits the booked contact's attributes (as C4 inherits C3's, customer-first-cb.html "Retries"); its
    // InitialContactId is C1 and its PreviousContactId C2 (its example record).
    const recordId = recordIdAttribute ?? optionalId(fields.InitialContactId);
    if (!recordId || recordId === contactId) return { kind: 'UNRELATED' };
    const queued = optionalId(fields.PreviousContactId);
    const agent = typeof fields.Agent === 'object' && fields.Agent !== null ? fields.Agent as Record<string, unknown> : undefined;
    const connectedToAgent = agent?.ConnectedToAgentTimestamp !== undefined && agent.ConnectedToAgentTimestamp !== null;
    const outcome = dialledLegOutcome(fields.AnsweringMachineDetectionStatus, connectedToAgent);
    return { kind: 'DIAL_ENDED', recordId, legs: { dialledContactId: contactId, queuedContactId: queued !== recordId ? queued : undefined }, outcome };
  }
  if (fields.InitiationMethod === 'CALLBACK') {
    // The callback contact inherits the attribute; PreviousContactId names the inbound contact too.
    const recordId = optionalId(fields.PreviousContactId) ?? recordIdAttribute;
    return recordId ? { kind: 'CALLBACK_ENDED', recordId, callbackContactId: contactId } : { kind: 'UNRELATED' };
  }
  const nextContactId = optionalId(fields.NextContactId);
  if (recordIdAttribute === contactId && nextContactId) {
    return { kind: 'CALLBACK_QUEUED', recordId: contactId, callbackContactId: nextContactId };
  }
  return { kind: 'UNRELATED' };
}

function warnConflict(action: { readonly recordId: string; readonly callbackContactId: string }): void {
  log.warn('CTR names another callback contact than the record', { recordId: action.recordId, callbackContactId: action.callbackContactId });
}

async function apply(action: CtrAction, callbacks: CallbackStore, stop: ContactStopper): Promise<string> {
  if (action.kind === 'UNRELATED') return 'unrelated';
  if (action.kind === 'DIAL_STARTED') {
    const outcome = await learnDialledLeg(callbacks, (record) => removeCancelledCallback(callbacks, stop, record), action.recordId, action.legs);
    if (outcome.kind === 'LEARNED') countRemoval(metrics, outcome.removal, METRIC_PATHS.CTR);
    if (outcome.kind === 'CONFLICT') warnConflict({ recordId: action.recordId, callbackContactId: action.legs.queuedContactId });
    return describeLearnOutcome(outcome);
  }
  if (action.kind === 'DIAL_ENDED') {
    const ended = await endDialledLeg(callbacks, action.recordId, action.legs, action.outcome);
    if (ended.kind === 'COMPLETED' && ended.record.resolution) countOutcome(metrics, ended.record.resolution);
    if (ended.kind === 'CONFLICT') warnConflict({ recordId: action.recordId, callbackContactId: action.legs.dialledContactId });
    return ended.kind === 'COMPLETED' ? `completed ${ended.record.resolution}` : ended.kind.toLowerCase().replace('_', ' ');
  }
  if (action.kind === 'CALLBACK_QUEUED') {
    // The same step as the contact event processor's: whichever of the two comes first stores the id.
    const requestedAt = Date.now();
    const outcome = await learnCallbackContactId(callbacks, stop, action.recordId, action.callbackContactId);
    countLearned(metrics, outcome, METRIC_PATHS.CTR, requestedAt);
    if (outcome.kind === 'CONFLICT') warnConflict(action);
    return describeLearnOutcome(outcome);
  }
  const requestedAt = Date.now();
  const learned = await callbacks.learnCallbackId(action.recordId, action.callbackContactId);
  if (learned.kind === 'NOT_FOUND') return 'no record';
  if (learned.kind === 'CONFLICT') {
    warnConflict(action);
    return 'conflict';
  }
  if (learned.kind === 'LEARNED') {
    countLearned(metrics, { kind: 'LEARNED', removal: { kind: 'NOT_CANCELLED', record: learned.record } }, METRIC_PATHS.CTR, requestedAt);
  }
  const ended = await callbacks.completeEnded(action.recordId);
  if (ended.kind === 'APPLIED') countOutcome(metrics, 'ENDED');
  return ended.kind === 'APPLIED' ? 'completed ENDED' : `already ${learned.record.status}`;
}

/** The tail of a sequence number: enough to find the record in the stream, too short to be a phone number. */
function shortSequence(sequenceNumber: string): string {
  return `...${sequenceNumber.slice(-6)}`;
}

/** A Kinesis record as the handler can use it; anything else in event.Records is skipped. */
interface StreamRecord {
  readonly sequenceNumber: string;
  readonly data: string;
}

function streamRecordOf(record: unknown): StreamRecord | undefined {
  const kinesis = typeof record === 'object' && record !== null ? (record as { kinesis?: unknown }).kinesis : undefined;
  if (typeof kinesis !== 'object' || kinesis === null) return undefined;
  const { sequenceNumber, data } = kinesis as { sequenceNumber?: unknown; data?: unknown };
  return typeof sequenceNumber === 'string' && sequenceNumber !== '' && typeof data === 'string' ? { sequenceNumber, data } : undefined;
}

export function handler(event: unknown, context?: RemainingTime): Promise<KinesisStreamBatchResponse> {
  return runInvocation(runtime, context, () => processBatch(event));
}

async function processBatch(event: unknown): Promise<KinesisStreamBatchResponse> {
  const listed = typeof event === 'object' && event !== null ? (event as { Records?: unknown }).Records : undefined;
  if (!Array.isArray(listed)) {
    log.error('event without a Records list skipped');
    return { batchItemFailures: [] };
  }
  const records: StreamRecord[] = [];
  for (const [index, candidate] of listed.entries()) {
    const record = streamRecordOf(candidate);
    if (record) records.push(record);
    // Without a sequence number it could not even be reported for a retry: it is a poison record.
    else log.error('poison Kinesis record skipped', { index, reason: 'no kinesis.sequenceNumber or kinesis.data' });
  }
  const problems = missingSettings(config, ['tableName', 'instanceId']);
  if (!store || !stopContact || problems.length > 0) {
    log.error('configuration invalid', { problems });
    return { batchItemFailures: records.map((record) => ({ itemIdentifier: record.sequenceNumber })) };
  }

  const batchItemFailures: KinesisStreamBatchResponse['batchItemFailures'] = [];
  for (const { sequenceNumber, data } of records) {
    if (batchItemFailures.length > 0) {
      batchItemFailures.push({ itemIdentifier: sequenceNumber });
      continue;
    }
    let action: CtrAction;
    try {
      action = parseCtr(data);
    } catch (error) {
      log.error('poison CTR skipped', { sequence: shortSequence(sequenceNumber), error: describeError(error) });
      continue;
    }
    try {
      const outcome = await apply(action, store, stopContact);
      if (action.kind !== 'UNRELATED') log.info('CTR applied', { recordId: action.recordId, ctr: action.kind, outcome });
    } catch (error) {
      log.warn('CTR will be retried', { sequence: shortSequence(sequenceNumber), error: describeError(error) });
      batchItemFailures.push({ itemIdentifier: sequenceNumber });
    }
  }
  return { batchItemFailures };
}
