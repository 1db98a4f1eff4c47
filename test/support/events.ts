/** Amazon Connect Lambda events, Kinesis CTR batches and EventBridge contact events, shaped as the services send them. */
import { randomUUID } from 'node:crypto';
import type { KinesisStreamEvent } from 'aws-lambda';
import { BOOKED_ATTRIBUTE, BOOKED_VALUE, CUSTOMER_FIRST_INITIATION, RECORD_ID_ATTRIBUTE } from '../../lambda-src/shared/contract';

export const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
export const INSTANCE_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}`;
export const QUEUE_ARN = `${INSTANCE_ARN}/queue/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;

export interface FlowCall {
  readonly contactId?: string;
  /** The caller id (E.164), or null for a withheld number. */
  readonly callerNumber?: string | null;
  readonly parameters?: Record<string, string>;
  readonly attributes?: Record<string, string>;
  readonly initiationMethod?: string;
  readonly previousContactId?: string;
  /** The contact's InitialContactId; its own ContactId unless given. */
  readonly initialContactId?: string;
}

export function newContactId(): string {
  return randomUUID();
}

export function flowEvent(call: FlowCall = {}) {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        ContactId: call.contactId ?? newContactId(),
        InitialContactId: call.initialContactId ?? call.contactId,
        PreviousContactId: call.previousContactId,
        Channel: 'VOICE',
        InstanceARN: INSTANCE_ARN,
        InitiationMethod: call.initiationMethod ?? 'INBOUND',
        CustomerEndpoint: call.callerNumber === null ? null : { Address: call.callerNumber ?? '+12025550143', Type: 'TELEPHONE_NUMBER' },
        Queue: { ARN: QUEUE_ARN, Name: 'BasicQueue' },
        Attributes: call.attributes ?? {},
      },
      Parameters: call.parameters ?? {},
    },
  };
}

/** The attributes the set-callback flow puts on a contact that booked `recordId` (and its callback contact inherits). */
export function bookedAttributes(recordId: string): Record<string, string> {
  return { [RECORD_ID_ATTRIBUTE]: recordId, [BOOKED_ATTRIBUTE]: BOOKED_VALUE };
}

/**
 * The callback contact of the record `recordId`, as Connect shows it to a whisper flow's Lambda: initiated as a
 * callback, its previous contact the one that booked it, with the inherited attributes. Without `callbackContactId`,
 * a fixed id derived from the record's, so that every whisper of one record's tests names the same callback contact.
 */
export function callbackContactCall(recordId: string, transition: string, callbackContactId = callbackContactIdOf(recordId)): FlowCall {
  return {
    contactId: callbackContactId,
    initiationMethod: 'CALLBACK',
    previousContactId: recordId,
    attributes: bookedAttributes(recordId),
    parameters: { recordId, transition },
  };
}

/** The callback contact id the tests give the record `recordId` unless they say otherwise. */
export function callbackContactIdOf(recordId: string): string {
  return `cb-${recordId}`;
}

/** The inbound contact's CTR: it booked the callback, whose contact id is NextContactId. */
export function inboundCtr(recordId: string, callbackContactId: string) {
  return {
    ContactId: recordId,
    InitiationMethod: 'INBOUND',
    Channel: 'VOICE',
    NextContactId: callbackContactId,
    Attributes: bookedAttributes(recordId),
    CustomerEndpoint: { Address: '+12025550143', Type: 'TELEPHONE_NUMBER' },
  };
}

/** The callback contact's own CTR, sent when it ended. */
export function callbackCtr(recordId: string, callbackContactId: string) {
  return {
    ContactId: callbackContactId,
    InitiationMethod: 'CALLBACK',
    Channel: 'VOICE',
    PreviousContactId: recordId,
    Attributes: bookedAttributes(recordId),
    CustomerEndpoint: { Address: '+12025550143', Type: 'TELEPHONE_NUMBER' },
  };
}

