import { INSTANCE_ARN, QUEUE_ARN } from './fixtures';
import { FLOW_TEMPLATES, FlowTemplateName, applyPrompts, fillPlaceholders, loadFlowTemplate } from '../../src/flow-templates';
import { FlowType, checkFlow, forceZeroRetries } from '../../src/flows/flow-checker';
import { HANDLER_OPTIONAL_REPLIES, HANDLER_REPLIES, HANDLER_REPLIES_BY_TRANSITION } from '../../src/handler-replies';
import { promptParameter, promptsWithDefaults } from '../../src/prompts';

const FUNCTIONS = ['write-callback', 'update-callback'];
const VALUES: Record<string, string> = {
  'QueueArn': QUEUE_ARN,
  'DefaultCountry': 'US',
  'Flow:agent-whisper': `${INSTANCE_ARN}/contact-flow/agent-whisper-id`,
  'Flow:transferred-caller-whisper': `${INSTANCE_ARN}/contact-flow/transferred-caller-whisper-id`,
  'Flow:customer-queue': `${INSTANCE_ARN}/contact-flow/customer-queue-id`,
  'MinimumWaitSeconds': '120',
  'OfferIntervalSeconds': '60',
  'DeferSeconds': '43200',
  'Flow:answered-callback-whisper': `${INSTANCE_ARN}/contact-flow/answered-callback-whisper-id`,
  ...Object.fromEntries(FUNCTIONS.map((name) => [`Function:${name}`, `arn:aws:lambda:eu-west-2:123456789012:function:${name}`])),
};

/** A template with every optional part, its prompts the English defaults and its placeholders filled. */
function filled(name: FlowTemplateName): any {
  const template = loadFlowTemplate(name);
  const prompts = promptsWithDefaults(undefined) as Record<string, any>;
  applyPrompts(template, (prompt) => promptParameter(prompt, prompts[prompt], { neuralVoice: false }), name);
  return fillPlaceholders(template, VALUES, name);
}

describe('the shipped flow templates', () => {
  test.each(Object.keys(FLOW_TEMPLATES) as FlowTemplateName[])('%s passes the flow checker', (name) => {
    expect(checkFlow(filled(name), FLOW_TEMPLATES[name])).toEqual([]);
  });

  test('each template gives every action console layout metadata', () => {
    for (const name of Object.keys(FLOW_TEMPLATES) as FlowTemplateName[]) {
      const flow = filled(name);
      for (const action of flow.Actions) {
        expect(flow.Metadata.ActionMetadata[action.Identifier].position).toEqual({ x: expect.any(Number), y: expect.any(Number) });
      }
    }
  });
});

/**
 * Walks a flow as Connect would for one scripted call: Lambda replies in order, key presses in order.
 * Counts the Lambda invocations and records what the participant hears. The walk is bounded, so a flow
 * that loops forever on the script fails the test instead of hanging it.
 */
function walk(flow: any, script: { replies?: Array<Record<string, string>>; keys?: string[]; contact?: Record<string, string> }) {
  const replies = [...(script.replies ?? [])];
  const keys = [...(script.keys ?? [])];
  const byId = new Map<string, any>(flow.Actions.map((a: any) => [a.Identifier, a]));
  let external: Record<string, string> = {};
  const heard: string[] = [];
  const invoked: Array<Record<string, string>> = [];
  const path: string[] = [];
  const branch = (action: any, value: string | undefined) => {
    const match = (action.Transitions.Conditions ?? []).find((c: any) => c.Condition.Operands[0] === value);
    if (match) return match.NextAction;
    return action.Transitions.Errors.find((e: any) => e.ErrorType === 'NoMatchingCondition').NextAction;
  };
  let id: string | undefined = flow.StartAction;
  for (let steps = 0; id !== undefined; steps++) {
    if (steps > 100) throw new Error(`no end after 100 steps: ${path.join(' > ')}`);
    const action = byId.get(id);
    path.push(id);
    switch (action.Type) {
      case 'InvokeLambdaFunction': {
        invoked.push(action.Parameters.LambdaInvocationAttributes ?? {});
        const reply = replies.shift();
        if (!reply) throw new Error(`no scripted reply for ${id}`);
        external = reply;
        id = action.Transitions.NextAction;
        break;
      }
      case 'Compare': {
        const compared = String(action.Parameters.ComparisonValue);
        id = branch(action, compared.startsWith('$.External.') ? external[compared.slice('$.External.'.length)] : script.contact?.[compared]);
        break;
      }
      case 'GetParticipantInput':
        heard.push(action.Parameters.Text ?? action.Parameters.SSML);
        id = action.Parameters.StoreInput === 'True' ? (keys.shift(), action.Transitions.NextAction) : branch(action, keys.shift());
        break;
      case 'MessageParticipant':
        heard.push(action.Parameters.Text ?? action.Parameters.SSML);
        id = action.Transitions.NextAction;
        break;
      case 'DisconnectParticipant':
      case 'EndFlowExecution':
        id = undefined;
        break;
      default:
        id = action.Transitions.NextAction;
    }
  }
  return { lambdaCalls: invoked.length, invoked, heard, path, last: path[path.length - 1] };
}

