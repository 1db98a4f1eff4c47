/**
 * The admission policy prop: what each rule adds to the flows, the function and its grants, that nothing changes
 * without it, and the errors for rules that cannot work.
 */
import { Duration } from 'aws-cdk-lib';
import { HOURS_ARN, INSTANCE_ARN, flowContent, resourcesOf, synth } from './fixtures';
import { CallbackMode, Prompt, WhenClosed } from '../../src';
import { SIM_CUSTOMER_FIRST_PARAMETERS } from '../../src/simulator/stack-flows';

function flows(template: ReturnType<typeof synth>['template']): Record<string, any> {
  return Object.fromEntries(resourcesOf(template, 'AWS::Connect::ContactFlow')
    .map(([, resource]) => [/^Callback management: ([a-z-]+) /.exec(resource.Properties.Description)![1], flowContent(resource)]));
}
const actionsOf = (flow: any) => new Map<string, any>(flow.Actions.map((action: any) => [action.Identifier, action]));
const resultsBranched = (action: any) => action.Transitions.Conditions.map((condition: any) => condition.Condition.Operands[0]);
function writeCallbackOf(template: ReturnType<typeof synth>['template']): any {
  const [[, fn]] = resourcesOf(template, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('CallbacksFlowsWriteCallback'));
  return fn;
}
function writeCallbackStatements(template: ReturnType<typeof synth>['template']): any[] {
  const [[, policy]] = resourcesOf(template, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('CallbacksFlowsWriteCallbackServiceRoleDefaultPolicy'));
  return policy.Properties.PolicyDocument.Statement;
}
function writeCallbackActions(template: ReturnType<typeof synth>['template']): string[] {
  return writeCallbackStatements(template).flatMap((s: any) => [s.Action].flat()).filter((a: string) => a.startsWith('dynamodb:')).sort();
}
/** Which asset the booking function runs: the metadata the construct writes on it. */
const writeCallbackAsset = (template: ReturnType<typeof synth>['template']) => writeCallbackOf(template).Metadata['cdk-connect-callback-management:handler'];

describe('without a policy', () => {
  const { template } = synth({ inQueueCallbackOffer: { interval: Duration.seconds(60) } });
  const all = flows(template);

  test('the flows branch on no refusal and hold none of the policy\'s blocks', () => {
    const text = JSON.stringify(all);
    for (const piece of ['AT_CAPACITY', 'LIMIT_REACHED', 'say-at-capacity', 'say-limit-reached', 'check-refused', 'callbackRefused', 'contactsInQueue']) {
      expect(text).not.toContain(piece);
    }
    // Without a wait threshold nothing reads the queue's metrics either.
    expect(actionsOf(all['set-callback']).has('get-queue-wait')).toBe(false);
    expect(actionsOf(all['customer-queue']).get('check-booked').Transitions.NextAction).toBe('hold');
  });

  test('write-callback gets no rule and only its Put', () => {
    expect(Object.keys(writeCallbackOf(template).Properties.Environment.Variables).filter((name) => name.startsWith('ADMISSION_'))).toEqual([]);
    expect(writeCallbackActions(template)).toEqual(['dynamodb:PutItem']);
  });

  test('write-callback runs the asset without the Connect client, and no flow branches on the hours or holds a deferred block', () => {
    expect(writeCallbackAsset(template)).toBe('write-callback');
    const text = JSON.stringify(all);
    for (const piece of ['CLOSING', 'CLOSED', 'deferSeconds', 'choose-callback-delay', 'create-callback-deferred', 'say-closing-soon', 'say-closed', 'no-callback-today']) {
      expect(text).not.toContain(piece);
    }
    expect(actionsOf(all['set-callback']).get('set-agent-whisper').Transitions.NextAction).toBe('create-callback');
  });
});

