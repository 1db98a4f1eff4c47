/**
 * The admission policy prop: what each rule adds to the flows, the function and its grants, that nothing changes
 * without it, and the errors for rules that cannot work.
 */
import { Duration } from 'aws-cdk-lib';
import { flowContent, resourcesOf, synth } from './fixtures';
import { Prompt } from '../../src';

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
function writeCallbackActions(template: ReturnType<typeof synth>['template']): string[] {
  const [[, policy]] = resourcesOf(template, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('CallbacksFlowsWriteCallbackServiceRoleDefaultPolicy'));
  return policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()).filter((a: string) => a.startsWith('dynamodb:')).sort();
}

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

describe('rules that cannot work are refused at synth, naming the rule', () => {
  test.each([
    [{ maxQueuedContacts: 0 }, 'admissionPolicy.maxQueuedContacts must be a whole number of at least 1, got 0'],
    [{ maxQueuedContacts: 2.5 }, 'admissionPolicy.maxQueuedContacts must be a whole number of at least 1, got 2.5'],
    [{ maxCallbacksPerNumberPerDay: -1 }, 'admissionPolicy.maxCallbacksPerNumberPerDay must be a whole number of at least 1, got -1'],
    [{ maxCallbacksPerNumberPerDay: Number.NaN }, 'admissionPolicy.maxCallbacksPerNumberPerDay must be a whole number of at least 1, got NaN'],
  ])('%j', (admissionPolicy, message) => {
    expect(() => synth({ admissionPolicy })).toThrow(message);
  });
});
