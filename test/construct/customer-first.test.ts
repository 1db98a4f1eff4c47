/**
 * The construct in CUSTOMER_FIRST mode: which flows it adds and what they hold, how the exported parameters reach the
 * set-callback flow's callback block, the retry rule of each mode, what the contact event rule and the CTR filter let
 * through, and the refusals of bad props at synth, each naming the prop. Agent-first mode is checked to be unchanged.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { flowContent, resourcesOf, synth } from './fixtures';
import { CUSTOMER_FIRST_CONTACT_EVENT, CUSTOMER_FIRST_INITIATION } from '../../lambda-src/shared/contract';
import { CallbackManagement, CallbackManagementProps, CallbackMode } from '../../src';
import { FLOW_TEMPLATES, FlowTemplateName, flowTemplatesFor } from '../../src/flow-templates';
import { ACTION_SPECS, checkFlow } from '../../src/flows/flow-checker';
import { SIM_CUSTOMER_FIRST_PARAMETERS } from '../../src/simulator/stack-flows';

const CUSTOMER_FIRST: Partial<CallbackManagementProps> = {
  callbackMode: CallbackMode.CUSTOMER_FIRST,
  customerFirstCallbackParameters: { ...SIM_CUSTOMER_FIRST_PARAMETERS },
};

/** Each flow of the template by its template name (the end of its physical name), with its logical id and type. */
function flowsOf(template: Template): Record<string, { id: string; type: string; content: any }> {
  const names = (Object.keys(FLOW_TEMPLATES) as FlowTemplateName[]).sort((a, b) => b.length - a.length);
  return Object.fromEntries(resourcesOf(template, 'AWS::Connect::ContactFlow').map(([id, resource]) => {
    const name = names.find((candidate) => resource.Properties.Name.endsWith(`-${candidate}`))!;
    return [name, { id, type: resource.Properties.Type, content: flowContent(resource) }];
  }));
}

const callbackBlocks = (flow: any) => flow.Actions.filter((a: any) => a.Type === 'CreateCallbackContact');

