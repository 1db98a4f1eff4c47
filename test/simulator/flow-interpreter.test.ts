/** The flow interpreter on its own: no DynamoDB, scripted Lambda replies. */
import { type FlowContact, type FlowHost, type LambdaOutcome, UnsupportedActionError, runFlow } from '../../src/simulator/flow-interpreter';
import { validateLocalNumber } from '../../src/simulator/phone-validation';

function contact(): FlowContact {
  return { contactId: 'c-1', initialContactId: 'c-1', initiationMethod: 'INBOUND', channel: 'VOICE', customerAddress: '+13125550100', attributes: {}, eventHooks: {} };
}

function host(replies: LambdaOutcome[], inputs: Array<string | undefined> = []) {
  const said: string[] = [];
  const events: any[] = [];
  const h: FlowHost = {
    instanceArn: 'arn:aws:connect:us-east-1:123456789012:instance/i',
    nextInput: () => inputs.shift(),
    invokeLambda: async (_arn, event) => {
      events.push(event);
      return replies.shift() ?? { kind: 'FAILED', error: 'no reply' };
    },
    createCallback: () => undefined,
    transferToQueue: () => undefined,
    say: (_c, text) => said.push(text),
    step: () => undefined,
  };
  return { h, said, events };
}

const flow = (actions: any[]) => ({ Version: '2019-10-30', StartAction: actions[0].Identifier, Actions: actions });

test('UpdateFlowLoggingBehavior is supported and moves on', async () => {
  const c = contact();
  const run = await runFlow('test', flow([
    { Identifier: 'log', Type: 'UpdateFlowLoggingBehavior', Parameters: { FlowLoggingBehavior: 'Enabled' }, Transitions: { NextAction: 'end' } },
    { Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ]), c, host([]).h);
  expect(run.path).toEqual(['log', 'end']);
  expect(c.flowLogging).toBe('Enabled');
});

test('an unknown action type is an explicit error naming the action', async () => {
  await expect(runFlow('test', flow([{ Identifier: 'beam', Type: 'Teleport', Parameters: {}, Transitions: { NextAction: 'beam' } }]), contact(), host([]).h))
    .rejects.toThrow(new UnsupportedActionError('test', 'beam', 'Teleport'));
});

test('the Lambda event has the documented shape, references resolved; a timeout takes NoMatchingError', async () => {
  const c = contact();
  c.attributes.callbackRecordId = 'r-1';
  const { h, said, events } = host([{ kind: 'REPLY', reply: { n: '3' } }, { kind: 'TIMEOUT', elapsedSeconds: 9 }]);
  const lambda = (id: string, next: string, error: string) => ({
    Identifier: id,
    Type: 'InvokeLambdaFunction',
    Parameters: { LambdaFunctionARN: 'arn:fn', InvocationTimeLimitSeconds: '4', LambdaInvocationAttributes: { recordId: '$.Attributes.callbackRecordId', from: '$.CustomerEndpoint.Address' } },
    Transitions: { NextAction: next, Errors: [{ ErrorType: 'NoMatchingError', NextAction: error }] },
  });
  const run = await runFlow('test', flow([
    lambda('first', 'compare', 'end'),
    { Identifier: 'compare', Type: 'Compare', Parameters: { ComparisonValue: '$.External.n' }, Transitions: { NextAction: 'end', Conditions: [{ NextAction: 'say', Condition: { Operator: 'NumberGreaterThan', Operands: ['2'] } }], Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'end' }] } },
    { Identifier: 'say', Type: 'MessageParticipant', Parameters: { SSML: '<speak>Got $.External.n for $.ContactId</speak>' }, Transitions: { NextAction: 'second' } },
    lambda('second', 'end', 'timed-out'),
    { Identifier: 'timed-out', Type: 'MessageParticipant', Parameters: { Text: 'timed out' }, Transitions: { NextAction: 'end' } },
    { Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ]), c, h);
  expect(run.path).toEqual(['first', 'compare', 'say', 'second', 'timed-out', 'end']);
  expect(said).toEqual(['Got 3 for c-1', 'timed out']);
  expect(events[0]).toMatchObject({
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: { ContactId: 'c-1', InitialContactId: 'c-1', Channel: 'VOICE', InitiationMethod: 'INBOUND', CustomerEndpoint: { Address: '+13125550100' }, Attributes: { callbackRecordId: 'r-1' } },
      Parameters: { recordId: 'r-1', from: '+13125550100' },
    },
  });
});

test('phone number validation: Local with a country code, stored as E.164', () => {
  expect(validateLocalNumber('3125550100', 'US')).toEqual({ valid: true, e164: '+13125550100' });
  expect(validateLocalNumber('13125550100', 'US')).toEqual({ valid: true, e164: '+13125550100' });
  expect(validateLocalNumber('12345', 'US').valid).toBe(false);
  expect(validateLocalNumber('3121550100', 'US').valid).toBe(false);
  expect(validateLocalNumber('02079460123', 'GB')).toEqual({ valid: true, e164: '+442079460123' });
});

