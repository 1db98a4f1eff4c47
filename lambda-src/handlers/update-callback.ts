/**
 * Moves a callback record along its life cycle from a flow:
 * - CANCEL (caller, inbound flow): PENDING -> CANCELLED, and in the same invocation removes the queued
 *   callback with StopContact when its contact id is known (else a processor does it on learning the id). The flow
 *   passes what the booking attempt's reply said (phoneE164, callbackContactId): with them the cancel is one
 *   conditional transaction, StopContact and the completion, with no read (callback-store.ts, cancel).
 * - RELEASE (the set-callback flow's undo path, by the contact that booked): PENDING -> COMPLETED(RELEASED).
 * - CONNECT (outbound whisper of our callback contact, customer answered): PENDING -> COMPLETED(CONNECTED).
 * - AGENT_HANG_UP (agent whisper of our callback contact): CANCELLED -> COMPLETED(HUNG_UP_BY_AGENT), and the
 *   callback contact is stopped so the customer who cancelled is not dialled.
 * A transition the stored state does not allow is a REFUSED reply with that state, never an error. A whisper
 * transition asked for by any contact but the record's callback contact is NOT_A_CALLBACK, and writes nothing.
 */
import { removeCancelledCallback } from '../shared/callback-lifecycle';
import { countOutcome, countRemoval } from '../shared/callback-metrics';
import type { CallbackRecord, TransitionOutcome } from '../shared/callback-store';
import { missingSettings } from '../shared/config';
import { type ConnectContactData, contactData, type ConnectFlowEvent, type FlowReply, isPlausibleContactId, parameter, recordIdOf, reply } from '../shared/connect-event';
import { type CallbackTransition, METRICS, METRIC_PATHS } from '../shared/contract';
import { describeError } from '../shared/log';
import { byPath } from '../shared/metrics';
import { callerE164 } from '../shared/phone';
import { createRuntime, createStopper, createStore, runInvocation } from '../shared/runtime';
import type { RemainingTime } from '../shared/time-budget';

const runtime = createRuntime('update-callback');
const { config, log, metrics } = runtime;
const store = createStore(runtime);
const stopContact = createStopper(runtime);
const KEYS = ['result', 'status', 'resolution', 'phoneE164', 'phoneNational', 'removedFromQueue'] as const;
const TRANSITIONS: readonly CallbackTransition[] = ['CANCEL', 'RELEASE', 'CONNECT', 'AGENT_HANG_UP'];

/**
 * Initiation methods of a queued callback contact (agent-first mode). The contact-record data model lists CALLBACK
 * for "the customer was contacted as part of a callback flow" (docs.aws.amazon.com/connect/latest/adminguide/
 * ctr-data-model.html, InitiationMethod).
 */
const CALLBACK_INITIATION_METHODS: readonly string[] = ['CALLBACK'];

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

const bare = (result: string) => reply(KEYS, { result, removedFromQueue: 'false' });

/**
 * The callback contact a whisper runs for, when the contact asking is one: never the contact that booked the record
 * (a caller transferred to the queue after a failed booking keeps that contact, and with it any hooks and attributes
 * the undo path could not clear), and, where Connect says so, a contact initiated as a callback whose previous
 * contact is the booking one. A callback contact's PreviousContactId is the inbound contact that created it
 * (queued-callback-example.html). Whether the agent whisper's Lambda event carries InitiationMethod is not documented
 * (the flow attribute $.InitiationMethod "doesn't work in Agent whisper flows", connect-attrib-list.html), so a missing
 * one is not held against the contact; the ids settle it, and the store checks the record's own callback contact id.
 */
function callbackContactOf(contact: ConnectContactData, recordId: string): string | undefined {
  const contactId = contact.ContactId;
  if (!isPlausibleContactId(contactId) || contactId === recordId) return undefined;
  if (contact.InitiationMethod !== undefined && !CALLBACK_INITIATION_METHODS.includes(contact.InitiationMethod)) return undefined;
  if (contact.PreviousContactId !== undefined && contact.PreviousContactId !== recordId) return undefined;
  return contactId;
}

export function handler(event: ConnectFlowEvent, context?: RemainingTime): Promise<FlowReply> {
  return runInvocation(runtime, context, () => decide(event));
}