describe('Lambda invocations per caller path (budget: one for the new-callback decision, one for the cancel decision)', () => {
  const setCallback = filled('set-callback');
  const created = { result: 'CREATED', recordId: 'inbound-1', phoneE164: '+13125550100', phoneNational: '(312) 555-0100', canCancel: 'true' };
  const exists = { ...created, result: 'EXISTS', requestedAtSpoken: '10:30 AM' };

  test('new callback on the calling number: 1 call, queued and confirmed, then disconnected', () => {
    const call = walk(setCallback, { keys: ['1'], replies: [created] });
    expect(call.lambdaCalls).toBe(1);
    expect(call.path).toEqual(expect.arrayContaining(['set-working-queue', 'remember-callback-record', 'set-callback-number', 'set-agent-whisper', 'create-callback']));
    expect(call.path.indexOf('create-callback')).toBeLessThan(call.path.indexOf('say-callback-booked'));
    expect(call.last).toBe('disconnect');
  });

  test('new callback on an entered number: 1 call, with the stored input passed to the write', () => {
    const call = walk(setCallback, { keys: ['2', '3125550100', '1'], replies: [created] });
    expect(call.lambdaCalls).toBe(1);
    expect(call.invoked[0]).toEqual({ phoneNumber: '$.StoredCustomerInput' });
    expect(call.path).toContain('create-callback');
  });

  test('duplicate, kept: 1 call, and no second callback is created', () => {
    const call = walk(setCallback, { keys: ['1', '2'], replies: [exists] });
    expect(call.lambdaCalls).toBe(1);
    expect(call.path).not.toContain('create-callback');
    expect(call.last).toBe('disconnect');
  });

  test('refused by the admission policy: 1 call; a full queue ends the call, a number at its limit waits in the queue', () => {
    const full = walk(setCallback, { keys: ['1'], replies: [{ result: 'AT_CAPACITY' }] });
    expect(full.lambdaCalls).toBe(1);
    expect(full.path).toContain('say-at-capacity');
    expect(full.path).not.toContain('create-callback');
    expect(full.path).not.toContain('transfer-to-queue');
    expect(full.last).toBe('disconnect');
    const limited = walk(setCallback, { keys: ['2', '3125550100', '1'], replies: [{ result: 'LIMIT_REACHED' }] });
    expect(limited.lambdaCalls).toBe(1);
    expect(limited.path).toContain('say-limit-reached');
    expect(limited.path).not.toContain('create-callback');
    expect(limited.path).toContain('transfer-to-queue');
  });

  test('cancel: 1 call to find it, 1 to cancel it, then the caller is disconnected, never queued', () => {
    const call = walk(setCallback, { keys: ['1', '1'], replies: [exists, { result: 'APPLIED', status: 'CANCELLED' }] });
    expect(call.lambdaCalls).toBe(2);
    // What the booking attempt's reply said goes with the cancel, so that it is decided without reading the record.
    expect(call.invoked[1]).toEqual({
      recordId: '$.External.recordId', transition: 'CANCEL', phoneE164: '$.External.phoneE164', callbackContactId: '$.External.callbackContactId',
    });
    expect(call.path).toContain('say-cancelled');
    expect(call.path).not.toContain('transfer-to-queue');
    expect(call.last).toBe('disconnect');
  });

  test('a failed cancel never tells the caller it is cancelled', () => {
    const call = walk(setCallback, { keys: ['1', '1'], replies: [exists, { result: 'ERROR' }] });
    expect(call.path).not.toContain('say-cancelled');
    expect(call.path).toContain('say-cancel-failed');
  });

  test('a failed write never confirms a callback, and never takes the new-callback path', () => {
    const call = walk(setCallback, { keys: ['1'], replies: [{ result: 'ERROR' }] });
    expect(call.path).not.toContain('create-callback');
    expect(call.path).not.toContain('say-callback-booked');
    expect(call.path).toContain('say-booking-failed');
  });

  test('someone else\'s pending callback is not offered for cancellation', () => {
    const call = walk(setCallback, { keys: ['2', '3125550199', '1'], replies: [{ ...exists, canCancel: 'false' }] });
    expect(call.path).not.toContain('offer-cancel');
    expect(call.last).toBe('disconnect');
  });

  test('menus are bounded: a caller who never presses a key is disconnected after two tries', () => {
    const call = walk(setCallback, { keys: [] });
    expect(call.lambdaCalls).toBe(0);
    expect(call.path.filter((id) => id.startsWith('choose-number'))).toHaveLength(2);
    expect(call.last).toBe('disconnect');
  });

  /** What the whisper flows see of one of our callback contacts. */
  const ourCallback = { '$.Attributes.callbackBooked': 'true', '$.InitiationMethod': 'CALLBACK' };

  test('agent whisper: 1 call; a cancelled callback is completed and the agent told three times over at least ten seconds to hang up', () => {
    const call = walk(filled('agent-whisper'), { contact: ourCallback, replies: [{ result: 'APPLIED', status: 'COMPLETED', resolution: 'HUNG_UP_BY_AGENT' }] });
    expect(call.lambdaCalls).toBe(1);
    expect(call.invoked[0]).toEqual({ recordId: '$.Attributes.callbackRecordId', transition: 'AGENT_HANG_UP' });
    expect(call.path).toContain('tell-agent-hang-up');
    const said = call.heard[call.heard.length - 1];
    expect(said.match(/hang up/g)?.length).toBeGreaterThanOrEqual(3);
    const pauses = [...said.matchAll(/<break time="(\d+)s"\/>/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    expect(pauses).toBeGreaterThanOrEqual(10);
  });

  test('agent whisper: a pending callback goes ahead, and so does one whose state cannot be read', () => {
    expect(walk(filled('agent-whisper'), { contact: ourCallback, replies: [{ result: 'REFUSED', status: 'PENDING' }] }).path).toContain('tell-agent-callback');
    expect(walk(filled('agent-whisper'), { contact: ourCallback, replies: [{ result: 'ERROR' }] }).path).toContain('tell-agent-unchecked');
  });

  test('agent whisper: a contact without the booked marker (a caller transferred after a failed booking) hears nothing and calls nothing', () => {
    const call = walk(filled('agent-whisper'), { contact: { '$.Attributes.callbackBooked': '' } });
    expect(call).toMatchObject({ lambdaCalls: 0, heard: [], last: 'end' });
    // And the handler's own check: a contact that is not the record's callback is told nothing either.
    expect(walk(filled('agent-whisper'), { contact: ourCallback, replies: [{ result: 'NOT_A_CALLBACK' }] })).toMatchObject({ heard: [], last: 'end' });
  });

  test('outbound whisper: 1 call; only a stored PENDING -> CONNECTED is announced as the requested callback', () => {
    const flow = filled('outbound-whisper');
    const live = walk(flow, { contact: ourCallback, replies: [{ result: 'APPLIED', status: 'COMPLETED' }] });
    expect(live.lambdaCalls).toBe(1);
    expect(live.invoked[0]).toEqual({ recordId: '$.Attributes.callbackRecordId', transition: 'CONNECT' });
    expect(live.path).toContain('greet-callback');
    expect(walk(flow, { contact: ourCallback, replies: [{ result: 'REFUSED', status: 'CANCELLED' }] }).path).not.toContain('greet-callback');
  });

  test('outbound whisper: every other outbound call of the queue passes silently, with no Lambda call', () => {
    const flow = filled('outbound-whisper');
    const others: Array<Record<string, string>> = [
      { '$.InitiationMethod': 'OUTBOUND' },
      { '$.InitiationMethod': 'OUTBOUND', '$.Attributes.callbackBooked': 'true' },
      { '$.InitiationMethod': 'CALLBACK' },
      { '$.InitiationMethod': 'CALLBACK', '$.Attributes.callbackBooked': '' },
    ];
    for (const contact of others) {
      expect({ contact, ...walk(flow, { contact }) }).toMatchObject({ contact, lambdaCalls: 0, heard: [], last: 'end' });
    }
  });

  test('the undo path releases the record, clears the attributes and hands the agent whisper back before the transfer', () => {
    const undo = byIdOf(setCallback, 'undo-booking');
    expect(undo.Parameters.LambdaInvocationAttributes).toEqual({ recordId: '$.ContactId', transition: 'RELEASE' });
    const order = ['undo-booking', 'forget-callback-record', 'hand-agent-whisper-back', 'say-booking-failed', 'set-customer-queue-flow', 'transfer-to-queue'];
    let next = 'undo-booking';
    for (const expected of order.slice(1)) {
      next = byIdOf(setCallback, next).Transitions.NextAction;
      expect(next).toBe(expected);
    }
    expect(byIdOf(setCallback, 'forget-callback-record').Parameters).toEqual({
      Attributes: { callbackRecordId: '', callbackBooked: '' }, TargetContact: 'Current',
    });
    expect(byIdOf(setCallback, 'hand-agent-whisper-back').Parameters).toEqual({
      EventHooks: { AgentWhisper: VALUES['Flow:transferred-caller-whisper'] },
    });
    for (const step of ['create-callback', 'set-callback-number', 'set-agent-whisper', 'remember-callback-record', 'book-caller-number']) {
      const errors = byIdOf(setCallback, step).Transitions.Errors.map((e: any) => e.NextAction);
      expect({ step, errors: [...new Set(errors)] }).toEqual({ step, errors: ['undo-booking'] });
    }
  });
});

function byIdOf(flow: any, id: string): any {
  return flow.Actions.find((a: any) => a.Identifier === id);
}

describe('the flow checker finds each defect, naming the action', () => {
  /** The outbound whisper, with its two leading checks moved last so that the cases below index its other actions. */
  const base = () => {
    const flow = filled('outbound-whisper');
    const checks = flow.Actions.filter((a: any) => a.Identifier.startsWith('check-') && a.Identifier !== 'check-connected');
    flow.Actions = [...flow.Actions.filter((a: any) => !checks.includes(a)), ...checks];
    return flow;
  };
  const cases: Array<[string, (flow: any) => void, string, RegExp, string?]> = [
    ['a transition to a missing action', (f) => { f.Actions[2].Transitions.Errors[0].NextAction = 'nowhere'; }, 'greet-callback', /missing action "nowhere"/],
    ['an unreachable action', (f) => { f.Actions.push({ Identifier: 'orphan', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} }); }, 'orphan', /not reachable/],
    ['an action type not allowed in the flow type', (f) => {
      f.Actions[2] = { Identifier: 'greet-callback', Type: 'TransferContactToQueue', Parameters: {}, Transitions: { NextAction: 'end', Errors: [] } };
    }, 'greet-callback', /not allowed in a OUTBOUND_WHISPER flow/],
    ['a hang-up in a whisper flow', (f) => { f.Actions[4].Type = 'DisconnectParticipant'; }, 'end', /not allowed/],
    ['an unknown action type', (f) => { f.Actions[4].Type = 'Teleport'; }, 'end', /unknown/],
    ['an unknown parameter', (f) => { f.Actions[2].Parameters.Volume = '11'; }, 'greet-callback', /no parameter Volume/],
    ['a missing parameter', (f) => { delete f.Actions[0].Parameters.InvocationTimeLimitSeconds; }, 'mark-connected', /needs the parameter InvocationTimeLimitSeconds/],
    ['a Lambda call without an error branch', (f) => { f.Actions[0].Transitions.Errors = []; }, 'mark-connected', /needs an error transition for NoMatchingError/],
    ['a Lambda timeout over 8 s', (f) => { f.Actions[0].Parameters.InvocationTimeLimitSeconds = '9'; }, 'mark-connected', /from 1 to 8/],
    ['an error type the action never raises', (f) => { f.Actions[2].Transitions.Errors[0].ErrorType = 'QueueAtCapacity'; }, 'greet-callback', /no error "QueueAtCapacity"/],
  ];
  test.each(cases)('%s', (_name, breakIt, actionId, message) => {
    const flow = base();
    breakIt(flow);
    expect(checkFlow(flow, 'OUTBOUND_WHISPER')).toEqual([{ actionId, message: expect.stringMatching(message) }]);
  });

  test('a callback with retries is reported, and forceZeroRetries mends it', () => {
    const flow = filled('set-callback');
    // Whatever else the shipped flow holds, breaking the callback adds exactly this finding, and mending it removes it.
    const before = checkFlow(flow, 'CONTACT_FLOW');
    // "1" is the console's default of one retry: the customer would be dialled twice.
    flow.Actions.find((a: any) => a.Type === 'CreateCallbackContact').Parameters.MaximumConnectionAttempts = '1';
    const after = checkFlow(flow, 'CONTACT_FLOW');
    expect(after).toHaveLength(before.length + 1);
    expect(after).toEqual(expect.arrayContaining([...before, { actionId: 'create-callback', message: expect.stringMatching(/must not be retried.*"0".*got "1"/) }]));
    forceZeroRetries(flow);
    expect(checkFlow(flow, 'CONTACT_FLOW')).toEqual(before);
  });

  test('a flow that is not flow language at all is reported as a whole', () => {
    expect(checkFlow({ Version: '2020-01-01', Actions: [] }, 'CONTACT_FLOW').map((f) => f.message)).toEqual([
      expect.stringMatching(/Version/),
      expect.stringMatching(/Actions must be a non-empty list/),
    ]);
  });
});

/**
 * Small hand-written flows, one action under test and every transition of it to a last action the flow type
 * allows (DisconnectParticipant, else EndFlowExecution), so that each case breaks exactly one rule of the Flow
 * language reference and nothing else.
 */
describe('the flow checker enforces the Flow language reference, one rule at a time', () => {
  const LAMBDA_ARN = 'arn:aws:lambda:eu-west-2:123456789012:function:f';
  const FLOW_ARN = `${INSTANCE_ARN}/contact-flow/ffffffff-1111-4222-8333-444444444444`;
  const to = (...errorTypes: string[]) => errorTypes.map((ErrorType) => ({ NextAction: 'end', ErrorType }));
  const when = (...operands: string[]) => operands.map((operand) => ({ NextAction: 'end', Condition: { Operator: 'Equals', Operands: [operand] } }));
  const last = (flowType: FlowType) => (['CONTACT_FLOW', 'CUSTOMER_QUEUE', 'AGENT_TRANSFER', 'QUEUE_TRANSFER'].includes(flowType)
    ? { Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} }
    : { Identifier: 'end', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} });
  // A customer queue flow runs its other blocks after a Loop prompts block (adminguide/loop-prompts.html).
  const holdFirst = (flowType: FlowType, first: any) => (flowType === 'CUSTOMER_QUEUE' && first.Type !== 'MessageParticipantIteratively'
    ? [{
      Identifier: 'hold',
      Type: 'MessageParticipantIteratively',
      Parameters: { Messages: [{ Text: 'Please hold.' }], InterruptFrequencySeconds: '30' },
      Transitions: { Conditions: [{ NextAction: first.Identifier, Condition: { Operator: 'Equals', Operands: ['MessagesInterrupted'] } }] },
    }]
    : []);
  const flowOf = (flowType: FlowType, ...actions: any[]) => {
    const hold = holdFirst(flowType, actions[0]);
    return { Version: '2019-10-30', StartAction: (hold[0] ?? actions[0]).Identifier, Actions: [...hold, ...actions, last(flowType)] };
  };

  /** One valid action of each kind the cases break. */
  const valid: Record<string, () => any> = {
    'menu': () => ({
      Identifier: 'menu',
      Type: 'GetParticipantInput',
      Parameters: { Text: 'Press 1.', InputTimeLimitSeconds: '5' },
      Transitions: { NextAction: 'end', Conditions: when('1', '#'), Errors: to('InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError') },
    }),
    'enter-number': () => ({
      Identifier: 'enter-number',
      Type: 'GetParticipantInput',
      Parameters: {
        Text: 'Enter your number.',
        InputTimeLimitSeconds: '10',
        StoreInput: 'True',
        InputValidation: { PhoneNumberValidation: { NumberFormat: 'Local', CountryCode: 'GB' } },
        DTMFConfiguration: { InputTerminationSequence: '#', DisableCancelKey: 'False' },
      },
      Transitions: { NextAction: 'end', Errors: to('InvalidPhoneNumber', 'NoMatchingError') },
    }),
    'enter-pin': () => ({
      Identifier: 'enter-pin',
      Type: 'GetParticipantInput',
      Parameters: {
        SSML: '<speak>Enter your PIN.</speak>',
        InputTimeLimitSeconds: '10',
        StoreInput: 'True',
        InputValidation: { CustomValidation: { MaximumLength: '6' } },
        InputEncryption: { EncryptionKeyId: 'key-1', Key: 'PEM' },
      },
      Transitions: { NextAction: 'end', Errors: to('NoMatchingError') },
    }),
    'lambda': () => ({
      Identifier: 'lambda',
      Type: 'InvokeLambdaFunction',
      Parameters: { LambdaFunctionARN: LAMBDA_ARN, InvocationTimeLimitSeconds: '8', LambdaInvocationAttributes: { id: '$.ContactId' }, ResponseValidation: { ResponseType: 'STRING_MAP' } },
      Transitions: { NextAction: 'end', Errors: to('NoMatchingError') },
    }),
    'say': () => ({
      Identifier: 'say',
      Type: 'MessageParticipant',
      Parameters: { Text: 'Hello $.Attributes.name and welcome.' },
      Transitions: { NextAction: 'end', Errors: to('NoMatchingError') },
    }),
    'attributes': () => ({
      Identifier: 'attributes',
      Type: 'UpdateContactAttributes',
      Parameters: { Attributes: { callbackRecordId: '$.External.recordId' }, TargetContact: 'Current' },
      Transitions: { NextAction: 'end', Errors: to('NoMatchingError') },
    }),
    'hook': () => ({
      Identifier: 'hook',
      Type: 'UpdateContactEventHooks',
      Parameters: { EventHooks: { AgentWhisper: FLOW_ARN } },
      Transitions: { NextAction: 'end', Errors: to('NoMatchingError') },
    }),
    'target-queue': () => ({
      Identifier: 'target-queue',
      Type: 'UpdateContactTargetQueue',
      Parameters: { QueueId: QUEUE_ARN },
      Transitions: { NextAction: 'end', Errors: to('NoMatchingError') },
    }),
    'logging': () => ({ Identifier: 'logging', Type: 'UpdateFlowLoggingBehavior', Parameters: { FlowLoggingBehavior: 'Disabled' }, Transitions: { NextAction: 'end' } }),
    'compare': () => ({
      Identifier: 'compare',
      Type: 'Compare',
      Parameters: { ComparisonValue: '$.Metrics.Queue.Size' },
      Transitions: {
        NextAction: 'end',
        Conditions: [
          { NextAction: 'end', Condition: { Operator: 'NumberGreaterThan', Operands: ['10'] } },
          { NextAction: 'end', Condition: { Operator: 'TextStartsWith', Operands: ['1'] } },
          ...when('0'),
        ],
        Errors: to('NoMatchingCondition'),
      },
    }),
    'loop': () => ({
      Identifier: 'loop',
      Type: 'MessageParticipantIteratively',
      Parameters: { Messages: [{ Text: 'Please hold.' }, { PromptId: '$.Attributes.musicPromptArn' }], InterruptFrequencySeconds: '30' },
      Transitions: { NextAction: 'end', Conditions: when('MessagesInterrupted'), Errors: to('NoMatchingError') },
    }),
    'metrics': () => ({
      Identifier: 'metrics',
      Type: 'GetMetricData',
      Parameters: { QueueId: QUEUE_ARN, QueueChannel: 'Voice' },
      Transitions: { NextAction: 'end', Errors: to('NoMatchingError') },
    }),
    'voice': () => ({
      Identifier: 'voice',
      Type: 'UpdateContactTextToSpeechVoice',
      Parameters: { TextToSpeechVoice: 'Amy', TextToSpeechEngine: 'Neural', TextToSpeechStyle: 'None' },
      Transitions: { NextAction: 'end', Errors: to('NoMatchingError') },
    }),
    'hours': () => ({
      Identifier: 'hours',
      Type: 'CheckHoursOfOperation',
      Parameters: {},
      Transitions: { NextAction: 'end', Conditions: when('True', 'False'), Errors: to('NoMatchingError') },
    }),
    'dequeue': () => ({
      Identifier: 'dequeue',
      Type: 'DequeueContactAndTransferToQueue',
      Parameters: { QueueId: QUEUE_ARN },
      Transitions: { NextAction: 'end', Errors: to('QueueAtCapacity', 'NoMatchingError') },
    }),
    'set-number': () => ({
      Identifier: 'set-number',
      Type: 'UpdateContactCallbackNumber',
      Parameters: { CallbackNumber: '$.Attributes.callbackNumber' },
      Transitions: { NextAction: 'end', Errors: to('InvalidCallbackNumber', 'CallbackNumberNotDialable') },
    }),
    'callback': () => ({
      Identifier: 'callback',
      Type: 'CreateCallbackContact',
      Parameters: { QueueId: QUEUE_ARN, InitialCallDelaySeconds: '5', MaximumConnectionAttempts: '0', RetryDelaySeconds: '600' },
      Transitions: { NextAction: 'end', Errors: to('NoMatchingError') },
    }),
  };
  const cases: Array<[string, FlowType, string, (action: any) => void, RegExp]> = [
    // participant-actions-getparticipantinput: errors by StoreInput.
    ['a menu without an error it raises', 'CONTACT_FLOW', 'menu', (a) => { a.Transitions.Errors.push(...to('InvalidPhoneNumber')); },
      /^GetParticipantInput has no error "InvalidPhoneNumber" unless StoreInput is "True"$/],
    ['a stored input with a timeout branch', 'CONTACT_FLOW', 'enter-number', (a) => { a.Transitions.Errors.push(...to('InputTimeLimitExceeded')); },
      /^GetParticipantInput has no error "InputTimeLimitExceeded" with StoreInput "True"$/],
    ['a stored input with a no-match branch', 'CONTACT_FLOW', 'enter-number', (a) => { a.Transitions.Errors.push(...to('NoMatchingCondition')); },
      /^GetParticipantInput has no error "NoMatchingCondition" with StoreInput "True"$/],
    ['an invalid-number branch without phone-number validation', 'CONTACT_FLOW', 'enter-pin', (a) => { a.Transitions.Errors.push(...to('InvalidPhoneNumber')); },
      /^GetParticipantInput has no error "InvalidPhoneNumber" with StoreInput "True" and no PhoneNumberValidation$/],
    ['a stored input with conditions', 'CONTACT_FLOW', 'enter-number', (a) => { a.Transitions.Conditions = when('1'); },
      /^GetParticipantInput does not support conditions with StoreInput "True"$/],
    ['a Lex bot on GetParticipantInput (it belongs to ConnectParticipantWithLexBot)', 'CONTACT_FLOW', 'menu', (a) => { a.Parameters.LexV2Bot = { AliasArn: 'arn' }; },
      /^GetParticipantInput has no parameter LexV2Bot$/],
    // participant-actions-getparticipantinput: Equals on one key.
    ['a menu condition that is not Equals', 'CONTACT_FLOW', 'menu', (a) => { a.Transitions.Conditions[0].Condition.Operator = 'TextStartsWith'; },
      /^GetParticipantInput conditions use only the Equals operator, got "TextStartsWith"$/],
    ['a menu condition on two keys', 'CONTACT_FLOW', 'menu', (a) => { a.Transitions.Conditions[0].Condition.Operands = ['12']; },
      /^a GetParticipantInput condition takes one operand, a single key 0-9, \* or #, got \["12"\]$/],
    ['a menu condition on a letter', 'CONTACT_FLOW', 'menu', (a) => { a.Transitions.Conditions[1].Condition.Operands = ['A']; }, /one operand, a single key/],
    // flow-control-actions-compare and flow-language-actions (operators, one String operand each).
    ['an unknown Compare operator', 'CONTACT_FLOW', 'compare', (a) => { a.Transitions.Conditions[2].Condition.Operator = 'NotEquals'; },
      /^Compare has no operator "NotEquals" \(it has Equals, TextStartsWith, .*NumberLessOrEqualTo\)$/],
    ['a Compare condition with two operands', 'CONTACT_FLOW', 'compare', (a) => { a.Transitions.Conditions[2].Condition.Operands = ['0', '1']; },
      /^a Compare condition takes exactly one operand, a string, got \["0","1"\]$/],
    ['a Compare condition with a number for an operand', 'CONTACT_FLOW', 'compare', (a) => { a.Transitions.Conditions[2].Condition.Operands = [0]; },
      /^a Compare condition takes exactly one operand, a string, got \[0\]$/],
    ['a Number comparison with a text operand', 'CONTACT_FLOW', 'compare', (a) => { a.Transitions.Conditions[0].Condition.Operands = ['ten']; },
      /^NumberGreaterThan compares numbers: its operand must be a number, got "ten"$/],
    // flow-language-actions: the shape of a transition.
    ['a condition without an operator', 'CONTACT_FLOW', 'compare', (a) => { delete a.Transitions.Conditions[2].Condition.Operator; },
      /^a condition needs a Condition with an Operator and a list of Operands$/],
    ['a condition without operands', 'CONTACT_FLOW', 'menu', (a) => { a.Transitions.Conditions[0].Condition.Operands = []; },
      /^a condition needs a Condition with an Operator and a list of Operands$/],
    ['a condition that goes nowhere', 'CONTACT_FLOW', 'compare', (a) => { delete a.Transitions.Conditions[1].NextAction; }, /^a condition needs a NextAction$/],
    ['an error branch that goes nowhere', 'CONTACT_FLOW', 'compare', (a) => { delete a.Transitions.Errors[0].NextAction; },
      /^the error transition for "NoMatchingCondition" needs a NextAction$/],
    // flow-language-actions-parameter-restrictions: a single JSONPath.
    ['a static ComparisonValue', 'CONTACT_FLOW', 'compare', (a) => { a.Parameters.ComparisonValue = '10'; },
      /^ComparisonValue must be a single JSONPath reference such as "\$\.Attributes\.name" \(it cannot be set statically\), got "10"$/],
    ['text around the ComparisonValue path', 'CONTACT_FLOW', 'compare', (a) => { a.Parameters.ComparisonValue = 'size $.Metrics.Queue.Size'; },
      /^ComparisonValue must be a single JSONPath reference/],
    ['a static callback number', 'CONTACT_FLOW', 'set-number', (a) => { a.Parameters.CallbackNumber = '+442079460000'; },
      /^CallbackNumber must be a single JSONPath reference .* got "\+442079460000"$/],
    ['a callback number from a token (static at deploy time)', 'CONTACT_FLOW', 'set-number', (a) => { a.Parameters.CallbackNumber = '${Token[TOKEN.42]}'; },
      /^CallbackNumber must be a single JSONPath reference/],
    // ... static only.
    ['a dynamic Lambda timeout', 'CONTACT_FLOW', 'lambda', (a) => { a.Parameters.InvocationTimeLimitSeconds = '$.Attributes.timeout'; },
      /^InvocationTimeLimitSeconds must be defined statically \(no JSONPath\), got "\$\.Attributes\.timeout"$/],
    ['a dynamic response validation', 'CONTACT_FLOW', 'lambda', (a) => { a.Parameters.ResponseValidation.ResponseType = '$.Attributes.type'; },
      /^ResponseValidation must be defined statically/],
    ['a dynamic callback delay', 'CONTACT_FLOW', 'callback', (a) => { a.Parameters.InitialCallDelaySeconds = '$.Attributes.delay'; },
      /^InitialCallDelaySeconds must be defined statically/],
    ['a dynamic retry delay', 'CONTACT_FLOW', 'callback', (a) => { a.Parameters.RetryDelaySeconds = '$.Attributes.delay'; }, /^RetryDelaySeconds must be defined statically/],
    ['a dynamic number of attempts', 'CONTACT_FLOW', 'callback', (a) => { a.Parameters.MaximumConnectionAttempts = '$.Attributes.n'; },
      /^MaximumConnectionAttempts must be defined statically/],
    ['a dynamic StoreInput', 'CONTACT_FLOW', 'menu', (a) => { a.Parameters.StoreInput = '$.Attributes.store'; }, /^StoreInput must be defined statically/],
    ['a dynamic input timeout', 'CONTACT_FLOW', 'menu', (a) => { a.Parameters.InputTimeLimitSeconds = '$.Attributes.wait'; }, /^InputTimeLimitSeconds must be defined statically/],
    ['a dynamic logging behaviour', 'CONTACT_FLOW', 'logging', (a) => { a.Parameters.FlowLoggingBehavior = '$.Attributes.logging'; },
      /^FlowLoggingBehavior must be defined statically/],
    ['a dynamic TargetContact', 'CONTACT_FLOW', 'attributes', (a) => { a.Parameters.TargetContact = '$.Attributes.target'; }, /^TargetContact must be defined statically/],
    ['a dynamic event hook key', 'CONTACT_FLOW', 'hook', (a) => { a.Parameters.EventHooks = { '$.Attributes.hook': FLOW_ARN }; },
      /^EventHooks keys must be defined statically \(no JSONPath\), got "\$\.Attributes\.hook"$/],
    // ... static or a single JSONPath.
    ['text around a queue path', 'CONTACT_FLOW', 'target-queue', (a) => { a.Parameters.QueueId = `${INSTANCE_ARN}/queue/$.Attributes.queueId`; },
      /^QueueId must be static or a single JSONPath reference, not text around one, got ".*\/queue\/\$\.Attributes\.queueId"$/],
    ['text around an agent path', 'CONTACT_FLOW', 'target-queue', (a) => { delete a.Parameters.QueueId; a.Parameters.AgentId = 'agent $.Attributes.agent'; },
      /^AgentId must be static or a single JSONPath reference/],
    ['text around a callback queue path', 'CONTACT_FLOW', 'callback', (a) => { a.Parameters.QueueId = 'queue/$.Attributes.queueId'; }, /^QueueId must be static or a single JSONPath/],
    ['text around a prompt path', 'CONTACT_FLOW', 'say', (a) => { delete a.Parameters.Text; a.Parameters.PromptId = 'prompt/$.Attributes.prompt'; },
      /^PromptId must be static or a single JSONPath/],
    ['text around a menu prompt path', 'CONTACT_FLOW', 'menu', (a) => { delete a.Parameters.Text; a.Parameters.PromptId = 'prompt/$.Attributes.prompt'; },
      /^PromptId must be static or a single JSONPath/],
    // Enumerations (each action's page).
    ['an unknown invocation type', 'CONTACT_FLOW', 'lambda', (a) => { a.Parameters.InvocationType = 'EVENT'; },
      /^InvocationType must be "SYNCHRONOUS" or "ASYNCHRONOUS", got "EVENT"$/],
    ['an unknown response type', 'CONTACT_FLOW', 'lambda', (a) => { a.Parameters.ResponseValidation.ResponseType = 'XML'; },
      /^ResponseValidation.ResponseType must be "STRING_MAP" or "JSON", got "XML"$/],
    ['a response validation without a type', 'CONTACT_FLOW', 'lambda', (a) => { a.Parameters.ResponseValidation = {}; },
      /^ResponseValidation.ResponseType must be "STRING_MAP" or "JSON", got undefined$/],
    ['a StoreInput that is not "True" or "False"', 'CONTACT_FLOW', 'menu', (a) => { a.Parameters.StoreInput = 'true'; }, /^StoreInput must be "True" or "False", got "true"$/],
    ['an unknown TargetContact', 'CONTACT_FLOW', 'attributes', (a) => { a.Parameters.TargetContact = 'Previous'; },
      /^TargetContact must be "Current" or "Related", got "Previous"$/],
    ['an unknown event hook', 'CONTACT_FLOW', 'hook', (a) => { a.Parameters.EventHooks = { OutboundWhisper: FLOW_ARN }; },
      /^an EventHooks key must be one of "AgentHold", "AgentWhisper", .*"ResumeContact", got "OutboundWhisper"$/],
    // participant-actions-getparticipantinput: InputValidation, InputEncryption, DTMFConfiguration.
    ['an unknown number format', 'CONTACT_FLOW', 'enter-number', (a) => { a.Parameters.InputValidation.PhoneNumberValidation.NumberFormat = 'National'; },
      /^PhoneNumberValidation.NumberFormat must be "Local" or "E164", got "National"$/],
    ['a local number format without a country', 'CONTACT_FLOW', 'enter-number', (a) => { delete a.Parameters.InputValidation.PhoneNumberValidation.CountryCode; },
      /^PhoneNumberValidation.CountryCode is required when NumberFormat is "Local"$/],
    ['a three-letter country code', 'CONTACT_FLOW', 'enter-number', (a) => { a.Parameters.InputValidation.PhoneNumberValidation.CountryCode = 'GBR'; },
      /^PhoneNumberValidation.CountryCode must be a two-letter country code such as "US", got "GBR"$/],
    ['a dynamic country code', 'CONTACT_FLOW', 'enter-number', (a) => { a.Parameters.InputValidation.PhoneNumberValidation.CountryCode = '$.Attributes.country'; },
      /^PhoneNumberValidation.CountryCode must be defined statically \(no JSONPath\)/],
    ['a dynamic number format', 'CONTACT_FLOW', 'enter-number', (a) => { a.Parameters.InputValidation.PhoneNumberValidation.NumberFormat = '$.Attributes.format'; },
      /^PhoneNumberValidation.NumberFormat must be defined statically/],
    ['both kinds of input validation', 'CONTACT_FLOW', 'enter-pin', (a) => { a.Parameters.InputValidation.PhoneNumberValidation = { NumberFormat: 'E164' }; },
      /^InputValidation must hold exactly one of PhoneNumberValidation, CustomValidation$/],
    ['an unknown input validation', 'CONTACT_FLOW', 'enter-pin', (a) => { a.Parameters.InputValidation.RegexValidation = '^\\d+$'; }, /^InputValidation has no field RegexValidation$/],
    ['a zero maximum length', 'CONTACT_FLOW', 'enter-pin', (a) => { a.Parameters.InputValidation.CustomValidation.MaximumLength = '0'; },
      /^CustomValidation.MaximumLength must be a whole number above 0, got "0"$/],
    ['a dynamic maximum length', 'CONTACT_FLOW', 'enter-pin', (a) => { a.Parameters.InputValidation.CustomValidation.MaximumLength = '$.Attributes.length'; },
      /^CustomValidation.MaximumLength must be defined statically/],
    ['input validation without StoreInput', 'CONTACT_FLOW', 'menu', (a) => { a.Parameters.InputValidation = { CustomValidation: { MaximumLength: '1' } }; },
      /^InputValidation is required exactly when StoreInput is "True"$/],
    ['encryption of a phone number', 'CONTACT_FLOW', 'enter-number', (a) => { a.Parameters.InputEncryption = { EncryptionKeyId: 'key-1', Key: 'PEM' }; },
      /^InputEncryption may only be given with InputValidation.CustomValidation$/],
    ['an unknown encryption field', 'CONTACT_FLOW', 'enter-pin', (a) => { a.Parameters.InputEncryption.Algorithm = 'RSA'; }, /^InputEncryption has no field Algorithm$/],
    ['a six-key termination sequence', 'CONTACT_FLOW', 'enter-number', (a) => { a.Parameters.DTMFConfiguration.InputTerminationSequence = '123456'; },
      /^DTMFConfiguration.InputTerminationSequence must be one to five keys 0-9, \* or #, got "123456"$/],
    ['a cancel key flag that is a boolean', 'CONTACT_FLOW', 'enter-number', (a) => { a.Parameters.DTMFConfiguration.DisableCancelKey = false; },
      /^DTMFConfiguration.DisableCancelKey must be "True" or "False", got false$/],
    ['an unknown DTMF field', 'CONTACT_FLOW', 'enter-number', (a) => { a.Parameters.DTMFConfiguration.MaxDigits = '10'; }, /^DTMFConfiguration has no field MaxDigits$/],
    // Pairs that exclude each other.
    ['a working queue and an agent', 'CONTACT_FLOW', 'target-queue', (a) => { a.Parameters.AgentId = '$.Attributes.agentArn'; }, /^only one of QueueId, AgentId may be given$/],
    ['a callback to a queue and an agent', 'CONTACT_FLOW', 'callback', (a) => { a.Parameters.AgentId = '$.Attributes.agentArn'; }, /^only one of QueueId, AgentId may be given$/],
    ['a prompt given twice', 'CONTACT_FLOW', 'say', (a) => { a.Parameters.SSML = '<speak>Hello</speak>'; }, /^only one of Text, SSML may be given$/],
    // participant-actions-messageparticipantiteratively (Loop prompts).
    ['a prompt loop interrupted by something else', 'CUSTOMER_QUEUE', 'loop', (a) => { a.Transitions.Conditions[0].Condition.Operands = ['Timeout']; },
      /^a MessageParticipantIteratively condition takes one operand, "MessagesInterrupted", got \["Timeout"\]$/],
    ['a prompt loop condition that is not Equals', 'CUSTOMER_QUEUE', 'loop', (a) => { a.Transitions.Conditions[0].Condition.Operator = 'TextContains'; },
      /^MessageParticipantIteratively conditions use only the Equals operator/],
    ['a prompt loop without messages', 'CUSTOMER_QUEUE', 'loop', (a) => { a.Parameters.Messages = []; }, /^Messages must be a non-empty list$/],
    ['a prompt loop message with two prompts', 'CUSTOMER_QUEUE', 'loop', (a) => { a.Parameters.Messages[0].SSML = '<speak>Hold.</speak>'; },
      /^Messages\[0\] must hold exactly one of PromptId, Text, SSML, Media$/],
    ['a prompt loop message with text around a prompt path', 'CUSTOMER_QUEUE', 'loop', (a) => { a.Parameters.Messages[1].PromptId = 'prompt/$.Attributes.p'; },
      /^Messages\[1\].PromptId must be static or a single JSONPath reference/],
    ['a prompt loop that is never interrupted', 'CUSTOMER_QUEUE', 'loop', (a) => { a.Parameters.InterruptFrequencySeconds = '0'; },
      /^InterruptFrequencySeconds must be a whole number of seconds above 0, got "0"$/],
    ['a prompt loop with a no-match branch', 'CUSTOMER_QUEUE', 'loop', (a) => { a.Transitions.Errors.push(...to('NoMatchingCondition')); },
      /^MessageParticipantIteratively has no error "NoMatchingCondition"$/],
    // flow-control-actions-getmetricdata.
    ['queue metrics for an unknown channel', 'CONTACT_FLOW', 'metrics', (a) => { a.Parameters.QueueChannel = 'Email'; }, /^QueueChannel must be "Voice" or "Chat", got "Email"$/],
    ['queue metrics for a queue and an agent', 'AGENT_WHISPER', 'metrics', (a) => { a.Parameters.AgentId = '$.Attributes.agentArn'; }, /^only one of QueueId, AgentId may be given$/],
    ['queue metrics with conditions', 'CUSTOMER_QUEUE', 'metrics', (a) => { a.Transitions.Conditions = when('1'); }, /^GetMetricData does not support conditions$/],
    // contact-actions-updatecontacttexttospeechvoice.
    ['an unknown speech engine', 'CONTACT_FLOW', 'voice', (a) => { a.Parameters.TextToSpeechEngine = 'neural'; },
      /^TextToSpeechEngine must be one of "Standard", "Neural", "Generative", got "neural"$/],
    ['an unknown speaking style', 'OUTBOUND_WHISPER', 'voice', (a) => { a.Parameters.TextToSpeechStyle = 'Coversational'; },
      /^TextToSpeechStyle must be one of "None", "Conversational", "Newscaster", got "Coversational"$/],
    ['a voice setting without a voice', 'CUSTOMER_QUEUE', 'voice', (a) => { delete a.Parameters.TextToSpeechVoice; },
      /^UpdateContactTextToSpeechVoice needs the parameter TextToSpeechVoice$/],
    // flow-control-actions-checkhoursofoperation.
    ['an hours check without an out-of-hours branch', 'CONTACT_FLOW', 'hours', (a) => { a.Transitions.Conditions.pop(); },
      /^CheckHoursOfOperation needs exactly one condition for Equals "False", it has 0$/],
    ['an hours check with another condition', 'CUSTOMER_QUEUE', 'hours', (a) => { a.Transitions.Conditions.push(...when('Holiday')); },
      /^a CheckHoursOfOperation condition takes one operand, "True" or "False", got \["Holiday"\]$/],
    ['an hours check with text around its path', 'QUEUE_TRANSFER', 'hours', (a) => { a.Parameters.HoursOfOperationId = 'hours/$.Attributes.hours'; },
      /^HoursOfOperationId must be static or a single JSONPath reference/],
    // contact-actions-dequeuecontactandtransfertoqueue.
    ['a queue-to-queue transfer to a queue and an agent', 'CUSTOMER_QUEUE', 'dequeue', (a) => { a.Parameters.AgentId = '$.Attributes.agentArn'; },
      /^only one of QueueId, AgentId may be given$/],
    // Prompt text: a reference directly followed by a character that may continue it (the docs are silent on where a path ends).
    ['a reference followed by a full stop', 'CONTACT_FLOW', 'say', (a) => { a.Parameters.Text = 'We will call $.External.phoneNational. Goodbye.'; },
      /^Text: the reference \$\.External\.phoneNational is directly followed by "\.", which may be read as part of it; follow it with a space or a tag$/],
    ['a reference followed by a comma', 'CONTACT_FLOW', 'menu', (a) => { a.Parameters.Text = 'You asked $.External.requestedAtSpoken, press 1.'; },
      /^Text: the reference \$\.External\.requestedAtSpoken is directly followed by ","/],
    ['a reference followed by a question mark', 'AGENT_WHISPER', 'say', (a) => { a.Parameters.Text = 'Is it $.Attributes.name?'; }, /followed by "\?"/],
    ['a bracketed reference followed by a full stop', 'CONTACT_FLOW', 'say', (a) => { a.Parameters.Text = "It is $.Attributes.['first name']."; },
      /^Text: the reference \$\.Attributes\.\['first name'\] is directly followed by "\."/],
    ['an SSML reference followed by a full stop', 'CONTACT_FLOW', 'enter-pin', (a) => { a.Parameters.SSML = '<speak>Hello $.Attributes.name. Enter your PIN.</speak>'; },
      /^SSML: the reference \$\.Attributes\.name is directly followed by "\."/],
    ['a prompt loop reference followed by a full stop', 'CUSTOMER_QUEUE', 'loop', (a) => { a.Parameters.Messages[0].Text = 'You are number $.Metrics.Contact.PositionInQueue.'; },
      /^Messages\[0\]\.Text: the reference \$\.Metrics\.Contact\.PositionInQueue is directly followed by "\."/],
    // contact-actions-updatecontactcallbacknumber: exactly two errors.
    ['a callback number with an error branch it never takes', 'CONTACT_FLOW', 'set-number', (a) => { a.Transitions.Errors.push(...to('NoMatchingError')); },
      /^UpdateContactCallbackNumber has no error "NoMatchingError"$/],
    // interactions-createcallbackcontact: no CallerId.
    ['a callback with a caller id', 'CONTACT_FLOW', 'callback', (a) => { a.Parameters.CallerId = '+442079460000'; }, /^CreateCallbackContact has no parameter CallerId$/],
  ];
  test.each(cases)('%s', (_name, flowType, kind, breakIt, message) => {
    const action = valid[kind]();
    expect(checkFlow(flowOf(flowType, action), flowType)).toEqual([]);
    breakIt(action);
    expect(checkFlow(flowOf(flowType, action), flowType)).toEqual([{ actionId: kind, message: expect.stringMatching(message) }]);
  });

  test('a queue, an agent or a prompt may be one JSONPath, and a token is a static value', () => {
    const byPath = valid['target-queue']();
    byPath.Parameters.QueueId = '$.Attributes.queueArn';
    expect(checkFlow(flowOf('CONTACT_FLOW', byPath), 'CONTACT_FLOW')).toEqual([]);
    byPath.Parameters = { AgentId: "$.Attributes.['agent arn']" };
    expect(checkFlow(flowOf('CONTACT_FLOW', byPath), 'CONTACT_FLOW')).toEqual([]);
    const byToken = valid.callback();
    byToken.Parameters.QueueId = '${Token[TOKEN.123]}';
    expect(checkFlow(flowOf('CONTACT_FLOW', byToken), 'CONTACT_FLOW')).toEqual([]);
    const prompt = valid.say();
    prompt.Parameters = { PromptId: '$.External.promptArn' };
    expect(checkFlow(flowOf('CONTACT_FLOW', prompt), 'CONTACT_FLOW')).toEqual([]);
  });

  test('an E.164 number needs no country, and a country code may come from a token', () => {
    const e164 = valid['enter-number']();
    e164.Parameters.InputValidation.PhoneNumberValidation = { NumberFormat: 'E164' };
    expect(checkFlow(flowOf('CONTACT_FLOW', e164), 'CONTACT_FLOW')).toEqual([]);
    const token = valid['enter-number']();
    token.Parameters.InputValidation.PhoneNumberValidation.CountryCode = '${Token[TOKEN.7]}';
    expect(checkFlow(flowOf('CONTACT_FLOW', token), 'CONTACT_FLOW')).toEqual([]);
  });

  // flow-language-actions: Identifier at most 50 characters, none of % : ( \ / ) = $ , ; [ ] { }, no reserved name.
  test.each([
    ['a 51-character identifier', 'x'.repeat(51), /^Identifier may have at most 50 characters, this one has 51$/],
    ...['%', ':', '(', '\\', '/', ')', '=', '$', ',', ';', '[', ']', '{', '}'].map((c): [string, string, RegExp] => [
      `an identifier with ${c}`, `say${c}hello`, /^Identifier may not contain any of % : \( \\ \/ \) = \$ , ; \[ \] \{ \}$/,
    ]),
    ...['__proto__', 'constructor', '__defineGetter__', '__defineSetter__', 'toString', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable',
      'toLocaleString', 'valueOf'].map((name): [string, string, RegExp] => [`the reserved identifier ${name}`, name, /^Identifier is a reserved name$/]),
  ])('%s', (_name, identifier, message) => {
    const action = { ...valid.say(), Identifier: 'x'.repeat(50) };
    expect(checkFlow(flowOf('CONTACT_FLOW', action), 'CONTACT_FLOW')).toEqual([]);
    expect(checkFlow(flowOf('CONTACT_FLOW', { ...action, Identifier: identifier }), 'CONTACT_FLOW')).toEqual([{ actionId: identifier, message: expect.stringMatching(message) }]);
  });

  // flow-language-example: at most 250 actions.
  test('a flow of 251 actions', () => {
    const chain = (count: number) => Array.from({ length: count }, (_, i) => ({
      Identifier: `say-${i}`,
      Type: 'MessageParticipant',
      Parameters: { Text: `Part ${i}.` },
      Transitions: { NextAction: i + 1 < count ? `say-${i + 1}` : 'end' },
    }));
    expect(checkFlow(flowOf('CONTACT_FLOW', ...chain(249)), 'CONTACT_FLOW')).toEqual([]);
    expect(checkFlow(flowOf('CONTACT_FLOW', ...chain(250)), 'CONTACT_FLOW')).toEqual([{ message: 'a flow may have at most 250 actions, this one has 251' }]);
  });

  // API_CreateContactFlow: Content at most 256,000 characters, with each token counted as 256 (more than any ARN).
  test('a flow content over 256,000 characters, tokens counted as 256 each', () => {
    const sized = (length: number, text = '') => {
      const flow: any = flowOf('CONTACT_FLOW', { ...valid.say(), Parameters: { Text: text } });
      flow.Actions[0].Parameters.Text = text + 'a'.repeat(length - JSON.stringify(flow).length);
      expect(JSON.stringify(flow)).toHaveLength(length);
      return flow;
    };
    expect(checkFlow(sized(256_000), 'CONTACT_FLOW')).toEqual([]);
    expect(checkFlow(sized(256_001), 'CONTACT_FLOW')).toEqual([{ message: expect.stringMatching(/^the flow content may be at most 256000 characters, this one has up to 256001 /) }]);
    // A 21-character token counts as 256: 235 characters more.
    const token = '${Token[TOKEN.12345]}';
    const more = 256 - token.length;
    expect(checkFlow(sized(256_000 - more, token), 'CONTACT_FLOW')).toEqual([]);
    expect(checkFlow(sized(256_001 - more, token), 'CONTACT_FLOW')).toEqual([
      { message: 'the flow content may be at most 256000 characters, this one has up to 256001 (each token counted as 256)' },
    ]);
  });

  // Each action in a flow type its page does not allow.
  test.each([
    ['loop', 'CONTACT_FLOW', 'MessageParticipantIteratively'],
    ['loop', 'AGENT_WHISPER', 'MessageParticipantIteratively'],
    ['hours', 'AGENT_WHISPER', 'CheckHoursOfOperation'],
    ['dequeue', 'CONTACT_FLOW', 'DequeueContactAndTransferToQueue'],
    ['dequeue', 'QUEUE_TRANSFER', 'DequeueContactAndTransferToQueue'],
  ] as Array<[string, FlowType, string]>)('%s in a %s flow', (kind, flowType, type) => {
    expect(checkFlow(flowOf(flowType, valid[kind]()), flowType)).toEqual([{ actionId: kind, message: `${type} is not allowed in a ${flowType} flow` }]);
  });

  test('a hold flow may be one prompt loop with no transitions, as the console exports its default hold flows', () => {
    const loop = { ...valid.loop(), Parameters: { Messages: [{ Text: 'Please hold.' }] }, Transitions: {} };
    const hold = { Version: '2019-10-30', StartAction: 'loop', Actions: [loop] };
    expect(checkFlow(hold, 'CUSTOMER_HOLD')).toEqual([]);
    expect(checkFlow(hold, 'AGENT_HOLD')).toEqual([]);
  });

  test('a voice may be set without an error branch, as the console exports it, and dynamically', () => {
    const voice = { ...valid.voice(), Parameters: { TextToSpeechVoice: '$.Attributes.voice', TextToSpeechEngine: '$.Attributes.engine' }, Transitions: { NextAction: 'end' } };
    expect(checkFlow(flowOf('CUSTOMER_QUEUE', voice), 'CUSTOMER_QUEUE')).toEqual([]);
  });

  test('a reference in prompt text may end the text or be followed by a space or a tag; a token or a price is no reference', () => {
    for (const Text of ['Your code is $.External.code', 'Call $.External.phoneNational now.', 'Call $.External.phoneNational\nnow.', 'It costs $5.', 'ARN ${Token[TOKEN.1]}.']) {
      expect(checkFlow(flowOf('CONTACT_FLOW', { ...valid.say(), Parameters: { Text } }), 'CONTACT_FLOW')).toEqual([]);
    }
    const SSML = '<speak>You entered <say-as interpret-as="telephone">$.StoredCustomerInput</say-as>. Press 1.</speak>';
    expect(checkFlow(flowOf('CONTACT_FLOW', { ...valid.say(), Parameters: { SSML } }), 'CONTACT_FLOW')).toEqual([]);
  });

  test('a callback may name the flow it runs (ContactFlowId)', () => {
    const action = valid.callback();
    action.Parameters.ContactFlowId = FLOW_ARN;
    expect(checkFlow(flowOf('CONTACT_FLOW', action), 'CONTACT_FLOW')).toEqual([]);
  });

  // participant-actions-disconnectparticipant (current page): contact, transfer and customer queue flows only.
  test.each(['CUSTOMER_HOLD', 'AGENT_HOLD', 'AGENT_WHISPER'] as FlowType[])('a hang-up in a %s flow', (flowType) => {
    const flow = { Version: '2019-10-30', StartAction: 'end', Actions: [{ Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} }] };
    expect(checkFlow(flow, flowType)).toEqual([{ actionId: 'end', message: `DisconnectParticipant is not allowed in a ${flowType} flow` }]);
    expect(checkFlow(flow, 'CUSTOMER_QUEUE')).toEqual([]);
  });
});

