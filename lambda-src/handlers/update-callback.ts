/**
 * Moves a callback record along its life cycle from a flow:
 * - CANCEL (caller, inbound flow): PENDING -> CANCELLED, and in the same invocation removes the queued
 *   callback with StopContact when its contact id is known (else the CTR processor does it on learning it).
 * - CONNECT (outbound whisper, customer answered): PENDING -> COMPLETED(CONNECTED).
 * - AGENT_HANG_UP (agent whisper of a cancelled callback): CANCELLED -> COMPLETED(HUNG_UP_BY_AGENT).
 * A transition the stored state does not allow is a REFUSED reply with that state, never an error.
 */
import { removeCancelledCallback } from '../shared/callback-lifecycle';
import type { CallbackRecord, TransitionOutcome } from '../shared/callback-store';
import { missingSettings } from '../shared/config';
import { createConnectClient, createContactStopper } from '../shared/connect-client';
import { contactData, type ConnectFlowEvent, type FlowReply, isPlausibleContactId, parameter, recordIdOf, reply } from '../shared/connect-event';
import type { CallbackTransition } from '../shared/contract';
import { describeError } from '../shared/log';
import { callerE164 } from '../shared/phone';
import { createRuntime, createStore } from '../shared/runtime';

const { config, log } = createRuntime('update-callback');
const store = createStore(config);
const stopContact = config.instanceId === undefined ? undefined : createContactStopper(createConnectClient(), config.instanceId);
const KEYS = ['result', 'status', 'resolution', 'phoneE164', 'phoneNational', 'removedFromQueue'] as const;
const TRANSITIONS: readonly CallbackTransition[] = ['CANCEL', 'CONNECT', 'AGENT_HANG_UP'];

function isTransition(value: string | undefined): value is CallbackTransition {
  return TRANSITIONS.includes(value as CallbackTransition);
}

function recordReply(result: string, record: CallbackRecord, removedFromQueue = false): FlowReply {
  return reply(KEYS, {
    result,
    status: record.status,
    resolution: record.resolution,
    phoneE164: record.phoneE164,
    phoneNational: record.phoneNational,
    removedFromQueue: String(removedFromQueue),
  });
}

export async function handler(event: ConnectFlowEvent): Promise<FlowReply> {
  const contact = contactData(event);
  const contactId = contact.ContactId;
  const problems = missingSettings(config, ['tableName', 'instanceId']);
  if (!store || !stopContact || problems.length > 0) {
    log.error('configuration invalid', { contactId, problems });
    return reply(KEYS, { result: 'ERROR', removedFromQueue: 'false' });
  }
  const recordId = recordIdOf(event);
  const transition = parameter(event, 'transition')?.toUpperCase();
  if (!recordId || !isPlausibleContactId(recordId) || !isTransition(transition)) {
    log.warn('invalid input', { contactId, transition, hasRecordId: recordId !== undefined });
    return reply(KEYS, { result: 'INVALID_INPUT', removedFromQueue: 'false' });
  }

  let outcome: TransitionOutcome;
  try {
    if (transition === 'CANCEL') {
      outcome = await store.cancel(recordId, {
        callerE164: callerE164(contact.CustomerEndpoint?.Address ?? undefined),
        requesterContactId: contactId,
        allowOtherNumber: config.allowCancelForOtherNumber,
      });
    } else if (transition === 'CONNECT') {
      outcome = await store.connect(recordId);
    } else {
      outcome = await store.agentHangUp(recordId);
    }
  } catch (error) {
    log.error('transition failed', { contactId, recordId, transition, error: describeError(error) });
    return reply(KEYS, { result: 'ERROR', removedFromQueue: 'false' });
  }

  log.info('transition', { contactId, recordId, transition, outcome: outcome.kind });
  switch (outcome.kind) {
    case 'NOT_FOUND':
      return reply(KEYS, { result: 'NOT_FOUND', removedFromQueue: 'false' });
    case 'FORBIDDEN':
      // Nothing about someone else's callback goes back to the flow.
      return reply(KEYS, { result: 'FORBIDDEN', removedFromQueue: 'false' });
    case 'REFUSED':
      return recordReply('REFUSED', outcome.record);
    case 'APPLIED':
      if (transition !== 'CANCEL') return recordReply('APPLIED', outcome.record);
      return cancelled(contactId, outcome.record);
  }
}

/** The cancel is stored; removing the queued callback now is best effort (the processor retries it). */
async function cancelled(contactId: string | undefined, record: CallbackRecord): Promise<FlowReply> {
  try {
    const removal = await removeCancelledCallback(store!, stopContact!, record);
    log.info('cancelled callback removal', { contactId, recordId: record.recordId, removal: removal.kind });
    return recordReply('APPLIED', removal.record, removal.kind === 'REMOVED');
  } catch (error) {
    log.warn('cancelled callback not yet removed from the queue', { contactId, recordId: record.recordId, error: describeError(error) });
    return recordReply('APPLIED', record, false);
  }
}