describe('CUSTOMER_FIRST mode', () => {
  const { construct, template } = synth(CUSTOMER_FIRST);
  const flows = flowsOf(template);

  test('adds the creation flow, the outbound callback flow (both CONTACT_FLOW) and the answered callback\'s agent whisper', () => {
    expect(Object.keys(flows).sort()).toEqual(flowTemplatesFor('CUSTOMER_FIRST').sort());
    expect(flows['callback-creation'].type).toBe('CONTACT_FLOW');
    expect(flows['outbound-callback'].type).toBe('CONTACT_FLOW');
    expect(flows['answered-callback-whisper'].type).toBe('AGENT_WHISPER');
    const stack = construct.node.scope as any;
    expect(stack.resolve(construct.outboundCallbackFlowArn)).toEqual({ 'Fn::GetAtt': [flows['outbound-callback'].id, 'ContactFlowArn'] });
    expect(stack.resolve(construct.callbackCreationFlowArn)).toEqual({ 'Fn::GetAtt': [flows['callback-creation'].id, 'ContactFlowArn'] });
    expect(construct.callbackMode).toBe(CallbackMode.CUSTOMER_FIRST);
  });

  test('the callback block gets the exported parameters, with the placeholders replaced by the construct\'s flows, and no agent-first retry settings', () => {
    const [block] = callbackBlocks(flows['set-callback'].content);
    expect(block.Parameters).toEqual({
      QueueId: expect.any(String),
      InitialCallDelaySeconds: '10',
      SimulatedDialMode: 'CUSTOMER_FIRST',
      SimulatedOutboundCallbackFlow: { 'Fn::GetAtt': [flows['outbound-callback'].id, 'ContactFlowArn'] },
      ContactFlowId: { 'Fn::GetAtt': [flows['callback-creation'].id, 'ContactFlowArn'] },
    });
  });

  test('every flow passes the flow checker in its mode; the set-callback flow would fail it as an agent-first flow', () => {
    const exported = Object.keys(SIM_CUSTOMER_FIRST_PARAMETERS);
    for (const [name, flow] of Object.entries(flows)) {
      expect({ name, findings: checkFlow(flow.content, flow.type as any, { callbackMode: 'CUSTOMER_FIRST', exportedCallbackParameters: exported }) })
        .toEqual({ name, findings: [] });
    }
    const asAgentFirst = checkFlow(flows['set-callback'].content, 'CONTACT_FLOW').map((f) => f.message);
    expect(asAgentFirst).toEqual(expect.arrayContaining([
      'CreateCallbackContact needs the parameter MaximumConnectionAttempts',
      'CreateCallbackContact has no parameter SimulatedDialMode',
    ]));
  });

  test('the outbound callback flow tells a person from a voicemail, queues only a callback not cancelled, with its own agent whisper', () => {
    const flow = flows['outbound-callback'].content;
    const byId = Object.fromEntries(flow.Actions.map((a: any) => [a.Identifier, a]));
    const progress = flow.Actions.find((a: any) => a.Type === 'CheckOutboundCallStatus');
    const branch = (operand: string) => progress.Transitions.Conditions.find((c: any) => c.Condition.Operands[0] === operand).NextAction;
    const transitionOf = (id: string) => byId[id].Parameters.LambdaInvocationAttributes.transition;
    expect(transitionOf(branch('VoicemailBeep'))).toBe('VOICEMAIL');
    expect(transitionOf(branch('VoicemailNoBeep'))).toBe('VOICEMAIL');
    expect(transitionOf(branch('CallAnswered'))).toBe('CUSTOMER_ANSWERED');
    expect(transitionOf(branch('NotDetected'))).toBe('CUSTOMER_ANSWERED');
    // Retries are the outbound flow's to make (customer-first-cb.html); this one never creates a callback.
    expect(callbackBlocks(flow)).toEqual([]);
    const hooks = flow.Actions.filter((a: any) => a.Type === 'UpdateContactEventHooks').map((a: any) => a.Parameters.EventHooks);
    expect(hooks).toEqual([{ AgentWhisper: { 'Fn::GetAtt': [flows['answered-callback-whisper'].id, 'ContactFlowArn'] } }]);
    // The answer is read only when it is a record's (APPLIED or REFUSED); any other puts the customer through.
    const result = byId[byId[branch('CallAnswered')].Transitions.NextAction];
    expect(result.Parameters.ComparisonValue).toBe('$.External.result');
    expect(result.Transitions.Conditions.map((c: any) => c.Condition.Operands[0])).toEqual(['APPLIED', 'REFUSED']);
    expect(byId[result.Transitions.NextAction].Identifier).toBe('greet-customer');
    const check = byId[result.Transitions.Conditions[0].NextAction];
    expect(check.Parameters.ComparisonValue).toBe('$.External.cancelled');
    const cancelledPath = byId[check.Transitions.Conditions[0].NextAction];
    expect(cancelledPath.Parameters.Text).toMatch(/cancelled/);
    expect(byId[cancelledPath.Transitions.NextAction].Type).toBe('DisconnectParticipant');
  });

  test('the creation flow checks the record before it queues the leg, and disconnects a cancelled one', () => {
    const flow = flows['callback-creation'].content;
    const byId = Object.fromEntries(flow.Actions.map((a: any) => [a.Identifier, a]));
    const check = flow.Actions.find((a: any) => a.Type === 'InvokeLambdaFunction');
    expect(check.Parameters.LambdaInvocationAttributes.transition).toBe('CHECK_BEFORE_QUEUE');
    const result = byId[check.Transitions.NextAction];
    expect(result.Parameters.ComparisonValue).toBe('$.External.result');
    expect(byId[result.Transitions.NextAction].Type).toBe('TransferContactToQueue');
    const compare = byId[result.Transitions.Conditions[0].NextAction];
    expect(compare.Parameters.ComparisonValue).toBe('$.External.cancelled');
    expect(byId[compare.Transitions.Conditions[0].NextAction].Type).toBe('DisconnectParticipant');
    expect(byId[compare.Transitions.NextAction].Type).toBe('TransferContactToQueue');
    // A check that cannot be made queues the callback: losing it costs more than its rare cancelled dial.
    expect(byId[check.Transitions.Errors[0].NextAction].Type).toBe('TransferContactToQueue');
  });

  test('the contact event rule matches both legs\' creation and the dialled leg\'s end, the methods the processor reads', () => {
    const [pattern] = resourcesOf(template, 'AWS::Events::Rule').map(([, rule]) => rule.Properties.EventPattern);
    expect(pattern.detail.initiationMethod).toEqual([...CUSTOMER_FIRST_CONTACT_EVENT.INITIATION_METHODS]);
    expect(pattern.detail.eventType).toEqual([...CUSTOMER_FIRST_CONTACT_EVENT.EVENT_TYPES]);
    expect(CUSTOMER_FIRST_CONTACT_EVENT.INITIATION_METHODS).toEqual([CUSTOMER_FIRST_INITIATION.QUEUED, CUSTOMER_FIRST_INITIATION.DIALED]);
  });

  test('the CTR filter lets the legs through by initiation method as well as by the booked marker', () => {
    const [mapping] = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
    expect(mapping[1].Properties.FilterCriteria.Filters.map((f: any) => JSON.parse(f.Pattern))).toEqual([
      { data: { Attributes: { callbackBooked: ['true'] } } },
      { data: { InitiationMethod: [CUSTOMER_FIRST_INITIATION.QUEUED, CUSTOMER_FIRST_INITIATION.DIALED] } },
    ]);
  });

  test('every function is told the mode', () => {
    for (const [, fn] of resourcesOf(template, 'AWS::Lambda::Function')) {
      const variables = fn.Properties.Environment?.Variables;
      if (variables?.TABLE_NAME) expect(variables.CALLBACK_MODE).toBe('CUSTOMER_FIRST');
    }
  });
});