describe('maxQueuedContacts', () => {
  const { template } = synth({ admissionPolicy: { maxQueuedContacts: 25 } });
  const setCallback = actionsOf(flows(template)['set-callback']);

  test('every booking passes the queue size that the flow\'s Get queue metrics block read at its start', () => {
    const bookings = [...setCallback.values()].filter((action) => action.Type === 'InvokeLambdaFunction'
      && JSON.stringify(action.Parameters.LambdaFunctionARN).includes('WriteCallback'));
    expect(bookings.map((action) => action.Identifier).sort()).toEqual(['book-caller-number', 'book-entered-number']);
    for (const action of bookings) expect(action.Parameters.LambdaInvocationAttributes.contactsInQueue).toBe('$.Metrics.Queue.Size');
    expect(setCallback.get('get-queue-wait')).toMatchObject({ Type: 'GetMetricData', Transitions: { NextAction: 'choose-number' } });
    // No wait threshold: only the metrics are read, nothing is offered on them.
    expect(setCallback.has('check-queue-wait')).toBe(false);
  });

  test('AT_CAPACITY is said and ends the call (a full queue cannot take the caller either); LIMIT_REACHED is not branched on', () => {
    for (const id of ['check-caller-booking', 'check-entered-booking']) {
      expect(resultsBranched(setCallback.get(id))).toEqual(['CREATED', 'EXISTS', 'INVALID_NUMBER', 'AT_CAPACITY']);
    }
    expect(setCallback.get('say-at-capacity')).toMatchObject({
      Parameters: { Text: 'Sorry, we cannot take any more callbacks right now. Please call again later. Goodbye.' },
      Transitions: { NextAction: 'disconnect' },
    });
  });

  test('write-callback gets the rule, and may read the number\'s pointer', () => {
    expect(writeCallbackOf(template).Properties.Environment.Variables).toMatchObject({ ADMISSION_MAX_QUEUED_CONTACTS: '25' });
    expect(writeCallbackActions(template)).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
  });

  test('with a wait threshold, the same metrics block serves both', () => {
    const both = actionsOf(flows(synth({ admissionPolicy: { maxQueuedContacts: 25 }, minimumWaitForCallback: Duration.minutes(2) }).template)['set-callback']);
    expect(both.get('get-queue-wait').Transitions.NextAction).toBe('check-queue-wait');
    expect([...both.values()].filter((action) => action.Type === 'GetMetricData')).toHaveLength(1);
  });
});

describe('maxCallbacksPerNumberPerDay', () => {
  const { template } = synth({
    admissionPolicy: { maxCallbacksPerNumberPerDay: 3 },
    inQueueCallbackOffer: { interval: Duration.seconds(60) },
    prompts: { limitReached: Prompt.text('You have used your callbacks for today. Please hold.') },
  });
  const all = flows(template);

  test('set-callback says the limit in the user\'s words and puts the caller through to the queue', () => {
    const setCallback = actionsOf(all['set-callback']);
    expect(resultsBranched(setCallback.get('check-caller-booking'))).toEqual(['CREATED', 'EXISTS', 'INVALID_NUMBER', 'LIMIT_REACHED']);
    expect(setCallback.get('say-limit-reached')).toMatchObject({
      Parameters: { Text: 'You have used your callbacks for today. Please hold.' },
      Transitions: { NextAction: 'transfer-to-queue' },
    });
  });

  test('the customer queue flow says it, remembers it on the contact, and offers that caller no callback again', () => {
    const queue = actionsOf(all['customer-queue']);
    expect(resultsBranched(queue.get('check-booking'))).toContain('LIMIT_REACHED');
    expect(queue.get('remember-limit-reached')).toMatchObject({
      Type: 'UpdateContactAttributes', Parameters: { Attributes: { callbackRefused: 'LIMIT_REACHED' } }, Transitions: { NextAction: 'say-queue-limit-reached' },
    });
    expect(queue.get('check-booked').Transitions.NextAction).toBe('check-refused');
    expect(queue.get('check-refused')).toMatchObject({ Parameters: { ComparisonValue: '$.Attributes.callbackRefused' } });
    expect(queue.get('check-refused').Transitions.Conditions[0].NextAction).toBe('hold-booked');
    // The queue flow passes no queue size: its caller already holds a place in the queue, and gives it up by booking.
    expect(JSON.stringify(all['customer-queue'])).not.toContain('contactsInQueue');
  });

  test('write-callback gets the rule, and may raise the number\'s counter', () => {
    expect(writeCallbackOf(template).Properties.Environment.Variables).toMatchObject({ ADMISSION_MAX_CALLBACKS_PER_NUMBER_PER_DAY: '3' });
    expect(writeCallbackActions(template)).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });
});