export interface ContactEventOptions {
  readonly eventType?: string;
  readonly initiationMethod?: string;
  readonly instanceArn?: string;
}

/**
 * The EventBridge contact event Amazon Connect sends when a flow creates the callback contact `callbackContactId`
 * for the inbound contact `recordId` (Amazon Connect Administrator Guide, "Amazon Connect contact events":
 * https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html).
 */
export function callbackContactEvent(recordId: string, callbackContactId: string, options: ContactEventOptions = {}) {
  return contactEventOf({
    eventType: options.eventType ?? 'INITIATED',
    contactId: callbackContactId,
    initialContactId: recordId,
    previousContactId: recordId,
    initiationMethod: options.initiationMethod ?? 'CALLBACK',
  }, callbackContactId, options.instanceArn);
}

let sequence = 49_000_000_000_000_000_000n;

/** A Kinesis batch; a string entry is sent as raw base64 data (for poison records). */
export function kinesisBatch(entries: ReadonlyArray<object | { raw: string }>): KinesisStreamEvent {
  return {
    Records: entries.map((entry) => {
      sequence += 1n;
      const data = 'raw' in entry ? (entry as { raw: string }).raw : Buffer.from(JSON.stringify(entry)).toString('base64');
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: 'ctr',
          sequenceNumber: String(sequence),
          data,
          approximateArrivalTimestamp: Date.now() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequence}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::123456789012:role/test',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/ctr',
      };
    }),
  };
}

// Customer-first callbacks: the inbound contact C1 (the record), the queued leg C2 and the dialled leg C3, with the
// links their example contact records show (https://docs.aws.amazon.com/connect/latest/adminguide/customer-first-cb.html):
// C2's PreviousContactId and InitialContactId are C1, C2's NextContactId is C3; C3's PreviousContactId is C2 and its
// InitialContactId C1. The legs carry the booked contact's attributes (not documented: see ctr-processor.ts).

/** A customer-first callback's three contacts. */
export interface CustomerFirstContacts {
  readonly recordId: string;
  readonly queued: string;
  readonly dialled: string;
}

export function customerFirstContacts(recordId: string): CustomerFirstContacts {
  return { recordId, queued: `c2-${recordId}`, dialled: `c3-${recordId}` };
}

/** The creation flow's Lambda event on the queued leg C2. */
export function queuedLegCall({ recordId, queued }: CustomerFirstContacts, transition: string): FlowCall {
  return {
    contactId: queued,
    initialContactId: recordId,
    previousContactId: recordId,
    initiationMethod: CUSTOMER_FIRST_INITIATION.QUEUED,
    attributes: bookedAttributes(recordId),
    parameters: { recordId, transition },
  };
}

/** The outbound callback flow's Lambda event on the dialled leg C3. */
export function dialledLegCall({ recordId, queued, dialled }: CustomerFirstContacts, transition: string): FlowCall {
  return {
    contactId: dialled,
    initialContactId: recordId,
    previousContactId: queued,
    initiationMethod: CUSTOMER_FIRST_INITIATION.DIALED,
    attributes: bookedAttributes(recordId),
    parameters: { recordId, transition },
  };
}

/** A contact event's EventBridge envelope around `detail`, with the fields every contact event has. */
function contactEventOf<Detail extends Record<string, unknown>>(detail: Detail, contactId: string, instanceArn = INSTANCE_ARN) {
  return {
    'version': '0',
    'id': randomUUID(),
    'detail-type': 'Amazon Connect Contact Event',
    'source': 'aws.connect',
    'account': '123456789012',
    'time': new Date().toISOString(),
    'region': 'us-east-1',
    'resources': [`${instanceArn}/contact/${contactId}`, instanceArn],
    'detail': { channel: 'VOICE', instanceArn, initiationTimestamp: new Date().toISOString(), ...detail },
  };
}