test('no key is InputTimeLimitExceeded; a key with no condition is NoMatchingCondition', async () => {
  const menu = {
    Identifier: 'menu',
    Type: 'GetParticipantInput',
    Parameters: { Text: 'Press 1', InputTimeLimitSeconds: '5' },
    Transitions: {
      NextAction: 'end',
      Conditions: [{ NextAction: 'one', Condition: { Operator: 'Equals', Operands: ['1'] } }],
      Errors: [{ ErrorType: 'InputTimeLimitExceeded', NextAction: 'silent' }, { ErrorType: 'NoMatchingCondition', NextAction: 'other' }, { ErrorType: 'NoMatchingError', NextAction: 'end' }],
    },
  };
  const end = (id: string) => ({ Identifier: id, Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} });
  const actions = [menu, end('one'), end('silent'), end('other'), end('end')];
  expect((await runFlow('t', flow(actions), contact(), host([], [undefined]).h)).path).toEqual(['menu', 'silent']);
  expect((await runFlow('t', flow(actions), contact(), host([], ['7']).h)).path).toEqual(['menu', 'other']);
  expect((await runFlow('t', flow(actions), contact(), host([], ['1']).h)).path).toEqual(['menu', 'one']);
});

test('Set voice is recorded on the contact; Get queue metrics returns the estimated wait for one channel only, and nothing without an estimate', async () => {
  const metricsFlow = (channel?: string) => flow([
    { Identifier: 'voice', Type: 'UpdateContactTextToSpeechVoice', Parameters: { TextToSpeechVoice: 'Lupe', TextToSpeechEngine: 'Neural' }, Transitions: { NextAction: 'metrics' } },
    { Identifier: 'metrics', Type: 'GetMetricData', Parameters: channel ? { QueueChannel: channel } : {}, Transitions: { NextAction: 'say' } },
    { Identifier: 'say', Type: 'MessageParticipant', Parameters: { Text: 'Wait: $.Metrics.Queue.EstimatedWaitTime seconds' }, Transitions: { NextAction: 'end' } },
    { Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ]);
  const withMetrics = (estimate: number | undefined) => {
    const { h, said } = host([]);
    h.queueMetrics = (_c, _queue, channel): Record<string, string> => (channel === 'Voice' && estimate !== undefined ? { 'Queue.EstimatedWaitTime': String(estimate) } : {});
    return { h, said };
  };
  const c = contact();
  const voice = withMetrics(300);
  await runFlow('t', metricsFlow('Voice'), c, voice.h);
  expect(c.voice).toBe('Lupe (Neural)');
  expect(voice.said).toEqual(['Wait: 300 seconds']);
  const allChannels = withMetrics(300);
  await runFlow('t', metricsFlow(), contact(), allChannels.h);
  // No estimate aggregated over all channels, nor when there is none: the reference reads as nothing.
  expect(allChannels.said).toEqual(['Wait:  seconds']);
  const none = withMetrics(undefined);
  await runFlow('t', metricsFlow('Voice'), contact(), none.h);
  expect(none.said).toEqual(['Wait:  seconds']);
});

test('a prompt loop needs a host that keeps time; it takes its MessagesInterrupted branch when interrupted and stops when dequeued', async () => {
  const loop = flow([
    {
      Identifier: 'hold',
      Type: 'MessageParticipantIteratively',
      Parameters: { Messages: [{ Text: 'Please hold.' }], InterruptFrequencySeconds: '30' },
      Transitions: { Conditions: [{ NextAction: 'end', Condition: { Operator: 'Equals', Operands: ['MessagesInterrupted'] } }] },
    },
    { Identifier: 'end', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} },
  ]);
  await expect(runFlow('t', loop, contact(), host([]).h)).rejects.toThrow(new UnsupportedActionError('t', 'hold', 'MessageParticipantIteratively'));
  const played: Array<[string[], number | undefined]> = [];
  const timed = (outcome: 'INTERRUPTED' | 'DEQUEUED') => {
    const { h } = host([]);
    h.loopPrompts = async (_c, messages, seconds) => {
      played.push([messages, seconds]);
      return outcome;
    };
    return h;
  };
  expect(await runFlow('t', loop, contact(), timed('INTERRUPTED'))).toMatchObject({ path: ['hold', 'end'], ended: 'ENDED' });
  expect(await runFlow('t', loop, contact(), timed('DEQUEUED'))).toMatchObject({ path: ['hold'], ended: 'DEQUEUED' });
  expect(played).toEqual([[['Please hold.'], 30], [['Please hold.'], 30]]);
});
