/** Prompts, voices, locale and the in-queue callback offer, as the construct synthesizes them. */
import { Duration, aws_connect as connect } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HOURS_ARN, INSTANCE_ARN, QUEUE_ARN, addConstruct, flowContent, newStack, resourcesOf, synth } from './fixtures';
import { CallbackManagementProps, CallbackMode, CallbackPromptSets, CallbackPrompts, Prompt, SpeechEngine, WhenClosed } from '../../src';
import { FLOW_TEMPLATES, FlowTemplateName, loadFlowTemplate, promptsOfTemplate } from '../../src/flow-templates';
import { checkFlow } from '../../src/flows/flow-checker';
import { SIM_CUSTOMER_FIRST_PARAMETERS } from '../../src/simulator/stack-flows';

const TEMPLATE_NAMES = Object.keys(FLOW_TEMPLATES) as FlowTemplateName[];
// Every optional part of the flows, so that every prompt is said somewhere.
const ALL = {
  inQueueCallbackOffer: {},
  minimumWaitForCallback: Duration.minutes(2),
  admissionPolicy: {
    maxQueuedContacts: 10,
    maxCallbacksPerNumberPerDay: 3,
    hoursOfOperationArn: HOURS_ARN,
    whenClosed: WhenClosed.DEFER,
    deferralDelays: [Duration.hours(16)],
  },
};
/** Deferral is agent-first only (admissionPolicy.whenClosed), so customer-first flows never say these. */
const DEFERRAL_ONLY = ['say-callback-deferred', 'say-queue-callback-deferred'];

/** Each synthesized flow's content by its template name. */
function flowsOf(template: Template): Record<string, any> {
  const templateOf = (name: string) => TEMPLATE_NAMES.find((t) => name.endsWith(`-${t}`))!;
  return Object.fromEntries(resourcesOf(template, 'AWS::Connect::ContactFlow')
    .map(([, resource]) => [templateOf(resource.Properties.Name), { ...flowContent(resource), type: resource.Properties.Type }]));
}

const action = (flow: any, id: string) => flow.Actions.find((a: any) => a.Identifier === id);

/** What an action says: its Text, SSML or PromptId, or a loop's messages. */
function said(flow: any, id: string): unknown {
  const { Text, SSML, PromptId, Messages } = action(flow, id).Parameters;
  return Messages ?? Text ?? SSML ?? PromptId;
}

function refusal(props: Partial<CallbackManagementProps>): string {
  try {
    synth(props);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`synth accepted ${JSON.stringify(Object.keys(props))}`);
}

describe('one prompt field per thing the flows say', () => {
  test('every MessageParticipant, GetParticipantInput and loop message of every template is a prompt field, and every field is said', () => {
    const fields = new Set(Object.keys(CallbackPromptSets.ENGLISH_US));
    const sayers = ['MessageParticipant', 'GetParticipantInput', 'MessageParticipantIteratively'];
    const usedByTemplates = new Set<string>();
    for (const name of TEMPLATE_NAMES) {
      const template = loadFlowTemplate(name);
      const prompts = promptsOfTemplate(template);
      for (const a of template.Actions.filter((candidate: any) => sayers.includes(candidate.Type))) {
        const entry = { name, action: a.Identifier };
        expect({ ...entry, prompts: prompts.get(a.Identifier) }).toEqual({ ...entry, prompts: expect.any(Array) });
        for (const prompt of prompts.get(a.Identifier)!) usedByTemplates.add(prompt);
      }
    }
    expect([...usedByTemplates].sort()).toEqual([...fields].sort());
    expect(Object.keys(CallbackPromptSets.SPANISH_US).sort()).toEqual([...fields].sort());
  });

  test('with no prompts, every flow says the English defaults, in the voice Joanna', () => {
    const flows = flowsOf(synth(ALL).template);
    expect(said(flows['set-callback'], 'choose-number')).toBe(CallbackPromptSets.ENGLISH_US.chooseNumber!.value);
    expect(said(flows['set-callback'], 'say-callback-booked'))
      .toBe('Thank you. We will call you back on $.External.phoneNational as soon as an agent is free. You can hang up now.');
    expect(said(flows['set-callback'], 'confirm-number')).toBe(
      '<speak>You entered <say-as interpret-as="telephone">$.StoredCustomerInput</say-as>. If that is right, press 1. To enter it again, press 2.</speak>');
    expect(said(flows['customer-queue'], 'hold')).toEqual([{ Text: CallbackPromptSets.ENGLISH_US.queueHold!.value }]);
    for (const flow of Object.values(flows)) {
      expect(action(flow, 'set-voice')).toMatchObject({ Type: 'UpdateContactTextToSpeechVoice', Parameters: { TextToSpeechVoice: 'Joanna' } });
      expect(action(flow, 'set-voice').Parameters.TextToSpeechEngine).toBeUndefined();
      expect(action(flow, 'set-flow-logging').Transitions.NextAction).toBe('set-voice');
    }
  });

  test('a prompt given replaces its default everywhere it is said, and only it', () => {
    const flows = flowsOf(synth({ prompts: { confirmNumber: Prompt.text('Number {enteredNumber}. Press 1 if right.') } }).template);
    expect(said(flows['set-callback'], 'confirm-number')).toBe('Number $.StoredCustomerInput . Press 1 if right.');
    expect(said(flows['set-callback'], 'confirm-number-again')).toBe('Number $.StoredCustomerInput . Press 1 if right.');
    expect(action(flows['set-callback'], 'confirm-number').Parameters.SSML).toBeUndefined();
    expect(said(flows['set-callback'], 'choose-number')).toBe(CallbackPromptSets.ENGLISH_US.chooseNumber!.value);
  });
});