/** A contact event of the queued leg C2 (INITIATED unless given). */
export function queuedLegEvent({ recordId, queued }: CustomerFirstContacts, eventType = 'INITIATED') {
  return contactEventOf({
    eventType, contactId: queued, initialContactId: recordId, previousContactId: recordId, initiationMethod: CUSTOMER_FIRST_INITIATION.QUEUED,
  }, queued);
}

/** How the dialled leg went, as its DISCONNECTED event and its CTR show it. */
export interface DialledLegEnding {
  readonly answeringMachineDetectionStatus?: string;
  /** An agent was connected (ISO time of it). */
  readonly connectedToAgentAt?: string;
}

/** A contact event of the dialled leg C3: INITIATED, or DISCONNECTED with how it went. */
export function dialledLegEvent({ recordId, queued, dialled }: CustomerFirstContacts, eventType = 'INITIATED', ending: DialledLegEnding = {}) {
  return contactEventOf({
    eventType,
    contactId: dialled,
    initialContactId: recordId,
    previousContactId: queued,
    initiationMethod: CUSTOMER_FIRST_INITIATION.DIALED,
    ...(ending.answeringMachineDetectionStatus ? { answeringMachineDetectionStatus: ending.answeringMachineDetectionStatus } : {}),
    ...(ending.connectedToAgentAt ? { agentInfo: { agentArn: `${INSTANCE_ARN}/agent/agent-1`, connectedToAgentTimestamp: ending.connectedToAgentAt } } : {}),
  }, dialled);
}

/** The queued leg C2's CTR: NextContactId is the dialled leg, unless it ended without a dial (`dialled` false). */
export function queuedLegCtr({ recordId, queued, dialled }: CustomerFirstContacts, wasDialled = true) {
  return {
    ContactId: queued,
    InitialContactId: recordId,
    PreviousContactId: recordId,
    ...(wasDialled ? { NextContactId: dialled } : {}),
    InitiationMethod: CUSTOMER_FIRST_INITIATION.QUEUED,
    Channel: 'VOICE',
    Attributes: bookedAttributes(recordId),
    CustomerEndpoint: { Address: '+12025550143', Type: 'TELEPHONE_NUMBER' },
  };
}

/** The dialled leg C3's CTR, with how it went. */
export function dialledLegCtr({ recordId, queued, dialled }: CustomerFirstContacts, ending: DialledLegEnding = {}) {
  return {
    ContactId: dialled,
    InitialContactId: recordId,
    PreviousContactId: queued,
    InitiationMethod: CUSTOMER_FIRST_INITIATION.DIALED,
    Channel: 'VOICE',
    Attributes: bookedAttributes(recordId),
    CustomerEndpoint: { Address: '+12025550143', Type: 'TELEPHONE_NUMBER' },
    SegmentAttributes: { 'connect:TrafficType': { ValueString: 'CUSTOMER_FIRST_CALLBACK' } },
    ...(ending.answeringMachineDetectionStatus ? { AnsweringMachineDetectionStatus: ending.answeringMachineDetectionStatus } : {}),
    ...(ending.connectedToAgentAt ? { Agent: { ARN: `${INSTANCE_ARN}/agent/agent-1`, ConnectedToAgentTimestamp: ending.connectedToAgentAt } } : {}),
  };
}

/**
 * Effective hours open from `from` to `to` only (epoch ms, less than a day apart), in UTC, as GetEffectiveHoursOfOperations
 * answers: for tests on the real clock.
 */
export function hoursOpenOnlyBetween(from: number, to: number) {
  const minute = 60_000;
  const start = new Date(Math.ceil(from / minute) * minute);
  const end = new Date(Math.floor(to / minute) * minute);
  const slice = (date: Date) => ({ Hours: date.getUTCHours(), Minutes: date.getUTCMinutes() });
  return {
    EffectiveHoursOfOperationList: [{ Date: start.toISOString().slice(0, 10), OperationalHours: [{ Start: slice(start), End: slice(end) }] }],
    TimeZone: 'UTC',
  };
}
