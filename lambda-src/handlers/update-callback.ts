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
 * Customer-first callbacks (lambda-src/shared/customer-first-lifecycle.ts):
 * - CHECK_BEFORE_QUEUE (creation flow of the queued leg C2, before it queues it): the record learns C2's id; a
 *   cancelled callback has C2 stopped there, before it can be queued, so before any dial.
 * - CUSTOMER_ANSWERED (outbound callback flow of the dialled leg C3, a person answered): PENDING ->
 *   COMPLETED(CONNECTED), CANCELLED -> COMPLETED(CANCELLED_ON_ANSWER).
 * - VOICEMAIL (the same flow, a voicemail answered): PENDING|CANCELLED -> COMPLETED(VOICEMAIL).
 * Every reply says whether the caller cancelled the callback (`cancelled`), which the customer-first flows branch on.
 * A transition the stored state does not allow is a REFUSED reply with that state, never an error. A whisper or leg
 * transition asked for by any contact but the record's own callback contact or leg is NOT_A_CALLBACK, and writes nothing.
 */
import { removeCancelledCallback } from '../shared/callback-lifecycle';
import { countOutcome, countRemoval } from '../shared/callback-metrics';
import type { CallbackRecord, CustomerFirstLegs, TransitionOutcome } from '../shared/callback-store';
import { missingSettings } from '../shared/config';
import { type ConnectContactData, contactData, type ConnectFlowEvent, type FlowReply, isPlausibleContactId, parameter, recordIdOf, reply } from '../shared/connect-event';
import { type CallbackTransition, CUSTOMER_FIRST_INITIATION, METRICS, METRIC_PATHS } from '../shared/contract';
import { legsMatch } from '../shared/customer-first-lifecycle';
import { describeError } from '../shared/log';
import { byPath } from '../shared/metrics';
import { callerE164 } from '../shared/phone';
import { createRuntime, createStopper, createStore, runInvocation } from '../shared/runtime';
import type { RemainingTime } from '../shared/time-budget';

const runtime = createRuntime('update-callback');
const { config, log, metrics } = runtime;
const store = createStore(runtime);
const stopContact = createStopper(runtime);
const KEYS = ['result', 'status', 'resolution', 'phoneE164', 'phoneNational', 'removedFromQueue', 'cancelled'] as const;
const TRANSITIONS: readonly CallbackTransition[] = ['CANCEL', 'RELEASE', 'CONNECT', 'AGENT_HANG_UP', 'CHECK_BEFORE_QUEUE', 'CUSTOMER_ANSWERED', 'VOICEMAIL'];
const DIALLED_LEG_TRANSITIONS: readonly CallbackTransition[] = ['CUSTOMER_ANSWERED', 'VOICEMAIL'];

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
    // Cancelled whatever came of it since: a cancelled callback's customer is never queued for an agent.
    cancelled: String(record.cancelledAt !== undefined),
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

/**
 * The customer-first queued leg C2 a creation flow runs for: never the booking contact; where Connect says so, initiated
 * CALLBACK_CUSTOMER_FIRST_QUEUED with the booking contact as its previous contact (C2's example contact record,
 * customer-first-cb.html).
 */
function queuedLegOf(contact: ConnectContactData, recordId: string): string | undefined {
  const contactId = contact.ContactId;
  if (!isPlausibleContactId(contactId) || contactId === recordId) return undefined;
  if (contact.InitiationMethod !== undefined && contact.InitiationMethod !== CUSTOMER_FIRST_INITIATION.QUEUED) return undefined;
  if (contact.PreviousContactId !== undefined && contact.PreviousContactId !== recordId) return undefined;
  return contactId;
}

/**
 * The customer-first dialled leg C3 an outbound callback flow runs for, with its queued leg (its previous contact, C3's
 * example contact record): never the booking contact; where Connect says so, initiated CALLBACK_CUSTOMER_FIRST_DIALED.
 */
function dialledLegOf(contact: ConnectContactData, recordId: string): CustomerFirstLegs | undefined {
  const contactId = contact.ContactId;
  if (!isPlausibleContactId(contactId) || contactId === recordId) return undefined;
  if (contact.InitiationMethod !== undefined && contact.InitiationMethod !== CUSTOMER_FIRST_INITIATION.DIALED) return undefined;
  const previous = contact.PreviousContactId;
  const queuedContactId = isPlausibleContactId(previous) && previous !== recordId && previous !== contactId ? previous : undefined;
  return { dialledContactId: contactId, queuedContactId };
}

/**
 * The record a leg's flow names: its inherited callbackRecordId attribute, else the leg's link to the booking contact
 * (C2's PreviousContactId, C3's InitialContactId: their example contact records). Whether the legs inherit the booking
 * contact's attributes is not stated (C4 "inherits the user-defined attributes set on C3" is the nearest statement).
 */