describe('customer queue flows: a loop only through a Loop prompts block\'s interruption, and the caller hears nothing before one', () => {
  const hold = (interrupted: string, extra: Record<string, unknown> = {}) => ({
    Identifier: 'hold',
    Type: 'MessageParticipantIteratively',
    Parameters: { Messages: [{ Text: 'Please hold.' }], InterruptFrequencySeconds: '30' },
    Transitions: { NextAction: 'end', Conditions: [{ NextAction: interrupted, Condition: { Operator: 'Equals', Operands: ['MessagesInterrupted'] } }], Errors: [{ NextAction: 'end', ErrorType: 'NoMatchingError' }] },
    ...extra,
  });
  const offer = (pressed: string, otherwise: string) => ({
    Identifier: 'offer',
    Type: 'GetParticipantInput',
    Parameters: { Text: 'Press 1 for a callback.', InputTimeLimitSeconds: '5' },
    Transitions: {
      NextAction: otherwise,
      Conditions: [{ NextAction: pressed, Condition: { Operator: 'Equals', Operands: ['1'] } }],
      Errors: ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError'].map((ErrorType) => ({ NextAction: otherwise, ErrorType })),
    },
  });
  const end = { Identifier: 'end', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} };
  const queueFlow = (...actions: any[]) => ({ Version: '2019-10-30', StartAction: actions[0].Identifier, Actions: [...actions, end] });

  test('hold messages, an offer, and back to the hold messages: a loop that waits in the interruption is what the flow is for', () => {
    expect(checkFlow(queueFlow(hold('offer'), offer('end', 'hold')), 'CUSTOMER_QUEUE')).toEqual([]);
  });

  test('the same loop is refused in a flow of another type', () => {
    const findings = checkFlow(queueFlow(hold('offer'), offer('end', 'hold')), 'CUSTOMER_HOLD');
    expect(findings).toEqual(expect.arrayContaining([{ actionId: 'hold', message: expect.stringMatching(/^is on a loop \(hold > offer > hold\): every retry must be unrolled/) }]));
  });

  test('a loop that does not pass the interruption is refused: through the error branch, without an interruption period, or around a menu', () => {
    const viaError = hold('offer', {});
    viaError.Transitions.Errors = [{ NextAction: 'offer', ErrorType: 'NoMatchingError' }];
    viaError.Transitions.Conditions = [{ NextAction: 'end', Condition: { Operator: 'Equals', Operands: ['MessagesInterrupted'] } }];
    expect(checkFlow(queueFlow(viaError, offer('end', 'hold')), 'CUSTOMER_QUEUE'))
      .toEqual([{ actionId: 'hold', message: expect.stringMatching(/^is on a loop \(hold > offer > hold\) that never waits in a Loop prompts block's interruption period/) }]);
    const never = hold('offer');
    delete (never.Parameters as any).InterruptFrequencySeconds;
    expect(checkFlow(queueFlow(never, offer('end', 'hold')), 'CUSTOMER_QUEUE').map((f) => f.message))
      .toEqual([expect.stringMatching(/^is on a loop \(hold > offer > hold\) that never waits/)]);
    const menu = offer('again', 'end');
    const again = { ...offer('end', 'offer'), Identifier: 'again' };
    expect(checkFlow(queueFlow(hold('offer'), menu, again), 'CUSTOMER_QUEUE').map((f) => f.message))
      .toEqual([expect.stringMatching(/^is on a loop \(again > offer > again\) that never waits/)]);
  });

  test('what the caller hears or does comes after a Loop prompts block, and the interruption period is more than 20 seconds', () => {
    expect(checkFlow(queueFlow(offer('hold', 'hold'), hold('end')), 'CUSTOMER_QUEUE'))
      .toEqual([{ actionId: 'offer', message: 'GetParticipantInput may not run before a Loop prompts block (MessageParticipantIteratively) in a customer queue flow' }]);
    const quick = hold('offer');
    quick.Parameters.InterruptFrequencySeconds = '20';
    expect(checkFlow(queueFlow(quick, offer('end', 'end')), 'CUSTOMER_QUEUE'))
      .toEqual([{ actionId: 'hold', message: expect.stringMatching(/^InterruptFrequencySeconds must be more than 20 in a customer queue flow/) }]);
    quick.Parameters.InterruptFrequencySeconds = '21';
    expect(checkFlow(queueFlow(quick, offer('end', 'end')), 'CUSTOMER_QUEUE')).toEqual([]);
  });

  test('the queue transfer actions are refused in a customer queue flow', () => {
    const transfer = { Identifier: 'transfer', Type: 'TransferContactToQueue', Parameters: {}, Transitions: { NextAction: 'end', Errors: [{ NextAction: 'end', ErrorType: 'NoMatchingError' }] } };
    const target = { Identifier: 'target', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: QUEUE_ARN }, Transitions: { NextAction: 'transfer', Errors: [{ NextAction: 'end', ErrorType: 'NoMatchingError' }] } };
    expect(checkFlow(queueFlow(hold('target'), target, transfer), 'CUSTOMER_QUEUE')).toEqual([
      { actionId: 'target', message: 'UpdateContactTargetQueue is not allowed in a CUSTOMER_QUEUE flow' },
      { actionId: 'transfer', message: 'TransferContactToQueue is not allowed in a CUSTOMER_QUEUE flow' },
    ]);
  });
});

describe('references to a handler\'s reply and to the stored input, checked against the paths that reach them', () => {
  const WRITE = VALUES['Function:write-callback'];
  const UPDATE = VALUES['Function:update-callback'];
  const replies = new Map(([[WRITE, 'write-callback'], [UPDATE, 'update-callback']] as const).map(([arn, handler]) => [arn, {
    handler,
    replies: HANDLER_REPLIES[handler],
    optionalReplies: HANDLER_OPTIONAL_REPLIES[handler],
    byTransition: HANDLER_REPLIES_BY_TRANSITION[handler],
  }]));

  test('a key a reply may leave empty may be passed on to a function, but not read out', () => {
    const flow = filled('set-callback');
    expect(byIdOf(flow, 'cancel-callback').Parameters.LambdaInvocationAttributes.callbackContactId).toBe('$.External.callbackContactId');
    byIdOf(flow, 'say-callback-kept').Parameters.Text = 'Your callback $.External.callbackContactId stays booked.';
    expect(checkFlow(flow, 'CONTACT_FLOW', { lambdaReplies: replies })).toEqual([{
      actionId: 'say-callback-kept',
      message: expect.stringMatching(/^Text: \$\.External\.callbackContactId is not filled on every path here/),
    }]);
  });

  test.each(Object.keys(FLOW_TEMPLATES) as FlowTemplateName[])('%s reads only what its handlers fill on every path', (name) => {
    expect(checkFlow(filled(name), FLOW_TEMPLATES[name], { lambdaReplies: replies })).toEqual([]);
  });

  test('a confirmation read on a path where the write failed, and a stored input read before anything was stored, are findings', () => {
    const flow = filled('set-callback');
    byIdOf(flow, 'say-booking-failed').Parameters.Text = 'We could not book $.External.phoneNational today.';
    byIdOf(flow, 'choose-number').Parameters.Text = 'You typed $.StoredCustomerInput before.';
    expect(checkFlow(flow, 'CONTACT_FLOW', { lambdaReplies: replies })).toEqual([
      { actionId: 'choose-number', message: 'Text: $.StoredCustomerInput is read where no customer input is stored on some path to it' },
      // The undo path's update-callback and the write's own ERROR both reach it.
      { actionId: 'say-booking-failed', message: expect.stringMatching(/^Text: \$\.External\.phoneNational is not filled on every path here \(the last invocation before it may be: a failed or timed-out invocation, update-callback RELEASE APPLIED, .*write-callback ERROR\)$/) },
    ]);
  });

  test('a Compare on the result narrows what is known: the cancel reads the record id of an EXISTS only', () => {
    const flow = filled('set-callback');
    byIdOf(flow, 'check-caller-booking').Transitions.Conditions[1].NextAction = 'offer-cancel';
    expect(checkFlow(flow, 'CONTACT_FLOW', { lambdaReplies: replies })).toEqual([]);
    // Reaching the cancel from the INVALID_NUMBER branch instead: no record id there.
    byIdOf(flow, 'check-caller-booking').Transitions.Conditions[2].NextAction = 'offer-cancel';
    const findings = checkFlow(flow, 'CONTACT_FLOW', { lambdaReplies: replies });
    expect(findings.map((f) => f.actionId)).toEqual(expect.arrayContaining(['offer-cancel', 'cancel-callback']));
    expect(findings.find((f) => f.actionId === 'cancel-callback')!.message).toMatch(/^LambdaInvocationAttributes\.recordId: \$\.External\.recordId is not filled/);
  });

  test('after a function whose replies are unknown, nothing is checked', () => {
    const flow = filled('set-callback');
    byIdOf(flow, 'book-caller-number').Parameters.LambdaFunctionARN = 'arn:aws:lambda:eu-west-2:123456789012:function:someone-else';
    byIdOf(flow, 'say-booking-failed').Parameters.Text = 'We could not book $.External.phoneNational today.';
    expect(checkFlow(flow, 'CONTACT_FLOW', { lambdaReplies: replies })).toEqual([]);
    // With that function known again, the same flow has its finding.
    byIdOf(flow, 'book-caller-number').Parameters.LambdaFunctionARN = WRITE;
    expect(checkFlow(flow, 'CONTACT_FLOW', { lambdaReplies: replies }).map((f) => f.actionId)).toEqual(['say-booking-failed']);
  });
});