describe('the Spanish prompt set with a neural voice', () => {
  // Customer-first mode too, so that every template is synthesized.
  const customerFirst = { callbackMode: CallbackMode.CUSTOMER_FIRST, customerFirstCallbackParameters: { ...SIM_CUSTOMER_FIRST_PARAMETERS } };
  const spanishProps = { prompts: CallbackPromptSets.SPANISH_US, voice: { voiceId: 'Lupe', engine: SpeechEngine.NEURAL } };
  const refusingWhenClosed = { ...ALL.admissionPolicy, whenClosed: undefined, deferralDelays: undefined };
  const { template } = synth({ ...spanishProps, ...ALL, admissionPolicy: refusingWhenClosed, ...customerFirst });
  // The deferral prompts, in the agent-first flows that say them.
  const agentFirst = flowsOf(synth({ ...spanishProps, ...ALL }).template);
  const customerFirstFlows = flowsOf(template);
  const flows = Object.fromEntries(Object.entries(customerFirstFlows).map(([name, flow]) => [name, {
    ...flow,
    Actions: [...flow.Actions, ...(agentFirst[name]?.Actions ?? []).filter((a: any) => DEFERRAL_ONLY.includes(a.Identifier))],
  }]));

  test('every flow says its Spanish prompts, in Lupe (neural), and passes the flow checker', () => {
    const spanish = CallbackPromptSets.SPANISH_US as Record<string, Prompt>;
    for (const name of TEMPLATE_NAMES) {
      const flow = flows[name];
      expect(action(flow, 'set-voice').Parameters).toEqual({ TextToSpeechVoice: 'Lupe', TextToSpeechEngine: 'Neural' });
      for (const [id, prompts] of promptsOfTemplate(loadFlowTemplate(name))) {
        const prompt = spanish[prompts[0]];
        const text = JSON.stringify(said(flow, id));
        // Each placeholder became its reference; the rest is the Spanish text as given.
        const words = prompt.value.replace(/\{[a-zA-Z]+\}/g, ' ').split(/[\s<>"/=]+/).filter((word) => word.length > 3);
        for (const word of words) expect({ name, id, word, found: text.includes(word) }).toEqual({ name, id, word, found: true });
      }
      expect(checkFlow(customerFirstFlows[name], flow.type, { callbackMode: 'CUSTOMER_FIRST', exportedCallbackParameters: Object.keys(SIM_CUSTOMER_FIRST_PARAMETERS) })).toEqual([]);
    }
    expect(said(flows['set-callback'], 'offer-cancel')).toMatch(/Hora de la solicitud: \$\.External\.requestedAtSpoken \. Para cancelarla/);
  });

  test('times are spoken in the voice\'s language: the handlers get the locale es-US', () => {
    for (const [, fn] of resourcesOf(template, 'AWS::Lambda::Function').filter(([, r]) => r.Properties.Environment?.Variables?.TABLE_NAME)) {
      expect(fn.Properties.Environment.Variables.LOCALE).toBe('es-US');
    }
  });
});

describe('voices', () => {
  test('agentVoice speaks the agent whisper and the transferred-caller whisper; voice speaks what customers hear', () => {
    const flows = flowsOf(synth({
      voice: { voiceId: 'Lupe', engine: SpeechEngine.NEURAL },
      agentVoice: { voiceId: 'Matthew', engine: SpeechEngine.STANDARD },
      prompts: CallbackPromptSets.SPANISH_US,
      ...ALL,
    }).template);
    const voices = Object.fromEntries(Object.entries(flows).map(([name, flow]) => [name, action(flow, 'set-voice').Parameters.TextToSpeechVoice]));
    expect(voices).toEqual({
      'set-callback': 'Lupe', 'outbound-whisper': 'Lupe', 'customer-queue': 'Lupe', 'agent-whisper': 'Matthew', 'transferred-caller-whisper': 'Matthew',
    });
  });

  test('the locale must be of the voice\'s language, and one the runtime formats times in', () => {
    expect(refusal({ voice: { voiceId: 'Lupe' }, locale: 'en-US', prompts: CallbackPromptSets.SPANISH_US }))
      .toMatch(/^locale 'en-US' does not match voice Lupe, whose language is es-US/);
    expect(refusal({ locale: 'not a locale' })).toMatch(/^locale must be a BCP 47 locale/);
    expect(refusal({ voice: { voiceId: 'Joanna, Matthew' } })).toMatch(/^voice\.voiceId must be an Amazon Polly voice id/);
    const { template } = synth({ voice: { voiceId: 'Lupe' }, locale: 'es-MX', prompts: CallbackPromptSets.SPANISH_US });
    const env = resourcesOf(template, 'AWS::Lambda::Function').find(([, r]) => r.Properties.Environment?.Variables?.TABLE_NAME)![1].Properties.Environment.Variables;
    expect(env.LOCALE).toBe('es-MX');
  });

  test('what cannot be checked, or looks wrong, is a warning: an unknown voice, an engine Polly\'s list does not give it, English prompts in a Spanish voice', () => {
    const stack = newStack();
    addConstruct(stack, 'Callbacks', { voice: { voiceId: 'Pedro', engine: SpeechEngine.NEURAL } });
    addConstruct(stack, 'Other', { namePrefix: 'other', voice: { voiceId: 'Penelope', engine: SpeechEngine.NEURAL }, configureQueueOutboundWhisper: false });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((entry) => String(entry.entry.data));
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/^voice: Pedro is not in the library's table of Amazon Polly voices/),
      expect.stringMatching(/^voice: Amazon Polly's voice list gives Penelope the Standard engine only, not Neural/),
      expect.stringMatching(/^voice Penelope speaks es-US, but the prompts are the English defaults/),
    ]));
  });
});