function legRecordId(transition: CallbackTransition, contact: ConnectContactData): string | undefined {
  if (transition === 'CHECK_BEFORE_QUEUE') return contact.PreviousContactId;
  if (DIALLED_LEG_TRANSITIONS.includes(transition)) return contact.InitialContactId;
  return undefined;
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
  const transition = parameter(event, 'transition')?.toUpperCase();
  const recordId = recordIdOf(event) ?? (isTransition(transition) ? legRecordId(transition, contact) : undefined);
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

  if (transition === 'CHECK_BEFORE_QUEUE') return checkBeforeQueue(contact, recordId);
  if (DIALLED_LEG_TRANSITIONS.includes(transition)) return dialledLegAnswered(contact, recordId, transition);

  let outcome: TransitionOutcome;
  try {
    if (transition === 'CANCEL') {
      const toldId = parameter(event, 'callbackContactId');
      outcome = await store.cancel(recordId, {
        callerE164: callerE164(contact.CustomerEndpoint?.Address ?? undefined),
        allowOtherNumber: config.allowCancelForOtherNumber,
        queueArn: config.queueArn,
        callbackMode: config.callbackMode,
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
 * The creation flow of a customer-first callback's queued leg C2 runs after the initial delay and before C2 is queued
 * ("C2 triggers the creation flow ... before it is queued in the working queue", customer-first-cb.html; the creation
 * flow may end a callback that should not be queued, setup-queued-cb.html). The record learns C2's id here, so every
 * later cancel can stop C2 itself; a callback cancelled already has C2 stopped now, and the flow disconnects it if the
 * stop did not end it, so it is never queued, and the customer never dialled.
 */
async function checkBeforeQueue(contact: ConnectContactData, recordId: string): Promise<FlowReply> {
  const queuedLeg = queuedLegOf(contact, recordId);
  if (queuedLeg === undefined) {
    log.info('creation flow check for a contact that is not a queued leg', { contactId: contact.ContactId, recordId });
    return bare('NOT_A_CALLBACK');
  }
  try {
    const learned = await store!.learnCallbackId(recordId, queuedLeg);
    if (learned.kind === 'NOT_FOUND') return bare('NOT_FOUND');
    if (learned.kind === 'CONFLICT') {
      log.info('creation flow check for another queued leg than the record\'s', { contactId: queuedLeg, recordId });
      return bare('NOT_A_CALLBACK');
    }
    const removal = await removeCancelledCallback(store!, stopContact!, learned.record);
    countRemoval(metrics, removal, METRIC_PATHS.CREATION_FLOW);
    log.info('transition', { contactId: queuedLeg, recordId, transition: 'CHECK_BEFORE_QUEUE', outcome: removal.kind });
    return recordReply('APPLIED', removal.record, removal.kind === 'REMOVED');
  } catch (error) {
    log.error('transition failed', { contactId: queuedLeg, recordId, transition: 'CHECK_BEFORE_QUEUE', error: describeError(error) });
    return bare('ERROR');
  }
}

/**
 * The outbound callback flow of a customer-first callback's dialled leg C3 runs once the call has media, and tells a
 * person from a voicemail with Check call progress (customer-first-cb.html, "Retries"). The record ends with that
 * outcome; a callback cancelled meanwhile is one the flow must not queue for an agent (`cancelled` in the reply).
 */
async function dialledLegAnswered(contact: ConnectContactData, recordId: string, transition: CallbackTransition): Promise<FlowReply> {
  const legs = dialledLegOf(contact, recordId);
  if (legs === undefined) {
    log.info('outbound callback flow transition for a contact that is not a dialled leg', { contactId: contact.ContactId, recordId, transition });
    return bare('NOT_A_CALLBACK');
  }
  let outcome: TransitionOutcome;
  try {
    outcome = await store!.completeDialledLeg(recordId, legs, transition === 'VOICEMAIL' ? 'VOICEMAIL' : 'ANSWERED');
  } catch (error) {
    log.error('transition failed', { contactId: legs.dialledContactId, recordId, transition, error: describeError(error) });
    return bare('ERROR');
  }
  log.info('transition', { contactId: legs.dialledContactId, recordId, transition, outcome: outcome.kind });
  if (outcome.kind === 'APPLIED' && outcome.record.resolution) countOutcome(metrics, outcome.record.resolution);
  if (outcome.kind === 'NOT_FOUND' || outcome.kind === 'FORBIDDEN') return bare(outcome.kind);
  if (outcome.kind === 'REFUSED' && (!legsMatch(outcome.record, legs) || outcome.record.resolution === 'RELEASED')) return bare('NOT_A_CALLBACK');
  return recordReply(outcome.kind, outcome.record);
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
