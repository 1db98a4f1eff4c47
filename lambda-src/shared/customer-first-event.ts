/**
 * Reads the contact events of a customer-first callback's dialled leg C3 (initiation method
 * CALLBACK_CUSTOMER_FIRST_DIALED): INITIATED, when Connect takes the queued leg C2 out of the queue and starts calling the
 * customer, and DISCONNECTED, when that call ends.
 *
 * Where the docs are silent, and what is read instead:
 * - The contact-events page (https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html) does not list
 *   the customer-first initiation methods and shows no callback event. The fields are read as the page names them for
 *   every contact (contactId, previousContactId, initialContactId, initiationMethod, agentInfo,
 *   answeringMachineDetectionStatus), with the values C3's example contact record has (customer-first-cb.html):
 *   PreviousContactId C2, InitialContactId C1.
 * - So the record is found by initialContactId (the record id is the inbound contact C1's id), and the queued leg is
 *   previousContactId. An inbound contact that was itself transferred in (its own initial contact an earlier one) has a
 *   record the event cannot name: the CTRs, which carry the booked contact's attributes, cover it.
 * - DISCONNECTED: "For outbound calls, the dial attempt is not successful, the attempt is connected but the call is not
 *   picked up, or the attempt results in a SIT tone" (contact-events.html). How the leg went is read from agentInfo
 *   (an agent was connected) and answeringMachineDetectionStatus (dialledLegOutcome); a DISCONNECTED event that carries
 *   neither reads as no answer, which a later, fuller delivery (the CTR) cannot change: the first end wins.
 */
import type { CustomerFirstLegs, DialledLegOutcome } from './callback-store';
import { isPlausibleContactId } from './connect-event';
import { CALLBACK_CONTACT_EVENT, CUSTOMER_FIRST_INITIATION } from './contract';
import { dialledLegOutcome } from './customer-first-lifecycle';

export type DialledLegReading =
  | { readonly kind: 'DIAL_STARTED'; readonly recordId: string; readonly legs: Required<CustomerFirstLegs> }
  | { readonly kind: 'DIAL_ENDED'; readonly recordId: string; readonly legs: Required<CustomerFirstLegs>; readonly outcome: DialledLegOutcome }
  /** Not an event of a dialled leg this reader uses; `reason` is fixed text, never event content. */
  | { readonly kind: 'NOT_DIALLED_LEG'; readonly reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a contact event says about a dialled leg of the instance `instanceArn`; never throws. */
export function readDialledLegEvent(event: unknown, instanceArn: string): DialledLegReading {
  const not = (reason: string): DialledLegReading => ({ kind: 'NOT_DIALLED_LEG', reason });
  if (!isObject(event) || event.source !== CALLBACK_CONTACT_EVENT.SOURCE || event['detail-type'] !== CALLBACK_CONTACT_EVENT.DETAIL_TYPE) {
    return not('not an Amazon Connect contact event');
  }
  const detail = event.detail;
  if (!isObject(detail) || detail.instanceArn !== instanceArn) return not('not a contact event of this instance');
  if (detail.initiationMethod !== CUSTOMER_FIRST_INITIATION.DIALED) return not('not a dialled leg');
  const { contactId, previousContactId, initialContactId } = detail;
  if (!isPlausibleContactId(contactId) || !isPlausibleContactId(previousContactId) || !isPlausibleContactId(initialContactId)) {
    return not('contactId, previousContactId or initialContactId missing or not a contact id');
  }
  if (new Set([contactId, previousContactId, initialContactId]).size !== 3) return not('the legs of a dialled leg are three contacts');
  const legs = { dialledContactId: contactId, queuedContactId: previousContactId };
  if (detail.eventType === 'INITIATED') return { kind: 'DIAL_STARTED', recordId: initialContactId, legs };
  if (detail.eventType !== 'DISCONNECTED') return not('an event of a dialled leg that changes nothing here');
  const agent = isObject(detail.agentInfo) ? detail.agentInfo : undefined;
  const connectedToAgent = agent !== undefined && agent.connectedToAgentTimestamp !== undefined;
  return { kind: 'DIAL_ENDED', recordId: initialContactId, legs, outcome: dialledLegOutcome(detail.answeringMachineDetectionStatus, connectedToAgent) };
}