describe('hoursOfOperationArn, refusing when closed', () => {
  const { template } = synth({
    admissionPolicy: { hoursOfOperationArn: HOURS_ARN, stopOfferingBeforeClose: Duration.minutes(15) },
    inQueueCallbackOffer: { interval: Duration.seconds(60) },
  });
  const all = flows(template);
  const setCallback = actionsOf(all['set-callback']);
  const queue = actionsOf(all['customer-queue']);

  test('write-callback runs the hours asset, may read the hours of operation and nothing else of Connect, and may read the number\'s pointer', () => {
    expect(writeCallbackAsset(template)).toBe('write-callback-hours');
    const connect = writeCallbackStatements(template).filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('connect:')));
    expect(connect).toEqual([{ Action: 'connect:GetEffectiveHoursOfOperations', Effect: 'Allow', Resource: HOURS_ARN }]);
    expect(writeCallbackActions(template)).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(writeCallbackOf(template).Properties.Environment.Variables).toMatchObject({
      ADMISSION_HOURS_OF_OPERATION_ARN: HOURS_ARN, ADMISSION_STOP_BEFORE_CLOSE_SECONDS: '900', ADMISSION_WHEN_CLOSED: 'REFUSE',
    });
  });

  test('set-callback: CLOSING is said and the caller is put through to the queue; CLOSED is said and ends the call', () => {
    for (const id of ['check-caller-booking', 'check-entered-booking']) {
      expect(resultsBranched(setCallback.get(id))).toEqual(['CREATED', 'EXISTS', 'INVALID_NUMBER', 'CLOSING', 'CLOSED']);
    }
    expect(setCallback.get('say-closing-soon')).toMatchObject({ Parameters: { Text: expect.stringContaining('closing soon') }, Transitions: { NextAction: 'transfer-to-queue' } });
    expect(setCallback.get('say-closed')).toMatchObject({ Parameters: { Text: expect.stringContaining('we are closed') }, Transitions: { NextAction: 'disconnect' } });
    expect(setCallback.has('choose-callback-delay')).toBe(false);
  });

  test('the customer queue flow says it, remembers it on the contact, and offers that caller no callback again', () => {
    expect(resultsBranched(queue.get('check-booking'))).toEqual(['CREATED', 'EXISTS', 'INVALID_NUMBER', 'CLOSING', 'CLOSED']);
    expect(queue.get('remember-no-callback-today').Parameters.Attributes).toEqual({ callbackRefused: 'CLOSING' });
    expect(queue.get('say-queue-no-callback-today').Transitions.NextAction).toBe('end');
    expect(queue.get('check-refused').Transitions.Conditions).toEqual([{ NextAction: 'hold-booked', Condition: { Operator: 'Equals', Operands: ['CLOSING'] } }]);
  });
});

describe('whenClosed DEFER', () => {
  const { template } = synth({
    admissionPolicy: {
      hoursOfOperationArn: HOURS_ARN,
      whenClosed: WhenClosed.DEFER,
      deferralDelays: [Duration.hours(24), Duration.hours(12), Duration.hours(16)],
    },
    inQueueCallbackOffer: { interval: Duration.seconds(60) },
    initialCallDelay: Duration.seconds(30),
  });
  const all = flows(template);

  test.each(['set-callback', 'customer-queue'])('%s: one callback block per delay, each with its own fixed delay and retries 0, chosen by deferSeconds', (name) => {
    const flow = actionsOf(all[name]);
    const check = flow.get(name === 'set-callback' ? 'check-caller-booking' : 'check-booking');
    expect(check.Transitions.Conditions.find((c: any) => c.Condition.Operands[0] === 'CLOSED_DEFERRED').NextAction).toBe('remember-callback-record');
    expect(flow.get('set-agent-whisper').Transitions.NextAction).toBe('choose-callback-delay');
    const choose = flow.get('choose-callback-delay');
    expect(choose.Parameters.ComparisonValue).toBe('$.External.deferSeconds');
    expect(choose.Transitions.Conditions.map((c: any) => [c.Condition.Operands[0], c.NextAction])).toEqual([
      ['43200', 'create-callback-deferred-43200'], ['57600', 'create-callback-deferred-57600'], ['86400', 'create-callback-deferred-86400'],
    ]);
    // CREATED (an empty deferSeconds) takes the usual block, with the construct's initialCallDelay.
    expect(choose.Transitions.NextAction).toBe('create-callback');
    expect(choose.Transitions.Errors).toEqual([{ NextAction: 'create-callback', ErrorType: 'NoMatchingCondition' }]);
    expect(flow.get('create-callback').Parameters.InitialCallDelaySeconds).toBe('30');
    const said = name === 'set-callback' ? 'say-callback-deferred' : 'say-queue-callback-deferred';
    for (const seconds of ['43200', '57600', '86400']) {
      expect(flow.get(`create-callback-deferred-${seconds}`)).toMatchObject({
        Type: 'CreateCallbackContact',
        Parameters: { InitialCallDelaySeconds: seconds, MaximumConnectionAttempts: '0' },
        Transitions: { NextAction: said, Errors: [{ NextAction: 'undo-booking', ErrorType: 'NoMatchingError' }] },
      });
    }
    expect(flow.has('create-callback-deferred')).toBe(false);
    expect(JSON.stringify(all[name])).not.toContain('${');
  });

  test('write-callback gets the delays, ascending', () => {
    expect(writeCallbackOf(template).Properties.Environment.Variables)
      .toMatchObject({ ADMISSION_WHEN_CLOSED: 'DEFER', ADMISSION_DEFERRAL_DELAYS_SECONDS: '43200,57600,86400' });
  });
});

