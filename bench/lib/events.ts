/**
 * Amazon Connect Lambda events, contact trace records (CTRs) and Kinesis batches shaped as the services
 * send them, and callback table items shaped as the handlers write them (for arranging states).
 */
import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { INSTANCE_ARN, QUEUE_ARN } from './handlers';
import { usNational } from './requests';
import { BOOKED_ATTRIBUTE, BOOKED_VALUE, OPEN_RECORD_TTL_SECONDS, RECORD_ID_ATTRIBUTE } from '../../lambda-src/shared/contract';

export { OPEN_RECORD_TTL_SECONDS, RECORD_ID_ATTRIBUTE, usNational };

/** The attributes the set-callback flow puts on a contact that booked `recordId`, which its callback contact inherits. */
export function bookedAttributes(recordId: string): Record<string, string> {
  return { [RECORD_ID_ATTRIBUTE]: recordId, [BOOKED_ATTRIBUTE]: BOOKED_VALUE };
}

const AREA_CODES = ['212', '312', '415', '617', '202', '305', '646', '718', '773', '213'];
/** Central office codes 200-999 without the N11 service codes. */
const EXCHANGES = Array.from({ length: 800 }, (_, i) => 200 + i).filter((code) => code % 100 !== 11);

/** The i-th of many distinct valid US numbers (E.164), so each booking is a new one. */
export function usNumber(i: number): string {
  const area = AREA_CODES[i % AREA_CODES.length];
  const rest = Math.floor(i / AREA_CODES.length);
  const exchange = EXCHANGES[rest % EXCHANGES.length];
  const line = String(Math.floor(rest / EXCHANGES.length) % 10_000).padStart(4, '0');
  return `+1${area}${exchange}${line}`;
}

export interface FlowCall {
  readonly contactId?: string;
  /** E.164 caller id; null when withheld. */
  readonly callerNumber?: string | null;
  readonly parameters?: Record<string, string>;
  readonly attributes?: Record<string, string>;
  readonly initiationMethod?: 'INBOUND' | 'CALLBACK' | 'OUTBOUND';
  readonly previousContactId?: string;
}

/** The event Amazon Connect sends to a function invoked from a flow (InvokeLambdaFunction), with every usual field. */
export function connectEvent(call: FlowCall = {}) {
  const contactId = call.contactId ?? randomUUID();
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: call.attributes ?? {},
        AwsRegion: 'us-east-1',
        Channel: 'VOICE',
        ContactId: contactId,
        CustomerEndpoint: call.callerNumber === null ? null : { Address: call.callerNumber ?? '+12025550143', Type: 'TELEPHONE_NUMBER' },
        CustomerId: null,
        Description: null,
        InitialContactId: call.previousContactId ?? contactId,
        InitiationMethod: call.initiationMethod ?? 'INBOUND',
        InstanceARN: INSTANCE_ARN,
        LanguageCode: 'en-US',
        MediaStreams: { Customer: { Audio: null } },
        Name: null,
        PreviousContactId: call.previousContactId ?? contactId,
        Queue: { ARN: QUEUE_ARN, Name: 'CallbackQueue', OutboundCallerId: { Address: '+18005550100', Type: 'TELEPHONE_NUMBER' } },
        References: {},
        RelatedContactId: null,
        SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Telephony' } },
        SystemEndpoint: { Address: '+18005550100', Type: 'TELEPHONE_NUMBER' },
        Tags: { 'aws:connect:instanceId': INSTANCE_ARN.split('/')[1] },
      },
      Parameters: call.parameters ?? {},
    },
  };
}

export interface CtrSpec {
  readonly contactId: string;
  readonly initiationMethod: 'INBOUND' | 'CALLBACK' | 'OUTBOUND' | 'TRANSFER';
  readonly attributes?: Record<string, string>;
  readonly nextContactId?: string;
  readonly previousContactId?: string;
  readonly callerNumber?: string;
}