async function decide(event: ConnectFlowEvent): Promise<FlowReply> {
  const contact = contactData(event);
  const contactId = contact.ContactId;
  const problems = missingSettings(config, ['tableName', 'instanceId']);
  if (!store || !stopContact || problems.length > 0) {
    log.error('configuration invalid', { contactId, problems });
    return bare('ERROR');
  }
  const recordId = recordIdOf(event);
  const transition = parameter(event, 'transition')?.toUpperCase();
  if (!recordId || !isPlausibleContactId(recordId) || !isTransition(transition)) {
    log.warn('invalid input', { contactId, transition, hasRecordId: recordId !== undefined });
    return bare('INVALID_INPUT');
  }
  const whisper = transition === 'CONNECT' || transition === 'AGENT_HANG_UP';
  const callbackContactId = whisper ? callbackContactOf(contact, recordId) : undefined;
  if (whisper && callbackContactId === undefined) {
    log.info('whisper transition for a contact that is not the record\'s callback', { contactId, recordId, transition });
    return bare('NOT_A_CALLBACK');
  }

  let outcome: TransitionOutcome;
  try {
    if (transition === 'CANCEL') {
      const toldId = parameter(event, 'callbackContactId');
      outcome = await store.cancel(recordId, {
        callerE164: callerE164(contact.CustomerEndpoint?.Address ?? undefined),
        allowOtherNumber: config.allowCancelForOtherNumber,
        queueArn: config.queueArn,
        // Only values of the right shape are used; the write's condition checks them against the record anyway.
        told: { phoneE164: callerE164(parameter(event, 'phoneE164')), callbackContactId: isPlausibleContactId(toldId) ? toldId : undefined },
      });
    } else if (transition === 'RELEASE') {
      outcome = isPlausibleContactId(contactId) ? await store.release(recordId, contactId) : { kind: 'NOT_FOUND' };
    } else if (transition === 'CONNECT') {
      outcome = await store.connect(recordId, callbackContactId!);
    } else {
      outcome = await store.agentHangUp(recordId, callbackContactId!);
    }
  } catch (error) {
    log.error('transition failed', { contactId, recordId, transition, error: describeError(error) });
    return bare('ERROR');
  }

  log.info('transition', { contactId, recordId, transition, outcome: outcome.kind });
  switch (outcome.kind) {
    case 'NOT_FOUND':
      return bare('NOT_FOUND');
    case 'FORBIDDEN':
      // Nothing about someone else's callback goes back to the flow.
      return bare('FORBIDDEN');
    case 'REFUSED':
      if (whisper && outcome.record.callbackContactId !== undefined && outcome.record.callbackContactId !== callbackContactId) {
        log.info('whisper transition for another callback contact than the record\'s', { contactId, recordId, transition });
        return bare('NOT_A_CALLBACK');
      }
      if (transition === 'AGENT_HANG_UP' && outcome.record.status === 'COMPLETED' && outcome.record.resolution !== 'CONNECTED') {
        // Removed or hung up already, yet an agent has it: the agent is told to hang up, and it is stopped.
        await stopFromWhisper(callbackContactId!, recordId);
      }
      return recordReply('REFUSED', outcome.record);
    case 'APPLIED':
      countApplied(transition);
      if (transition === 'CANCEL') return cancelled(contactId, outcome.record);
      if (transition === 'AGENT_HANG_UP') await stopFromWhisper(callbackContactId!, recordId);
      return recordReply('APPLIED', outcome.record);
  }
}

function countApplied(transition: CallbackTransition): void {
  if (transition === 'CANCEL') {metrics.count(METRICS.CANCELS, 1, byPath(METRIC_PATHS.CALLER));} else if (transition === 'RELEASE') {countOutcome(metrics, 'RELEASED');} else if (transition === 'CONNECT') {countOutcome(metrics, 'CONNECTED');} else {
    metrics.count(METRICS.AGENT_HANG_UPS);
    countOutcome(metrics, 'HUNG_UP_BY_AGENT');
  }
}

/**
 * The cancel is stored; removing the queued callback now is best effort (a processor retries it). When the stop
 * could not finish in time, the reply says so (removedFromQueue false) and the flow promises nothing about it.
 */
async function cancelled(contactId: string | undefined, record: CallbackRecord): Promise<FlowReply> {
  try {
    const removal = await removeCancelledCallback(store!, stopContact!, record);
    countRemoval(metrics, removal, METRIC_PATHS.CALLER);
    log.info('cancelled callback removal', { contactId, recordId: record.recordId, removal: removal.kind });
    return recordReply('APPLIED', removal.record, removal.kind === 'REMOVED');
  } catch (error) {
    log.warn('cancelled callback not yet removed from the queue', { contactId, recordId: record.recordId, error: describeError(error) });
    return recordReply('APPLIED', record, false);
  }
}

/**
 * In agent-first mode Amazon Connect dials the customer as soon as the agent whisper ends, so waiting for the agent
 * to hang up may ring the customer who cancelled. StopContact on the callback contact is tried from here: its
 * reference (API_StopContact.html) says it stops queued callbacks and excludes only other initiation methods, and is
 * silent on a callback whose agent whisper is running. The live integration test and the manual check in the README
 * settle it; whatever it answers, the whisper still tells the agent to hang up, and the record is already final.
 */
async function stopFromWhisper(callbackContactId: string, recordId: string): Promise<void> {
  try {
    const stop = await stopContact!(callbackContactId);
    log.info('cancelled callback stopped from its agent whisper', { recordId, callbackContactId, stop });
  } catch (error) {
    log.warn('cancelled callback could not be stopped from its agent whisper', { recordId, callbackContactId, error: describeError(error) });
  }
}