describe('rules that cannot work are refused at synth, naming the rule', () => {
  test.each([
    [{ maxQueuedContacts: 0 }, 'admissionPolicy.maxQueuedContacts must be a whole number of at least 1, got 0'],
    [{ maxQueuedContacts: 2.5 }, 'admissionPolicy.maxQueuedContacts must be a whole number of at least 1, got 2.5'],
    [{ maxCallbacksPerNumberPerDay: -1 }, 'admissionPolicy.maxCallbacksPerNumberPerDay must be a whole number of at least 1, got -1'],
    [{ maxCallbacksPerNumberPerDay: Number.NaN }, 'admissionPolicy.maxCallbacksPerNumberPerDay must be a whole number of at least 1, got NaN'],
  ])('%j', (admissionPolicy, message) => {
    expect(() => synth({ admissionPolicy })).toThrow(message);
  });

  const otherInstanceHours = `${INSTANCE_ARN.replace(/instance\/.*/, 'instance/99999999-bbbb-4ccc-8ddd-eeeeeeeeeeee')}/operating-hours/33333333-4444-4555-8666-777777777777`;
  test.each([
    [{ stopOfferingBeforeClose: Duration.minutes(10) }, 'admissionPolicy.stopOfferingBeforeClose needs admissionPolicy.hoursOfOperationArn'],
    [{ whenClosed: WhenClosed.DEFER, deferralDelays: [Duration.hours(12)] }, 'admissionPolicy.whenClosed needs admissionPolicy.hoursOfOperationArn'],
    [{ hoursOfOperationArn: `${INSTANCE_ARN}/queue/1` }, 'admissionPolicy.hoursOfOperationArn must be an hours of operation ARN'],
    [{ hoursOfOperationArn: otherInstanceHours }, 'belongs to instance 99999999-bbbb-4ccc-8ddd-eeeeeeeeeeee, not to the construct\'s instance'],
    [{ hoursOfOperationArn: HOURS_ARN, stopOfferingBeforeClose: Duration.hours(24) }, 'admissionPolicy.stopOfferingBeforeClose must be a whole number of seconds from 0 to less than a day'],
    [{ hoursOfOperationArn: HOURS_ARN, stopOfferingBeforeClose: Duration.millis(1500) }, 'admissionPolicy.stopOfferingBeforeClose must be a whole number of seconds'],
    [{ hoursOfOperationArn: HOURS_ARN, whenClosed: WhenClosed.DEFER }, 'admissionPolicy.whenClosed DEFER needs admissionPolicy.deferralDelays'],
    [{ hoursOfOperationArn: HOURS_ARN, deferralDelays: [Duration.hours(12)] }, 'admissionPolicy.deferralDelays needs admissionPolicy.whenClosed DEFER'],
    [{ hoursOfOperationArn: HOURS_ARN, whenClosed: WhenClosed.DEFER, deferralDelays: [Duration.hours(73)] }, 'admissionPolicy.deferralDelays[0] must be a whole number of seconds from 1 to 259200 (3 days), got 3 days 1 hour'],
    [{ hoursOfOperationArn: HOURS_ARN, whenClosed: WhenClosed.DEFER, deferralDelays: [Duration.hours(12), Duration.minutes(720)] }, 'admissionPolicy.deferralDelays lists the same delay twice'],
    [{ hoursOfOperationArn: HOURS_ARN, whenClosed: WhenClosed.DEFER, deferralDelays: Array.from({ length: 9 }, (_, n) => Duration.hours(n + 1)) }, 'admissionPolicy.deferralDelays may hold at most 8 delays, got 9'],
  ])('%j', (admissionPolicy, message) => {
    expect(() => synth({ admissionPolicy })).toThrow(message);
  });

  test('DEFER is refused in customer-first mode, where the docs disagree on whether the initial delay applies', () => {
    expect(() => synth({
      callbackMode: CallbackMode.CUSTOMER_FIRST,
      customerFirstCallbackParameters: { ...SIM_CUSTOMER_FIRST_PARAMETERS },
      admissionPolicy: { hoursOfOperationArn: HOURS_ARN, whenClosed: WhenClosed.DEFER, deferralDelays: [Duration.hours(12)] },
    })).toThrow(/whenClosed DEFER is agent-first only/);
  });
});
