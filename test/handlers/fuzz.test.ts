/**
 * Property-based fuzzing (fast-check) of every handler's input parsing, against DynamoDB Local and the local Connect
 * endpoint: Amazon Connect flow events for each flow-facing handler, Kinesis CTR batches for the CTR processor and
 * EventBridge events for the contact event processor. Inputs mix garbage of any shape with near-valid events built
 * around real records, so both the early rejections and the paths that write are exercised.
 *
 * Each flow-facing call must end in a flat string-to-string reply whose `result` is one the flows branch on; the CTR
 * processor must answer a batch item failure list (empty: the database is up, so nothing is transient), and the
 * contact event processor an outcome, never a throw. Afterwards no item of the table may be partial or corrupt.
 */
import * as fc from 'fast-check';
import { OPEN_RECORD_TTL_SECONDS, RESULTS } from '../../lambda-src/shared/contract';
import { createCallbackTable, scanTable } from '../support/dynamodb-server';
import { type FlowHandler, useTestEnvironment } from '../support/environment';
import { INSTANCE_ARN, callbackContactEvent, callbackCtr, flowEvent, inboundCtr, kinesisBatch } from '../support/events';
import type { HandlerName } from '../support/handlers';

const env = useTestEnvironment();
const TABLE = 'Fuzz';
const VARIANT = 'bundle';
/**
 * Cases per handler; their sum is what the suite promises (at least 10,000). write-callback carries the phone
 * normalization cases, and the processors the removals of cancelled callbacks.
 */
const RUNS: Record<string, number> = {
  'write-callback': 3500,
  'update-callback': 3500,
  'ctr-processor': 1500,
  'contact-event-processor': 1500,
};
const counted: Record<string, number> = {};
const count = (name: string) => {
  counted[name] = (counted[name] ?? 0) + 1;
};

/** Booked in beforeAll: the near-valid events name these, so transitions, lookups and id arrivals really happen. */
const recordIds: string[] = [];
const NUMBERS = Array.from({ length: 40 }, (_, i) => `+1718555${String(6000 + i).padStart(4, '0')}`);

