/**
 * The construct's IAM grants against what the handlers really call: every handler is driven through all of
 * its paths that touch AWS, the DynamoDB and Connect actions those requests need are recorded at the local
 * endpoints, and each function's synthesized policy must allow exactly those, no more and no fewer.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { CallbackMode } from '../../src';
import { SIM_CUSTOMER_FIRST_PARAMETERS } from '../../src/simulator/stack-flows';
import { HOURS_ARN as CONSTRUCT_HOURS_ARN, synth } from '../construct/fixtures';
import { backdateRecord } from '../support/dynamodb-server';
import { useTestEnvironment, TABLE_NAME } from '../support/environment';
import {
  INSTANCE_ARN, callbackContactEvent, callbackCtr, callbackContactCall, customerFirstContacts, dialledLegCall, dialledLegCtr, dialledLegEvent,
  flowEvent, hoursOpenOnlyBetween, inboundCtr, kinesisBatch, newContactId, queuedLegCall, queuedLegCtr, queuedLegEvent,
} from '../support/events';
import { type HandlerName, VARIANTS } from '../support/handlers';

const env = useTestEnvironment();

/**
 * The construct's function (logical id prefix) for each handler that a flow, the stream, a contact event, the
 * reconciler's schedule or the callbacks API invokes.
 */
const FUNCTION_OF: Partial<Record<HandlerName, string>> = {
  'write-callback': 'WriteCallback',
  'update-callback': 'UpdateCallback',
  'ctr-processor': 'CtrProcessor',
  'contact-event-processor': 'ContactEventProcessor',
  'reconciler': 'ReconcilerFunction',
  'list-callbacks': 'ListCallbacks',
  'cancel-callback': 'CancelCallback',
};

/** Table and Connect actions each function's policy allows (the stream's and the key's are not at issue here). */
function grantedActions(template: Template): Record<string, string[]> {
  const granted: Record<string, string[]> = {};
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    const fn = Object.values(FUNCTION_OF).find((name) => new RegExp(`^Callbacks(?:Flows|Events|CallbacksApi)?${name}ServiceRoleDefaultPolicy`).test(id));
    if (!fn) continue;
    const actions = (policy as any).Properties.PolicyDocument.Statement
      .flatMap((s: any) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
      .filter((action: string) => action.startsWith('dynamodb:') || action.startsWith('connect:'));
    // Every role has a policy now (its own log group); only table and Connect actions are at issue here.
    if (actions.length > 0) granted[fn] = [...new Set<string>(actions)].sort();
  }
  return granted;
}