/** A contact trace record as Amazon Connect streams it to Kinesis (format 2017-03-10), about 2 KB of JSON. */
export function ctr(spec: CtrSpec) {
  const start = new Date(Date.now() - 300_000);
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000).toISOString();
  return {
    AWSAccountId: '123456789012',
    AWSContactTraceRecordFormatVersion: '2017-03-10',
    Agent: {
      ARN: `${INSTANCE_ARN}/agent/9a8b7c6d-1111-4222-8333-444455556666`,
      AfterContactWorkDuration: 20,
      AfterContactWorkEndTimestamp: at(240),
      AfterContactWorkStartTimestamp: at(220),
      AgentInteractionDuration: 150,
      ConnectedToAgentTimestamp: at(70),
      CustomerHoldDuration: 0,
      HierarchyGroups: null,
      LongestHoldDuration: 0,
      NumberOfHolds: 0,
      RoutingProfile: { ARN: `${INSTANCE_ARN}/routing-profile/0a1b2c3d-1111-4222-8333-444455556666`, Name: 'Basic Routing Profile' },
      Username: 'agent.one',
      DeviceInfo: { PlatformName: 'Chrome', PlatformVersion: '120', OperatingSystem: 'Windows' },
    },
    AgentConnectionAttempts: 1,
    Attributes: spec.attributes ?? {},
    Channel: 'VOICE',
    ConnectedToSystemTimestamp: at(1),
    ContactDetails: {},
    ContactId: spec.contactId,
    CustomerEndpoint: { Address: spec.callerNumber ?? '+12025550143', Type: 'TELEPHONE_NUMBER' },
    CustomerVoiceActivity: null,
    DisconnectReason: 'CUSTOMER_DISCONNECT',
    DisconnectTimestamp: at(220),
    InitialContactId: spec.previousContactId ?? null,
    InitiationMethod: spec.initiationMethod,
    InitiationTimestamp: at(0),
    InstanceARN: INSTANCE_ARN,
    LastUpdateTimestamp: at(245),
    MediaStreams: [{ Type: 'AUDIO' }],
    NextContactId: spec.nextContactId ?? null,
    PreviousContactId: spec.previousContactId ?? null,
    Queue: {
      ARN: QUEUE_ARN,
      DequeueTimestamp: at(70),
      Duration: 69,
      EnqueueTimestamp: at(1),
      Name: 'CallbackQueue',
    },
    Recording: null,
    Recordings: null,
    References: [],
    ScheduledTimestamp: null,
    SystemEndpoint: { Address: '+18005550100', Type: 'TELEPHONE_NUMBER' },
    TransferCompletedTimestamp: null,
    TransferredToEndpoint: null,
    Tags: { 'aws:connect:instanceId': INSTANCE_ARN.split('/')[1] },
    VoiceIdResult: null,
    SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Telephony' } },
    QualityMetrics: {
      Agent: { Audio: { QualityScore: 4.5, PotentialQualityIssues: [] } },
      Customer: { Audio: { QualityScore: 4.4, PotentialQualityIssues: [] } },
    },
  };
}

let sequence = 49_600_000_000_000_000_000n;

/** Kinesis records as Lambda delivers them: the CTR's JSON, base64-encoded, under kinesis.data. */
export function kinesisRecords(ctrs: readonly object[]): KinesisStreamEvent['Records'] {
  return ctrs.map((record) => {
    sequence += 1n;
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'ctr',
        sequenceNumber: String(sequence),
        data: Buffer.from(JSON.stringify(record)).toString('base64'),
        approximateArrivalTimestamp: Date.now() / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${sequence}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/ctr-processor',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr',
    };
  });
}

export type CallbackStatus = 'PENDING' | 'CANCELLED' | 'COMPLETED';

export interface SeedRecord {
  readonly recordId: string;
  readonly phoneE164: string;
  readonly status: CallbackStatus;
  readonly callbackContactId?: string;
  /** Whether the active pointer of a PENDING record carries the callback contact id too (as a processor leaves it). */
  readonly pointerKnowsId?: boolean;
  readonly resolution?: string;
}

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