const anyValue = fc.anything({ maxDepth: 2, maxKeys: 4 });
const contactId = fc.oneof(
  fc.uuid(),
  fc.constantFrom(...Array.from({ length: 20 }, (_, i) => `fuzz-record-${i}`)),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', ' ', 'x'.repeat(257), '../../etc', 'CALLBACK#x', 'ACTIVE#y', '"}', '\u0000'),
);
const knownRecordId = fc.integer({ min: 0, max: 19 }).map((i) => recordIds[i]);
const phoneText = fc.oneof(
  fc.constantFrom(...NUMBERS),
  fc.stringMatching(/^\+?[0-9 ()\-.]{0,24}#?$/),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '+', '#', '0'.repeat(33), '+1 (202) 555-0143', '020 7946 0958', '+442079460958'),
);
const TRANSITIONS = ['CANCEL', 'CONNECT', 'AGENT_HANG_UP', 'CHECK_BEFORE_QUEUE', 'CUSTOMER_ANSWERED', 'VOICEMAIL'];
const LEG_METHODS = ['CALLBACK_CUSTOMER_FIRST_QUEUED', 'CALLBACK_CUSTOMER_FIRST_DIALED'];
const parameterValue = fc.oneof(phoneText, contactId, fc.constantFrom(...TRANSITIONS, 'cancel', 'US', 'GB', 'ZZ', 'Europe/Paris'), anyValue);
const parameters = fc.oneof(
  fc.dictionary(fc.constantFrom('phoneNumber', 'recordId', 'transition', 'country', 'timeZone', '__proto__', 'constructor'), parameterValue, { maxKeys: 4 }),
  anyValue,
);

/** A Connect flow event: garbage of any shape, or the real shape with fuzzed fields. */
const flowEventArb = fc.oneof(
  { weight: 1, arbitrary: anyValue },
  {
    weight: 4,
    arbitrary: fc.record({
      contactId: fc.oneof(contactId, knownRecordId),
      callerNumber: fc.oneof(fc.constant(null), phoneText),
      parameters: fc.oneof(parameters, fc.record({ recordId: knownRecordId, transition: fc.constantFrom(...TRANSITIONS), phoneNumber: phoneText })),
      attributes: fc.oneof(fc.constant({}), fc.record({ callbackRecordId: fc.oneof(knownRecordId, contactId) })),
      initiationMethod: fc.constantFrom('INBOUND', 'CALLBACK', 'OUTBOUND', '', ...LEG_METHODS),
      previousContactId: fc.option(fc.oneof(knownRecordId, contactId), { nil: undefined }),
      initialContactId: fc.option(fc.oneof(knownRecordId, contactId), { nil: undefined }),
    }).map(({ contactId: id, callerNumber, parameters: params, attributes, initiationMethod, previousContactId, initialContactId }) => {
      const event: any = flowEvent({
        contactId: typeof id === 'string' ? id : undefined, callerNumber, attributes, initiationMethod, previousContactId, initialContactId,
      });
      event.Details.Parameters = params;
      if (typeof id !== 'string') event.Details.ContactData.ContactId = id;
      return event;
    }),
  },
);

/** A Kinesis record's data: raw garbage, any JSON, or a CTR of a known record with fuzzed fields. */
const ctrEntry = fc.oneof(
  fc.string({ maxLength: 30 }).map((raw) => ({ raw })),
  fc.jsonValue({ maxDepth: 2 }).map((value) => ({ raw: Buffer.from(JSON.stringify(value) ?? 'null').toString('base64') })),
  fc.tuple(knownRecordId, fc.uuid()).map(([recordId, callbackId]) => inboundCtr(recordId, callbackId)),
  fc.tuple(knownRecordId, fc.uuid()).map(([recordId, callbackId]) => callbackCtr(recordId, callbackId)),
  fc.record({
    ContactId: fc.oneof(contactId, anyValue),
    InitiationMethod: fc.oneof(fc.constantFrom('INBOUND', 'CALLBACK', ...LEG_METHODS), anyValue),
    NextContactId: fc.oneof(fc.uuid(), anyValue),
    PreviousContactId: fc.oneof(knownRecordId, anyValue),
    InitialContactId: fc.oneof(knownRecordId, anyValue),
    AnsweringMachineDetectionStatus: fc.oneof(fc.constantFrom('HUMAN_ANSWERED', 'VOICEMAIL_BEEP', 'AMD_UNANSWERED'), anyValue),
    Agent: fc.oneof(fc.record({ ConnectedToAgentTimestamp: fc.oneof(fc.string(), anyValue) }), anyValue),
    Attributes: fc.oneof(fc.record({ callbackRecordId: fc.oneof(knownRecordId, contactId) }), anyValue),
  }, { requiredKeys: [] }),
);

/** An EventBridge event: garbage, or a contact event of a known record with fuzzed fields. */
const contactEventArb = fc.oneof(
  anyValue,
  fc.record({
    recordId: fc.oneof(knownRecordId, contactId),
    callbackId: fc.oneof(fc.uuid(), contactId),
    eventType: fc.constantFrom('INITIATED', 'QUEUED', 'DISCONNECTED', ''),
    initiationMethod: fc.constantFrom('CALLBACK', 'INBOUND', ...LEG_METHODS),
    instanceArn: fc.constantFrom(INSTANCE_ARN, `${INSTANCE_ARN}x`, ''),
    // A dialled leg's previous contact is its queued leg, not the record; and its end may say how it went.
    previousContactId: fc.option(fc.oneof(fc.uuid(), contactId, anyValue), { nil: undefined }),
    ending: fc.dictionary(fc.constantFrom('answeringMachineDetectionStatus', 'agentInfo'), anyValue, { maxKeys: 2 }),
    patch: fc.dictionary(fc.constantFrom('detail', 'source', 'detail-type', 'id'), anyValue, { maxKeys: 1 }),
  }).map(({ recordId, callbackId, eventType, initiationMethod, instanceArn, previousContactId, ending, patch }) => {
    const event = callbackContactEvent(recordId, callbackId, { eventType, initiationMethod, instanceArn });
    const detail: Record<string, unknown> = { ...event.detail, ...ending };
    if (previousContactId !== undefined) detail.previousContactId = previousContactId;
    return { ...event, detail, ...patch };
  }),
);

const FLOW_RESULTS: Partial<Record<HandlerName, readonly string[]>> = {
  'write-callback': RESULTS.WRITE_CALLBACK,
  'update-callback': RESULTS.UPDATE_CALLBACK,
};

function expectFlatReply(name: string, reply: unknown): void {
  expect(typeof reply === 'object' && reply !== null && !Array.isArray(reply)).toBe(true);
  expect(Object.getPrototypeOf(reply)).toBe(Object.prototype);
  for (const value of Object.values(reply as object)) expect(typeof value).toBe('string');
  expect(FLOW_RESULTS[name as HandlerName]).toContain((reply as Record<string, string>).result);
}

describe('fuzzing every handler\'s input', () => {
  const overrides = { TABLE_NAME: TABLE };

  beforeAll(async () => {
    await createCallbackTable(env.db.endpoint, TABLE);
    const write = env.load('write-callback', VARIANT, overrides);
    for (let i = 0; i < 20; i++) {
      const recordId = `fuzz-record-${i}`;
      const reply = await write(flowEvent({ contactId: recordId, callerNumber: NUMBERS[i] }));
      expect(reply.result).toBe('CREATED');
      recordIds.push(recordId);
    }
  });

  test.each(Object.keys(FLOW_RESULTS))('%s: a flat string reply with a known result, never a throw', async (name) => {
    const handler = env.load<FlowHandler>(name as HandlerName, VARIANT, overrides);
    await fc.assert(fc.asyncProperty(flowEventArb, async (event) => {
      count(name);
      expectFlatReply(name, await handler(event));
    }), { numRuns: RUNS[name] });
  });

  test('ctr-processor: a batch item failure list naming only records of the batch (none, with the database up)', async () => {
    const processCtrs = env.load<(event: unknown) => Promise<{ batchItemFailures: unknown[] }>>('ctr-processor', VARIANT, overrides);
    await fc.assert(fc.asyncProperty(fc.array(ctrEntry, { minLength: 1, maxLength: 4 }), async (entries) => {
      count('ctr-processor');
      expect(await processCtrs(kinesisBatch(entries))).toEqual({ batchItemFailures: [] });
    }), { numRuns: RUNS['ctr-processor'] });
  });

  test('contact-event-processor: an outcome, never a throw', async () => {
    const processEvent = env.load<(event: unknown) => Promise<{ outcome: string }>>('contact-event-processor', VARIANT, overrides);
    await fc.assert(fc.asyncProperty(contactEventArb, async (event) => {
      count('contact-event-processor');
      const result = await processEvent(event);
      expect(Object.keys(result)).toEqual(['outcome']);
      expect(['IGNORED', 'NO_RECORD', 'CONFLICT', 'ID_LEARNED', 'REMOVED', 'LEG_ENDED', 'COMPLETED', 'ALREADY_COMPLETED']).toContain(result.outcome);
    }), { numRuns: RUNS['contact-event-processor'] });
  });

  test('at least 10,000 cases ran, and the table holds no partial or corrupt item', async () => {
    const total = Object.values(counted).reduce((sum, n) => sum + n, 0);
    expect(counted).toEqual(RUNS);
    expect(total).toBeGreaterThanOrEqual(10_000);

    const items = await scanTable(env.db.endpoint, TABLE);
    const records = new Map(items.filter((item) => item.recordType === 'CALLBACK').map((item) => [item.recordId, item]));
    expect(records.size).toBeGreaterThanOrEqual(20);
    for (const item of items) {
      expect(typeof item.expiresAt).toBe('number');
      expect(Number.isInteger(item.expiresAt)).toBe(true);
      if (item.recordType === 'ACTIVE') {
        for (const attribute of ['pk', 'recordId', 'phoneE164', 'createdAt']) expect({ pk: item.pk, attribute, has: typeof item[attribute] }).toEqual({ pk: item.pk, attribute, has: 'string' });
        expect(records.get(item.recordId)).toMatchObject({ status: 'PENDING', phoneE164: item.phoneE164 });
        continue;
      }
      expect(item.recordType).toBe('CALLBACK');
      for (const attribute of ['pk', 'recordId', 'status', 'phoneE164', 'phoneNational', 'country', 'queueArn', 'inboundContactId', 'createdAt']) {
        expect({ pk: item.pk, attribute, has: typeof item[attribute] }).toEqual({ pk: item.pk, attribute, has: 'string' });
      }
      expect(item.pk).toBe(`CALLBACK#${item.recordId}`);
      expect(String(item.phoneE164)).toMatch(/^\+[1-9]\d{6,14}$/);
      expect(['PENDING', 'CANCELLED', 'COMPLETED']).toContain(item.status);
      if (item.status === 'COMPLETED') {
        expect(['CONNECTED', 'REMOVED_BY_API', 'HUNG_UP_BY_AGENT', 'ENDED', 'NOT_ANSWERED', 'VOICEMAIL', 'DIAL_STOPPED', 'CANCELLED_ON_ANSWER']).toContain(item.resolution);
        expect(typeof item.completedAt).toBe('string');
      } else {
        expect(item.resolution).toBeUndefined();
        expect(item.expiresAt).toBe(Math.floor(Date.parse(String(item.createdAt)) / 1000) + OPEN_RECORD_TTL_SECONDS);
      }
      if (item.status === 'CANCELLED') expect(typeof item.cancelledAt).toBe('string');
      if (item.callbackContactId !== undefined) expect(String(item.callbackContactId)).toMatch(/^[A-Za-z0-9-]{1,256}$/);
      if (item.dialledContactId !== undefined) expect(String(item.dialledContactId)).toMatch(/^[A-Za-z0-9-]{1,256}$/);
    }
    // Every PENDING record has its pointer.
    const pointed = new Set(items.filter((item) => item.recordType === 'ACTIVE').map((item) => item.recordId));
    for (const record of records.values()) if (record.status === 'PENDING') expect(pointed.has(record.recordId)).toBe(true);
  });
});
