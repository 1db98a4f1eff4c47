/**
 * Reads the one Amazon Connect contact event that matters here: a callback contact has been created.
 *
 * The shape, from the Amazon Connect Administrator Guide, "Amazon Connect contact events"
 * (https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html, also
 * awsdocs/amazon-connect-admin-guide doc_source/contact-events.md): events reach the default EventBridge bus
 * with `source` "aws.connect" and `detail-type` "Amazon Connect Contact Event"; `detail` holds camel-cased
 * fields, of which we read `eventType` (INITIATED, QUEUED, CONNECTED_TO_AGENT, DISCONNECTED, ...),
 * `initiationMethod` (CALLBACK for a queued callback), `contactId`, `previousContactId` and `instanceArn`.
 * (One older sample on that page spells the last one `instanceARN`; the data model's later samples and the
 * EventBridge schema spell it `instanceArn`, which is what the rule matches.)
 *
 * Which event, from "Real-time metrics example for a queued callback flow"
 * (https://docs.aws.amazon.com/connect/latest/adminguide/queued-callback-example.html) and "Queued callbacks in
 * real-time metrics" (https://docs.aws.amazon.com/connect/latest/adminguide/about-queued-callbacks.html): the
 * callback contact is initiated when the flow creates it, before the inbound contact is disconnected, and is
 * put in the queue only after the initial delay. Its PreviousContactId is the inbound contact. So INITIATED
 * carries the callback's contact id seconds after booking, while QUEUED could come days later.
 *
 * The lookup needs no index: the record id is the inbound contact's id (the set-callback flow books under its
 * own ContactId), which is the callback contact's previousContactId. One conditional write by key does it all.
 */
import { isPlausibleContactId } from './connect-event';
import { CALLBACK_CONTACT_EVENT, CUSTOMER_FIRST_INITIATION } from './contract';

/**
 * The initiation methods of a contact that is a new callback of the inbound contact named as its previousContactId:
 * an agent-first callback, or a customer-first callback's queued leg C2, whose example contact record has
 * PreviousContactId C1 (customer-first-cb.html). Whether C2's INITIATED event carries the same is not documented
 * (the contact-events page lists neither customer-first method): it is read the same way.
 */
const NEW_CALLBACK_METHODS: readonly unknown[] = [CALLBACK_CONTACT_EVENT.INITIATION_METHOD, CUSTOMER_FIRST_INITIATION.QUEUED];

export type ContactEventReading =
  | { readonly kind: 'CALLBACK_CREATED'; readonly recordId: string; readonly callbackContactId: string }
  /** Not a new callback contact of this instance, or not readable: `reason` is fixed text, never event content. */
  | { readonly kind: 'IGNORED'; readonly reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What an EventBridge event says about a callback of the instance `instanceArn`. Anything unexpected is
 * IGNORED with a reason; nothing here throws, whatever the input.
 */
export function readCallbackContactEvent(event: unknown, instanceArn: string): ContactEventReading {
  const ignored = (reason: string): ContactEventReading => ({ kind: 'IGNORED', reason });
  if (!isObject(event)) return ignored('event is not an object');
  if (event.source !== CALLBACK_CONTACT_EVENT.SOURCE || event['detail-type'] !== CALLBACK_CONTACT_EVENT.DETAIL_TYPE) {
    return ignored('not an Amazon Connect contact event');
  }
  const detail = event.detail;
  if (!isObject(detail)) return ignored('detail is missing or not an object');
  // The rule filters on all three already; checked again so that a wider rule, or a test, cannot misuse the handler.
  if (detail.instanceArn !== instanceArn) return ignored('another instance');
  if (!NEW_CALLBACK_METHODS.includes(detail.initiationMethod)) return ignored('not a callback contact');
  if (detail.eventType !== CALLBACK_CONTACT_EVENT.EVENT_TYPE) return ignored('not the event of a new callback contact');
  if (!isPlausibleContactId(detail.contactId)) return ignored('contactId missing or not a contact id');
  if (!isPlausibleContactId(detail.previousContactId)) return ignored('previousContactId missing or not a contact id');
  if (detail.previousContactId === detail.contactId) return ignored('previousContactId is the contact itself');
  return { kind: 'CALLBACK_CREATED', recordId: detail.previousContactId, callbackContactId: detail.contactId };
}

/** The event's id when it looks like one (a UUID in practice), to find it in EventBridge or a DLQ; never free text. */
export function eventIdOf(event: unknown): string | undefined {
  const id = isObject(event) ? event.id : undefined;
  return isPlausibleContactId(id) ? id : undefined;
}