/** The items a booking writes (record, and the active pointer while PENDING), in the state asked for. */
export function callbackItems(seed: SeedRecord): Array<Record<string, AttributeValue>> {
  const now = new Date();
  const createdAt = now.toISOString();
  const expiresAt = Math.floor(now.getTime() / 1000) + OPEN_RECORD_TTL_SECONDS;
  const record: Record<string, AttributeValue> = {
    pk: s(`CALLBACK#${seed.recordId}`),
    recordType: s('CALLBACK'),
    recordId: s(seed.recordId),
    status: s(seed.status),
    phoneE164: s(seed.phoneE164),
    phoneNational: s(usNational(seed.phoneE164)),
    country: s('US'),
    queueArn: s(QUEUE_ARN),
    inboundContactId: s(seed.recordId),
    createdAt: s(createdAt),
    expiresAt: n(expiresAt),
  };
  if (seed.status === 'CANCELLED') record.cancelledAt = s(createdAt);
  if (seed.callbackContactId) {
    record.callbackContactId = s(seed.callbackContactId);
    record.callbackIdLearnedAt = s(createdAt);
  }
  if (seed.resolution) {
    record.resolution = s(seed.resolution);
    record.completedAt = s(createdAt);
  }
  const items = [record];
  if (seed.status === 'PENDING') {
    items.push({
      pk: s(`ACTIVE#${QUEUE_ARN}#${seed.phoneE164}`),
      recordType: s('ACTIVE'),
      recordId: s(seed.recordId),
      phoneE164: s(seed.phoneE164),
      createdAt: s(createdAt),
      expiresAt: n(expiresAt),
      ...(seed.pointerKnowsId && seed.callbackContactId ? { callbackContactId: s(seed.callbackContactId) } : {}),
    });
  }
  return items;
}

let phoneCounter = 0;

/** A US number no booking in this bench run has used yet. */
export function nextPhone(): string {
  phoneCounter += 1;
  return usNumber(phoneCounter);
}

export type ContactEventType = 'INITIATED' | 'QUEUED' | 'CONNECTED_TO_AGENT' | 'DISCONNECTED';

/** An Amazon Connect contact event as EventBridge delivers it (default bus, source aws.connect). */
export function contactEvent(spec: { contactId: string; initiationMethod: 'INBOUND' | 'CALLBACK'; eventType: ContactEventType; previousContactId?: string }) {
  const time = new Date().toISOString();
  return {
    'version': '0',
    'id': randomUUID(),
    'detail-type': 'Amazon Connect Contact Event',
    'source': 'aws.connect',
    'account': '123456789012',
    'time': time,
    'region': 'us-east-1',
    'resources': [INSTANCE_ARN, `${INSTANCE_ARN}/contact/${spec.contactId}`],
    'detail': {
      eventType: spec.eventType,
      contactId: spec.contactId,
      initialContactId: spec.previousContactId ?? spec.contactId,
      ...(spec.previousContactId ? { previousContactId: spec.previousContactId } : {}),
      channel: 'VOICE',
      instanceArn: INSTANCE_ARN,
      initiationMethod: spec.initiationMethod,
      initiationTimestamp: time,
      ...(spec.eventType === 'INITIATED' ? {} : { queueInfo: { queueArn: QUEUE_ARN, queueType: 'STANDARD', enqueueTimestamp: time } }),
    },
  };
}

/** The contact events of one contact's life, in order. */
export function contactEventsOf(contactId: string, initiationMethod: 'INBOUND' | 'CALLBACK', options: { previousContactId?: string; queued: boolean; answered: boolean }) {
  const types: ContactEventType[] = ['INITIATED'];
  if (options.queued) types.push('QUEUED');
  if (options.answered) types.push('CONNECTED_TO_AGENT');
  types.push('DISCONNECTED');
  return types.map((eventType) => contactEvent({ contactId, initiationMethod, eventType, previousContactId: options.previousContactId }));
}