describe('placeholders', () => {
  test('each becomes its flow reference, followed by a space where punctuation follows it', () => {
    const flows = flowsOf(synth({ prompts: { callbackBooked: Prompt.text('Booked for {callbackNumber}, asked at {requestedAt}.') } }).template);
    expect(said(flows['set-callback'], 'say-callback-booked')).toBe('Booked for $.External.phoneNational , asked at $.External.requestedAtSpoken .');
  });

  test.each<[string, CallbackPrompts, RegExp]>([
    ['an unknown placeholder', { callbackBooked: Prompt.text('We call {phoneNumber}.') },
      /^prompts\.callbackBooked uses the unknown placeholder \{phoneNumber\}; the placeholders are \{callbackNumber\}, \{requestedAt\}, \{enteredNumber\}$/],
    ['the entered number where none was entered on some path', { callbackBooked: Prompt.text('We call {enteredNumber}.') },
      /^prompts\.callbackBooked uses \{enteredNumber\}, which the set-callback flow cannot fill where it says it \(say-callback-booked\): no customer input is stored on some path to it$/],
    ['the callback number where the handler answered an error', { bookingFailed: Prompt.text('We could not book {callbackNumber}.') },
      /^prompts\.bookingFailed uses \{callbackNumber\}, which the set-callback flow cannot fill where it says it \(say-booking-failed\): the last invocation before it may be: .*a failed or timed-out invocation.*write-callback ERROR/],
    ['the booking time in the agent whisper, whose handler never gives one', { agentHangUp: Prompt.text('Cancelled at {requestedAt}. Hang up.') },
      /^prompts\.agentHangUp uses \{requestedAt\}, which the agent-whisper flow cannot fill where it says it \(tell-agent-hang-up\): the last invocation before it may be: update-callback AGENT_HANG_UP APPLIED/],
    ['the number where the state could not be read', { agentStatusUnknown: Prompt.text('Dialling {callbackNumber}.') },
      /^prompts\.agentStatusUnknown uses \{callbackNumber\}, which the agent-whisper flow cannot fill/],
    ['the booking time before any booking, in the queue flow', { queueOffer: Prompt.text('Since {requestedAt}: press 1.') },
      /^prompts\.queueOffer uses \{requestedAt\}, which the customer-queue flow cannot fill where it says it \(offer-callback\): the last invocation before it may be: no invocation yet/],
    ['a placeholder in an audio prompt', { queueHold: Prompt.audio(`${INSTANCE_ARN}/prompt/{callbackNumber}`) }, /^prompts\.queueHold: an audio prompt carries no placeholders/],
    ['a prompt of another instance', { queueHold: Prompt.audio('arn:aws:connect:eu-west-2:123456789012:instance/99999999-8888-4777-8666-555555555555/prompt/p-1') },
      /^prompts\.queueHold is a prompt of instance 99999999-8888-4777-8666-555555555555, not of the construct's instance aaaaaaaa-/],
    ['an audio prompt that is no prompt ARN', { queueHold: Prompt.audio('CustomerQueue.wav') }, /^prompts\.queueHold must be the ARN of a prompt/],
    ['a literal attribute reference', { callbackKept: Prompt.text('Kept for $.Attributes.name') }, /^prompts\.callbackKept holds '\$\.' or '\$\['/],
    ['an empty prompt', { noInput: Prompt.text('  ') }, /^prompts\.noInput is empty$/],
    ['SSML without <speak>', { agentHangUp: Prompt.ssml('Hang up.<break time="2s"/>') }, /^prompts\.agentHangUp: SSML must be enclosed in <speak>/],
    ['an SSML tag Amazon Connect does not support', { agentHangUp: Prompt.ssml('<speak><emphasis>Hang up.</emphasis></speak>') },
      /^prompts\.agentHangUp: Amazon Connect does not support the SSML tag <emphasis> \(it supports speak, break, lang/],
    ['SSML tags that do not nest', { agentHangUp: Prompt.ssml('<speak><s>Hang <prosody rate="slow">up.</s></prosody></speak>') },
      /^prompts\.agentHangUp: <\/s> closes a tag that is not open$/],
    ['a tag never closed', { agentHangUp: Prompt.ssml('<speak><p>Hang up.</speak>') }, /^prompts\.agentHangUp: <\/speak> closes a tag that is not open$/],
    ['a placeholder inside a tag', { agentCallback: Prompt.ssml('<speak><say-as interpret-as="{callbackNumber}">1</say-as></speak>') },
      /^prompts\.agentCallback: a placeholder may stand in the text of SSML, not inside a tag/],
    ['the whispered effect in a neural voice', { customerGreeting: Prompt.ssml('<speak><amazon:effect name="whispered">Hello.</amazon:effect></speak>') },
      /^prompts\.customerGreeting: <amazon:effect name="whispered"> is not available for neural and generative voices$/],
    ['a prompt over 3,000 characters', { queueHold: Prompt.text('Please hold. '.repeat(240)) }, /^prompts\.queueHold is too long/],
  ])('%s is refused at synth, naming the prompt', (_name, prompts, message) => {
    expect(refusal({ prompts, voice: { voiceId: 'Joanna', engine: SpeechEngine.NEURAL }, ...ALL })).toMatch(message);
  });

  test('the same prompts where their values are known are accepted: SSML, the whispered effect in a standard voice, an audio prompt of the instance', () => {
    const stack = newStack();
    const music = new connect.CfnPrompt(stack, 'Music', { instanceArn: INSTANCE_ARN, name: 'hold-music', s3Uri: 's3://bucket/hold.wav' });
    const callbacks = addConstruct(stack, 'Callbacks', {
      ...ALL,
      voice: { voiceId: 'Joanna', engine: SpeechEngine.STANDARD },
      prompts: {
        agentHangUp: Prompt.ssml('<speak><s>The customer of {callbackNumber} cancelled.</s><break time="2s"/><prosody rate="slow">Hang up.</prosody></speak>'),
        customerGreeting: Prompt.ssml('<speak><amazon:effect name="whispered">Hello.</amazon:effect></speak>'),
        queueHold: Prompt.audio(music.attrPromptArn),
        queueOffer: Prompt.audio(`${INSTANCE_ARN}/prompt/offer-1`),
        queueAlreadyBooked: Prompt.text('Already booked for {callbackNumber} at {requestedAt}.'),
      },
    });
    const flows = flowsOf(Template.fromStack(stack));
    expect(said(flows['customer-queue'], 'hold')).toEqual([{ PromptId: { 'Fn::GetAtt': [stack.getLogicalId(music), 'PromptArn'] } }]);
    expect(action(flows['customer-queue'], 'offer-callback').Parameters).toMatchObject({ PromptId: `${INSTANCE_ARN}/prompt/offer-1`, InputTimeLimitSeconds: '5' });
    expect(said(flows['agent-whisper'], 'tell-agent-hang-up')).toMatch(/^<speak><s>The customer of \$\.External\.phoneNational cancelled\.<\/s>/);
    expect(callbacks.customerQueueFlowArn).toBeDefined();
  });
});

describe('the in-queue callback offer', () => {
  const { construct, template, stack } = synth({ ...ALL, inQueueCallbackOffer: { interval: Duration.seconds(45) } });
  const flows = flowsOf(template);
  const queue = flows['customer-queue'];
  const writeCallbackArn = stack.resolve(construct.writeCallbackFunction.functionArn);

  test('a CUSTOMER_QUEUE flow loops the hold message and is interrupted for the offer at the interval', () => {
    expect(queue.type).toBe('CUSTOMER_QUEUE');
    expect(stack.resolve(construct.customerQueueFlowArn)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(construct.customerQueueFlow!), 'ContactFlowArn'] });
    expect(action(queue, 'hold')).toMatchObject({
      Type: 'MessageParticipantIteratively',
      Parameters: { InterruptFrequencySeconds: '45' },
      Transitions: { Conditions: [{ NextAction: 'get-queue-wait', Condition: { Operator: 'Equals', Operands: ['MessagesInterrupted'] } }] },
    });
    expect(action(queue, 'get-queue-wait')).toMatchObject({ Type: 'GetMetricData', Parameters: { QueueChannel: 'Voice' } });
    // Below the threshold the caller keeps waiting; no estimate (no match, or the block's error) means the offer is made.
    expect(action(queue, 'check-queue-wait')).toMatchObject({
      Parameters: { ComparisonValue: '$.Metrics.Queue.EstimatedWaitTime' },
      Transitions: {
        NextAction: 'offer-callback',
        Conditions: [{ NextAction: 'end', Condition: { Operator: 'NumberLessThan', Operands: ['120'] } }],
        Errors: [{ NextAction: 'offer-callback', ErrorType: 'NoMatchingCondition' }],
      },
    });
    expect(action(queue, 'get-queue-wait').Transitions.Errors).toEqual([{ NextAction: 'offer-callback', ErrorType: 'NoMatchingError' }]);
  });

  test('accepting books with the same write-callback function, creates the callback with retries 0 in the queue, and hangs up only after it', () => {
    expect(action(queue, 'book-callback').Parameters.LambdaFunctionARN).toEqual(writeCallbackArn);
    expect(action(flows['set-callback'], 'book-caller-number').Parameters.LambdaFunctionARN).toEqual(writeCallbackArn);
    expect(action(queue, 'create-callback').Parameters).toEqual({ QueueId: QUEUE_ARN, InitialCallDelaySeconds: '10', MaximumConnectionAttempts: '0', RetryDelaySeconds: '600' });
    // The only way to the hang-up is the callback's success branch, through the confirmation.
    const targetsOf = (a: any) => [a.Transitions.NextAction, ...(a.Transitions.Conditions ?? []), ...(a.Transitions.Errors ?? [])];
    const into = (id: string) => queue.Actions
      .filter((a: any) => targetsOf(a).some((t: any) => t === id || t?.NextAction === id)).map((a: any) => a.Identifier);
    expect(into('disconnect').sort()).toEqual(['say-callback-booked', 'say-queue-callback-deferred']);
    expect(into('say-callback-booked')).toEqual(['create-callback']);
    // The deferred booking (ALL defers by 16 h): its own block, its own delay, the same undo.
    expect(into('say-queue-callback-deferred')).toEqual(['create-callback-deferred-57600']);
    expect(action(queue, 'create-callback-deferred-57600').Parameters)
      .toEqual({ QueueId: QUEUE_ARN, InitialCallDelaySeconds: '57600', MaximumConnectionAttempts: '0', RetryDelaySeconds: '600' });
    for (const id of ['create-callback', 'create-callback-deferred-57600']) {
      expect(action(queue, id).Transitions.Errors).toEqual([{ NextAction: 'undo-booking', ErrorType: 'NoMatchingError' }]);
    }
    // Like set-callback's: release, clear both attributes, hand the whisper hook to the transferred-caller whisper; then back to the queue.
    expect(action(queue, 'undo-booking').Parameters.LambdaInvocationAttributes).toEqual({ recordId: '$.ContactId', transition: 'RELEASE' });
    expect(action(queue, 'forget-callback-record').Parameters.Attributes).toEqual({ callbackRecordId: '', callbackBooked: '' });
    expect(action(queue, 'hand-agent-whisper-back').Parameters.EventHooks.AgentWhisper)
      .toEqual(stack.resolve(construct.transferredCallerWhisperFlowArn));
    expect(action(queue, 'say-booking-failed').Transitions.NextAction).toBe('end');
    expect(action(queue, 'end').Type).toBe('EndFlowExecution');
  });

  test('the set-callback flow points the callers it puts through to the queue at it, and checks the wait first', () => {
    const setCallback = flows['set-callback'];
    expect(action(setCallback, 'say-booking-failed').Transitions.NextAction).toBe('set-customer-queue-flow');
    expect(action(setCallback, 'set-customer-queue-flow')).toMatchObject({
      Parameters: { EventHooks: { CustomerQueue: stack.resolve(construct.customerQueueFlowArn) } },
      Transitions: { NextAction: 'transfer-to-queue' },
    });
    expect(action(setCallback, 'set-working-queue').Transitions.NextAction).toBe('get-queue-wait');
    expect(action(setCallback, 'get-queue-wait').Parameters).toEqual({ QueueId: QUEUE_ARN, QueueChannel: 'Voice' });
    expect(action(setCallback, 'offer-queue').Transitions.Conditions.map((c: any) => [c.Condition.Operands[0], c.NextAction]))
      .toEqual([['1', 'set-customer-queue-flow'], ['2', 'choose-number']]);
  });

  test('without the offer and the threshold the flows are as before: no metrics, no hook, no customer queue flow', () => {
    const plain = synth();
    const setCallback = flowsOf(plain.template)['set-callback'];
    expect(plain.construct.customerQueueFlowArn).toBeUndefined();
    expect(Object.keys(flowsOf(plain.template)).sort()).toEqual(['agent-whisper', 'outbound-whisper', 'set-callback', 'transferred-caller-whisper']);
    expect(setCallback.Actions.map((a: any) => a.Type)).not.toContain('GetMetricData');
    expect(action(setCallback, 'set-working-queue').Transitions.NextAction).toBe('choose-number');
    expect(action(setCallback, 'say-booking-failed').Transitions.NextAction).toBe('transfer-to-queue');
    const offerOnly = flowsOf(synth({ inQueueCallbackOffer: {} }).template)['customer-queue'];
    expect(action(offerOnly, 'hold')).toMatchObject({ Parameters: { InterruptFrequencySeconds: '60' }, Transitions: { Conditions: [{ NextAction: 'offer-callback' }] } });
    expect(offerOnly.Actions.map((a: any) => a.Type)).not.toContain('GetMetricData');
  });

  test.each<[Partial<CallbackManagementProps>, RegExp]>([
    [{ inQueueCallbackOffer: { interval: Duration.seconds(20) } }, /^inQueueCallbackOffer\.interval must be between 21 seconds and 24 hours, got 20 seconds$/],
    [{ minimumWaitForCallback: Duration.days(2) }, /^minimumWaitForCallback must be between 1 second and 24 hours/],
  ])('%j is refused', (props, message) => {
    expect(refusal(props)).toMatch(message);
  });
});