describe('AGENT_FIRST mode (the default) is what it was', () => {
  const { construct, template } = synth();
  const flows = flowsOf(template);

  test('four flows, retries = 0, the CALLBACK rule and the marker filter only', () => {
    expect(Object.keys(flows).sort()).toEqual(flowTemplatesFor('AGENT_FIRST').sort());
    expect(Object.keys(flows)).toHaveLength(4);
    expect(callbackBlocks(flows['set-callback'].content).map((b: any) => b.Parameters.MaximumConnectionAttempts)).toEqual(['0']);
    const [pattern] = resourcesOf(template, 'AWS::Events::Rule').map(([, rule]) => rule.Properties.EventPattern);
    expect(pattern.detail).toMatchObject({ initiationMethod: ['CALLBACK'], eventType: ['INITIATED'] });
    const [mapping] = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
    expect(mapping[1].Properties.FilterCriteria.Filters).toHaveLength(1);
    expect(construct.callbackMode).toBe(CallbackMode.AGENT_FIRST);
    expect(construct.outboundCallbackFlow).toBeUndefined();
    expect(construct.callbackCreationFlowArn).toBeUndefined();
  });
});

describe('the retries rule of each mode', () => {
  const flowWith = (parameters: Record<string, string>) => ({
    Version: '2019-10-30',
    StartAction: 'create',
    Actions: [
      { Identifier: 'create', Type: 'CreateCallbackContact', Parameters: parameters, Transitions: { NextAction: 'end', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'end' }] } },
      { Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ],
  });

  test('agent-first: retries must be 0; customer-first: the retry settings are the export\'s business, not required', () => {
    const retried = flowWith({ InitialCallDelaySeconds: '10', MaximumConnectionAttempts: '1', RetryDelaySeconds: '600' });
    expect(checkFlow(retried, 'CONTACT_FLOW').map((f) => f.message)).toEqual([expect.stringMatching(/must not be retried/)]);
    expect(checkFlow(retried, 'CONTACT_FLOW', { callbackMode: 'CUSTOMER_FIRST' })).toEqual([]);
    expect(checkFlow(flowWith({ InitialCallDelaySeconds: '10' }), 'CONTACT_FLOW', { callbackMode: 'CUSTOMER_FIRST' })).toEqual([]);
    // The customer-first variant still checks what it knows.
    expect(checkFlow(flowWith({ InitialCallDelaySeconds: '0' }), 'CONTACT_FLOW', { callbackMode: 'CUSTOMER_FIRST' }).map((f) => f.message))
      .toEqual(['InitialCallDelaySeconds must be a whole number of seconds from 1 to 259200, got "0"']);
  });

  test('an exported parameter is accepted only when it is declared as exported', () => {
    const flow = flowWith({ InitialCallDelaySeconds: '10', DialMode: 'X' });
    expect(checkFlow(flow, 'CONTACT_FLOW', { callbackMode: 'CUSTOMER_FIRST' }).map((f) => f.message)).toEqual(['CreateCallbackContact has no parameter DialMode']);
    expect(checkFlow(flow, 'CONTACT_FLOW', { callbackMode: 'CUSTOMER_FIRST', exportedCallbackParameters: ['DialMode'] })).toEqual([]);
  });

  test('CheckOutboundCallStatus takes no parameters, Equals on its four results only, and needs its error branch', () => {
    expect(ACTION_SPECS.CheckOutboundCallStatus).toMatchObject({ required: [], optional: [], errors: ['NoMatchingError'], requiredErrors: ['NoMatchingError'] });
    const flow = (operand: string, errors: object[] = [{ ErrorType: 'NoMatchingError', NextAction: 'end' }]) => ({
      Version: '2019-10-30',
      StartAction: 'progress',
      Actions: [
        {
          Identifier: 'progress',
          Type: 'CheckOutboundCallStatus',
          Parameters: {},
          Transitions: { NextAction: 'end', Conditions: [{ NextAction: 'end', Condition: { Operator: 'Equals', Operands: [operand] } }], Errors: errors },
        },
        { Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    });
    expect(checkFlow(flow('VoicemailBeep'), 'CONTACT_FLOW')).toEqual([]);
    expect(checkFlow(flow('Voicemail'), 'CONTACT_FLOW').map((f) => f.message)).toEqual([expect.stringMatching(/^a CheckOutboundCallStatus condition takes one operand/)]);
    expect(checkFlow(flow('CallAnswered', []), 'CONTACT_FLOW').map((f) => f.message)).toEqual(['CheckOutboundCallStatus needs an error transition for NoMatchingError']);
  });
});

describe('bad customer-first props are refused at synth, naming the prop', () => {
  const attempt = (overrides: Partial<CallbackManagementProps>) => () => synth(overrides);
  const valid = { ...SIM_CUSTOMER_FIRST_PARAMETERS } as Record<string, string>;

  test.each([
    ['no parameters', { callbackMode: CallbackMode.CUSTOMER_FIRST }, /customerFirstCallbackParameters is required with callbackMode CUSTOMER_FIRST/],
    ['empty parameters', { callbackMode: CallbackMode.CUSTOMER_FIRST, customerFirstCallbackParameters: {} }, /customerFirstCallbackParameters is required/],
    ['parameters in agent-first mode', { customerFirstCallbackParameters: valid }, /customerFirstCallbackParameters applies to callbackMode CUSTOMER_FIRST only/],
    ['the queue', { ...CUSTOMER_FIRST, customerFirstCallbackParameters: { ...valid, QueueId: 'q' } }, /customerFirstCallbackParameters may not set QueueId/],
    ['the initial delay', { ...CUSTOMER_FIRST, customerFirstCallbackParameters: { ...valid, InitialCallDelaySeconds: '5' } }, /may not set InitialCallDelaySeconds: set initialCallDelay instead/],
    ['a bad name', { ...CUSTOMER_FIRST, customerFirstCallbackParameters: { ...valid, 'Dial Mode': 'x' } }, /"Dial Mode" is not a flow-language parameter name/],
    ['an empty value', { ...CUSTOMER_FIRST, customerFirstCallbackParameters: { ...valid, Extra: ' ' } }, /Extra must be a non-empty string/],
    ['an unknown placeholder', { ...CUSTOMER_FIRST, customerFirstCallbackParameters: { ...valid, Extra: '${Flow:agent-whisper}' } }, /Extra is \$\{Flow:agent-whisper\}, which stands for nothing/],
    ['no outbound callback flow', { ...CUSTOMER_FIRST, customerFirstCallbackParameters: { SimulatedDialMode: 'CUSTOMER_FIRST', ContactFlowId: CallbackManagement.CALLBACK_CREATION_FLOW_ARN } },
      /must name the construct's flows .*\$\{Flow:outbound-callback\} is missing/],
    ['no creation flow', { ...CUSTOMER_FIRST, customerFirstCallbackParameters: { SimulatedOutboundCallbackFlow: CallbackManagement.OUTBOUND_CALLBACK_FLOW_ARN } },
      /\$\{Flow:callback-creation\} is missing/],
    ['an unknown mode', { callbackMode: 'BOTH' as CallbackMode }, /callbackMode must be CallbackMode.AGENT_FIRST or CallbackMode.CUSTOMER_FIRST, got "BOTH"/],
  ])('%s', (_what, overrides, message) => {
    expect(attempt(overrides)).toThrow(message);
  });

  test('the same props with good values build', () => {
    expect(attempt(CUSTOMER_FIRST)).not.toThrow();
    expect(attempt({ ...CUSTOMER_FIRST, customerFirstCallbackParameters: { ...valid, RetryDelaySeconds: '600' } })).not.toThrow();
  });
});
