/**
 * Reads contact trace records (CTRs) from the instance's Kinesis stream and keeps callback records
 * in step with Amazon Connect:
 * - the inbound contact's CTR carries the callback contact id (NextContactId): it is stored, and a
 *   callback cancelled before the id was known is removed from the queue now. The contact event
 *   processor usually stored it a minute or more earlier (the CTR comes only after the inbound call
 *   ends); this path is the fallback when contact events are off or one was lost, and reconciles;
 * - the callback contact's own CTR means it ended: a record still open is completed (ENDED).
 * CTRs arrive at least once and are re-sent on change; every step is idempotent.
 * A record that can never be processed (not base64 JSON, no ContactId) is logged and skipped; a failure
 * that may pass (DynamoDB or Connect unreachable, throttled) is reported in batchItemFailures, and so is
 * every later record of the batch, which Lambda retries from the first failure anyway.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { describeLearnOutcome, learnCallbackContactId } from '../shared/callback-lifecycle';
import type { CallbackStore } from '../shared/callback-store';
import { missingSettings } from '../shared/config';
import { createConnectClient, createContactStopper, type ContactStopper } from '../shared/connect-client';
import { isPlausibleContactId } from '../shared/connect-event';
import { RECORD_ID_ATTRIBUTE } from '../shared/contract';
import { describeError } from '../shared/log';
import { createRuntime, createStore } from '../shared/runtime';

const { config, log } = createRuntime('ctr-processor');
const store = createStore(config);
const stopContact = config.instanceId === undefined ? undefined : createContactStopper(createConnectClient(), config.instanceId);

/** What a CTR means for a callback record. */
type CtrAction =
  | { readonly kind: 'CALLBACK_QUEUED'; readonly recordId: string; readonly callbackContactId: string }
  | { readonly kind: 'CALLBACK_ENDED'; readonly recordId: string; readonly callbackContactId: string }
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

function parseCtr(record: KinesisStreamRecord): CtrAction {
  let ctr: unknown;
  try {
    const text = Buffer.from(record.kinesis.data, 'base64').toString('utf8');
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
  if (action.kind === 'CALLBACK_QUEUED') {
    // The same step as the contact event processor's: whichever of the two comes first stores the id.
    const outcome = await learnCallbackContactId(callbacks, stop, action.recordId, action.callbackContactId);
    if (outcome.kind === 'CONFLICT') warnConflict(action);
    return describeLearnOutcome(outcome);
  }
  const learned = await callbacks.learnCallbackId(action.recordId, action.callbackContactId);
  if (learned.kind === 'NOT_FOUND') return 'no record';
  if (learned.kind === 'CONFLICT') {
    warnConflict(action);
    return 'conflict';
  }
  const ended = await callbacks.completeEnded(action.recordId);
  return ended.kind === 'APPLIED' ? 'completed ENDED' : `already ${learned.record.status}`;
}

/** The tail of a sequence number: enough to find the record in the stream, too short to be a phone number. */
function shortSequence(sequenceNumber: string): string {
  return `...${sequenceNumber.slice(-6)}`;
}

export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  const records = event.Records ?? [];
  const problems = missingSettings(config, ['tableName', 'instanceId']);
  if (!store || !stopContact || problems.length > 0) {
    log.error('configuration invalid', { problems });
    return { batchItemFailures: records.map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })) };
  }

  const batchItemFailures: KinesisStreamBatchResponse['batchItemFailures'] = [];
  for (const record of records) {
    const sequenceNumber = record.kinesis.sequenceNumber;
    if (batchItemFailures.length > 0) {
      batchItemFailures.push({ itemIdentifier: sequenceNumber });
      continue;
    }
    let action: CtrAction;
    try {
      action = parseCtr(record);
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