describe.each(VARIANTS)('grants match the calls (%s)', (variant) => {
  const used: Record<string, Set<string>> = {};
  let line = variant === 'source' ? 7000 : 8000;
  const newNumber = () => `+1415555${String(line++).padStart(4, '0')}`;

  /** Runs `call` as handler `name` and adds the AWS actions its requests needed to that function's set. */
  async function as(name: HandlerName, call: (handler: any) => Promise<any>, overrides: Record<string, string> = {}): Promise<any> {
    env.db.iamActions.length = 0;
    env.connect.calls.length = 0;
    env.connect.describeCalls.length = 0;
    const result = await call(env.load(name, variant, overrides));
    const actions = used[FUNCTION_OF[name]!] ??= new Set();
    env.db.iamActions.forEach((action) => actions.add(action));
    if (env.connect.calls.length > 0) actions.add('connect:StopContact');
    if (env.connect.describeCalls.length > 0) actions.add('connect:DescribeContact');
    return result;
  }

  async function booking(phone = newNumber()) {
    const recordId = newContactId();
    const reply = await as('write-callback', (write) => write(flowEvent({ contactId: recordId, callerNumber: phone })));
    expect(reply.result).toBe('CREATED');
    return { recordId, phone };
  }
  const transition = (recordId: string, name: string, caller?: string) => as('update-callback', (update) => update(flowEvent(
    name === 'CONNECT' || name === 'AGENT_HANG_UP'
      ? callbackContactCall(recordId, name)
      : { callerNumber: caller, parameters: { recordId, transition: name } },
  )));

  test('every handler path that touches AWS', async () => {
    // write-callback: a booking, and a duplicate of it.
    const first = await booking();
    await as('write-callback', (write) => write(flowEvent({ callerNumber: first.phone })));

    // update-callback: cancel before and after the id is known (StopContact), connect, agent hang-up.
    const known = await booking();
    await as('ctr-processor', (process) => process(kinesisBatch([inboundCtr(known.recordId, newContactId())])));
    expect(await transition(known.recordId, 'CANCEL', known.phone)).toMatchObject({ result: 'APPLIED', removedFromQueue: 'true' });
    expect((await transition(first.recordId, 'CONNECT')).result).toBe('APPLIED');
    const hungUp = await booking();
    await transition(hungUp.recordId, 'CANCEL', hungUp.phone);
    expect((await transition(hungUp.recordId, 'AGENT_HANG_UP')).result).toBe('APPLIED');

    // ctr-processor: a cancelled callback whose id becomes known while StopContact is failing.
    const stopped = await booking();
    await transition(stopped.recordId, 'CANCEL', stopped.phone);
    env.connect.failWith('throttle');
    await as('ctr-processor', (process) => process(kinesisBatch([inboundCtr(stopped.recordId, newContactId())])));
    env.connect.failWith('none');

    // ctr-processor: the id learnt after a cancel (StopContact), and a callback that ended while PENDING or CANCELLED.
    const late = await booking();
    await transition(late.recordId, 'CANCEL', late.phone);
    await as('ctr-processor', (process) => process(kinesisBatch([inboundCtr(late.recordId, newContactId())])));
    const unanswered = await booking();
    await as('ctr-processor', (process) => process(kinesisBatch([callbackCtr(unanswered.recordId, newContactId())])));
    const cancelledUnanswered = await booking();
    await transition(cancelledUnanswered.recordId, 'CANCEL', cancelledUnanswered.phone);
    await as('ctr-processor', (process) => process(kinesisBatch([callbackCtr(cancelledUnanswered.recordId, newContactId())])));

    // contact-event-processor: the id learnt while PENDING, after a cancel (StopContact), for a contact that booked
    // nothing, and an event it ignores.
    const early = await booking();
    await as('contact-event-processor', (process) => process(callbackContactEvent(early.recordId, newContactId())));
    const cancelledEarly = await booking();
    await transition(cancelledEarly.recordId, 'CANCEL', cancelledEarly.phone);
    expect(await as('contact-event-processor', (process) => process(callbackContactEvent(cancelledEarly.recordId, newContactId()))))
      .toEqual({ outcome: 'REMOVED' });
    await as('contact-event-processor', (process) => process(callbackContactEvent(newContactId(), newContactId())));
    await as('contact-event-processor', (process) => process(callbackContactEvent(newContactId(), newContactId(), { eventType: 'QUEUED' })));

    // reconciler: a PENDING record whose callback ended (DescribeContact, completion), a CANCELLED one still queued
    // (StopContact, completion), one whose id was never learned (flagged), and one past the longest wait (expired).
    const ended = await booking();
    const endedId = newContactId();
    await as('ctr-processor', (process) => process(kinesisBatch([inboundCtr(ended.recordId, endedId)])));
    env.connect.contacts.set(endedId, { Id: endedId, InitiationMethod: 'CALLBACK', DisconnectTimestamp: new Date() });
    const stillQueued = await booking();
    await transition(stillQueued.recordId, 'CANCEL', stillQueued.phone);
    const stillQueuedId = newContactId();
    env.connect.failWith('throttle');
    await as('contact-event-processor', (process) => process(callbackContactEvent(stillQueued.recordId, stillQueuedId)).catch(() => undefined));
    env.connect.failWith('none');
    env.connect.contacts.set(stillQueuedId, { Id: stillQueuedId, InitiationMethod: 'CALLBACK' });
    const unknownId = await booking();
    const abandoned = await booking();
    for (const { recordId } of [ended, stillQueued, unknownId]) await backdateRecord(env.db.endpoint, TABLE_NAME, recordId, 35 * 60);
    await backdateRecord(env.db.endpoint, TABLE_NAME, abandoned.recordId, 17 * 24 * 3600 + 60);
    const summary = await as('reconciler', (reconcile) => reconcile({}), { RECONCILE_CALL_SPACING_MS: '0' });
    expect(summary.actions).toMatchObject({
      [ended.recordId]: 'ENDED', [stillQueued.recordId]: 'REMOVED', [unknownId.recordId]: 'FLAGGED', [abandoned.recordId]: 'EXPIRED',
    });

    // callbacks API: list, read one, an operator's cancel (id known: StopContact), and a cancel that finds it completed.
    const apiEvent = (method: string, path: string, extra: object) => ({
      version: '2.0', rawPath: path, requestContext: { http: { method }, authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:role/operator' } } }, ...extra,
    });
    expect((await as('list-callbacks', (list) => list(apiEvent('GET', '/callbacks', {})))).statusCode).toBe(200);
    expect((await as('list-callbacks', (list) => list(apiEvent('GET', '/callbacks', { queryStringParameters: { recordId: first.recordId } })))).statusCode).toBe(200);
    const operatorCancelled = await booking();
    await as('ctr-processor', (process) => process(kinesisBatch([inboundCtr(operatorCancelled.recordId, newContactId())])));
    const cancel = (recordId: string) => as('cancel-callback', (cancelOne) => cancelOne(apiEvent('POST', '/callbacks/cancel', { body: JSON.stringify({ recordId }) })));
    expect(JSON.parse((await cancel(operatorCancelled.recordId)).body)).toMatchObject({ result: 'CANCELLED', removedFromQueue: true });
    expect((await cancel(first.recordId)).statusCode).toBe(409);

    const granted = grantedActions(synth({ enableCallbacksApi: true }).template);
    expect(Object.keys(granted).sort()).toEqual(['CancelCallback', 'ContactEventProcessor', 'CtrProcessor', 'ListCallbacks', 'ReconcilerFunction', 'UpdateCallback', 'WriteCallback']);
    for (const fn of Object.values(FUNCTION_OF)) {
      expect({ fn, actions: [...(used[fn] ?? [])].sort() }).toEqual({ fn, actions: granted[fn] ?? [] });
    }
  });
});

describe.each(VARIANTS)('grants match the calls in customer-first mode (%s)', (variant) => {
  const used: Record<string, Set<string>> = {};
  let line = variant === 'source' ? 7500 : 8500;
  const newNumber = () => `+1415555${String(line++).padStart(4, '0')}`;

  async function as(name: HandlerName, call: (handler: any) => Promise<any>, overrides: Record<string, string> = {}): Promise<any> {
    env.db.iamActions.length = 0;
    env.connect.calls.length = 0;
    env.connect.describeCalls.length = 0;
    const result = await call(env.load(name, variant, { CALLBACK_MODE: 'CUSTOMER_FIRST', ...overrides }));
    const actions = used[FUNCTION_OF[name]!] ??= new Set();
    env.db.iamActions.forEach((action) => actions.add(action));
    if (env.connect.calls.length > 0) actions.add('connect:StopContact');
    if (env.connect.describeCalls.length > 0) actions.add('connect:DescribeContact');
    return result;
  }
  async function booking() {
    const phone = newNumber();
    const legs = customerFirstContacts(newContactId());
    expect((await as('write-callback', (write) => write(flowEvent({ contactId: legs.recordId, callerNumber: phone })))).result).toBe('CREATED');
    return { ...legs, phone };
  }
  const cancel = (legs: { recordId: string; phone: string }) => as('update-callback', (update) =>
    update(flowEvent({ callerNumber: legs.phone, parameters: { recordId: legs.recordId, transition: 'CANCEL' } })));
  const event = (detail: unknown) => as('contact-event-processor', (process) => process(detail));
  const ctr = (record: object) => as('ctr-processor', (process) => process(kinesisBatch([record])));

  test('every handler path of the three legs that touches AWS', async () => {
    // update-callback: the creation flow's check (pending; cancelled, which stops C2), the outbound callback flow's
    // answer and voicemail, and a cancel that stops the dialled leg.
    const pending = await booking();
    await as('update-callback', (update) => update(flowEvent(queuedLegCall(pending, 'CHECK_BEFORE_QUEUE'))));
    expect((await as('update-callback', (update) => update(flowEvent(dialledLegCall(pending, 'CUSTOMER_ANSWERED'))))).resolution).toBe('CONNECTED');
    const checked = await booking();
    await cancel(checked);
    expect((await as('update-callback', (update) => update(flowEvent(queuedLegCall(checked, 'CHECK_BEFORE_QUEUE'))))).resolution).toBe('REMOVED_BY_API');
    const voicemail = await booking();
    expect((await as('update-callback', (update) => update(flowEvent(dialledLegCall(voicemail, 'VOICEMAIL'))))).resolution).toBe('VOICEMAIL');
    const dialling = await booking();
    await event(dialledLegEvent(dialling));
    expect((await cancel(dialling)).resolution).toBe('DIAL_STOPPED');
    // The set-callback flow's undo path, the same in both modes (it reads the record).
    const undone = await booking();
    expect((await as('update-callback', (update) => update(flowEvent({ contactId: undone.recordId, parameters: { recordId: undone.recordId, transition: 'RELEASE' } }))))
      .resolution).toBe('RELEASED');

    // contact-event-processor: both legs' creation (pending, and cancelled: StopContact), the dialled leg's end
    // while pending (closes the record and its pointer) and after a cancel.
    const early = await booking();
    await event(queuedLegEvent(early));
    await event(dialledLegEvent(early));
    expect(await event(dialledLegEvent(early, 'DISCONNECTED', { answeringMachineDetectionStatus: 'AMD_UNANSWERED' }))).toEqual({ outcome: 'COMPLETED' });
    const cancelledEarly = await booking();
    await cancel(cancelledEarly);
    expect(await event(dialledLegEvent(cancelledEarly))).toEqual({ outcome: 'REMOVED' });
    const cancelledEnded = await booking();
    await cancel(cancelledEnded);
    expect(await event(dialledLegEvent(cancelledEnded, 'DISCONNECTED'))).toEqual({ outcome: 'COMPLETED' });

    // ctr-processor: C2's CTR naming C3 after a cancel (StopContact), C2 ending without a dial, C3's end.
    const late = await booking();
    await cancel(late);
    await ctr(queuedLegCtr(late));
    const undialled = await booking();
    await ctr(queuedLegCtr(undialled, false));
    const ended = await booking();
    await ctr(inboundCtr(ended.recordId, ended.queued));
    await ctr(dialledLegCtr(ended, { answeringMachineDetectionStatus: 'VOICEMAIL_BEEP' }));

    // reconciler: a cancelled callback whose dialled leg still rings (every StopContact failed): DescribeContact on
    // the dialled leg, StopContact, DIAL_STOPPED.
    const ringing = await booking();
    await event(dialledLegEvent(ringing));
    env.connect.failWith('throttle');
    expect(await cancel(ringing)).toMatchObject({ status: 'CANCELLED', removedFromQueue: 'false' });
    env.connect.failWith('none');
    env.connect.contacts.set(ringing.dialled, { Id: ringing.dialled, InitiationMethod: 'CALLBACK_CUSTOMER_FIRST_DIALED', PreviousContactId: ringing.queued });
    await backdateRecord(env.db.endpoint, TABLE_NAME, ringing.recordId, 10 * 60);
    // And a PENDING one whose dialled leg ended, its event and CTR lost: ENDED, with the number's pointer.
    const hungUp = await booking();
    await event(dialledLegEvent(hungUp));
    env.connect.contacts.set(hungUp.dialled, { Id: hungUp.dialled, InitiationMethod: 'CALLBACK_CUSTOMER_FIRST_DIALED', DisconnectTimestamp: new Date() });
    await backdateRecord(env.db.endpoint, TABLE_NAME, hungUp.recordId, 35 * 60);
    const summary = await as('reconciler', (reconcile) => reconcile({}), { RECONCILE_CALL_SPACING_MS: '0' });
    expect(summary.actions[ringing.recordId]).toBe('REMOVED');
    expect(summary.actions[hungUp.recordId]).toBe('ENDED');
    expect(summary.repaired.DIAL_STOPPED).toBeGreaterThanOrEqual(1);

    const customerFirst = { callbackMode: CallbackMode.CUSTOMER_FIRST, customerFirstCallbackParameters: { ...SIM_CUSTOMER_FIRST_PARAMETERS } };
    const granted = grantedActions(synth(customerFirst).template);
    expect(Object.keys(granted).sort()).toEqual(['ContactEventProcessor', 'CtrProcessor', 'ReconcilerFunction', 'UpdateCallback', 'WriteCallback']);
    for (const fn of Object.values(FUNCTION_OF)) {
      expect({ fn, actions: [...(used[fn] ?? [])].sort() }).toEqual({ fn, actions: granted[fn] ?? [] });
    }
    // The one permission customer-first mode adds: the contact event processor closes a PENDING record.
    expect(granted.ContactEventProcessor).toContain('dynamodb:DeleteItem');
    expect(grantedActions(synth().template).ContactEventProcessor).not.toContain('dynamodb:DeleteItem');
  });
});

describe.each(VARIANTS)('grants match the calls with an admission policy (%s)', (variant) => {
  const used: Record<string, Set<string>> = {};
  let line = variant === 'source' ? 7800 : 8800;
  const newNumber = () => `+1415555${String(line++).padStart(4, '0')}`;
  const POLICY_ENV = { ADMISSION_MAX_QUEUED_CONTACTS: '3', ADMISSION_MAX_CALLBACKS_PER_NUMBER_PER_DAY: '1' };

  async function as(name: HandlerName, call: (handler: any) => Promise<any>): Promise<any> {
    env.db.iamActions.length = 0;
    const result = await call(env.load(name, variant, POLICY_ENV));
    const actions = used[FUNCTION_OF[name]!] ??= new Set();
    env.db.iamActions.forEach((action) => actions.add(action));
    return result;
  }
  const write = (phone: string, contactsInQueue: string, contactId = newContactId()) =>
    as('write-callback', (handler) => handler(flowEvent({ contactId, callerNumber: phone, parameters: { contactsInQueue } })));

  test('the booking\'s paths under the policy: capacity, the daily limit, and the release that gives a count back', async () => {
    const phone = newNumber();
    const booked = newContactId();
    expect((await write(phone, '0', booked)).result).toBe('CREATED');
    // A full queue: the number's pending callback is read, and reported.
    expect((await write(phone, '3')).result).toBe('EXISTS');
    expect((await write(newNumber(), '3')).result).toBe('AT_CAPACITY');
    // Given up: the release lowers the counter in its own transaction.
    expect((await as('update-callback', (update) => update(flowEvent({ contactId: booked, parameters: { recordId: booked, transition: 'RELEASE' } })))).result)
      .toBe('APPLIED');
    const again = newContactId();
    expect((await write(phone, '0', again)).result).toBe('CREATED');
    await as('update-callback', (update) => update(flowEvent({ callerNumber: phone, parameters: { recordId: again, transition: 'CANCEL' } })));
    expect((await write(phone, '0')).result).toBe('LIMIT_REACHED');

    const granted = grantedActions(synth({ admissionPolicy: { maxQueuedContacts: 3, maxCallbacksPerNumberPerDay: 1 } }).template);
    // update-callback's grants (checked in full above) cover the release that gives the count back.
    expect([...used.UpdateCallback].filter((action) => !granted.UpdateCallback.includes(action))).toEqual([]);
    // write-callback, whose grants the policy changes, needs exactly what it is given.
    expect([...used.WriteCallback].sort()).toEqual(granted.WriteCallback);
  });
});

describe.each(VARIANTS)('grants match the calls with the closing-time rules (%s)', (variant) => {
  let line = variant === 'source' ? 7900 : 8900;
  const newNumber = () => `+1415555${String(line++).padStart(4, '0')}`;
  const hoursArn = `${INSTANCE_ARN}/operating-hours/45454545-6767-4898-8a9a-bcbcbcbcbcbc`;

  test('the hours asset reads the hours of operation, and the number\'s pointer when it refuses', async () => {
    const hour = 3600_000;
    const used = new Set<string>();
    const book = async (answer: unknown, phone: string) => {
      env.db.iamActions.length = 0;
      env.connect.hoursCalls.length = 0;
      env.connect.effectiveHours = () => answer as any;
      // A cold start each time: the hours are cached per container.
      const handler = env.load('write-callback-hours', variant, { ADMISSION_HOURS_OF_OPERATION_ARN: hoursArn });
      const reply = await handler(flowEvent({ callerNumber: phone }));
      env.db.iamActions.forEach((action) => used.add(action));
      if (env.connect.hoursCalls.length > 0) used.add('connect:GetEffectiveHoursOfOperations');
      return reply.result;
    };
    const phone = newNumber();
    expect(await book(hoursOpenOnlyBetween(Date.now() - hour, Date.now() + hour), phone)).toBe('CREATED');
    const closed = hoursOpenOnlyBetween(Date.now() + hour, Date.now() + 2 * hour);
    expect(await book(closed, phone)).toBe('EXISTS');
    expect(await book(closed, newNumber())).toBe('CLOSED');
    env.connect.effectiveHours = undefined;

    const { template } = synth({ admissionPolicy: { hoursOfOperationArn: CONSTRUCT_HOURS_ARN } });
    expect([...used].sort()).toEqual(grantedActions(template).WriteCallback);
  });
});
