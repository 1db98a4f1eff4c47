import { INSTANCE_ARN, QUEUE_ARN } from './fixtures';
import { FLOW_TEMPLATES, FlowTemplateName, fillPlaceholders, loadFlowTemplate } from '../../src/flow-templates';
import { checkFlow, forceZeroRetries } from '../../src/flows/flow-checker';

const FUNCTIONS = ['write-callback', 'update-callback'];
const VALUES: Record<string, string> = {
  'QueueArn': QUEUE_ARN,
  'DefaultCountry': 'US',
  'Flow:agent-whisper': `${INSTANCE_ARN}/contact-flow/agent-whisper-id`,
  'Flow:transferred-caller-whisper': `${INSTANCE_ARN}/contact-flow/transferred-caller-whisper-id`,
  ...Object.fromEntries(FUNCTIONS.map((name) => [`Function:${name}`, `arn:aws:lambda:eu-west-2:123456789012:function:${name}`])),
};

function filled(name: FlowTemplateName): any {
  return fillPlaceholders(loadFlowTemplate(name), VALUES, name);
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

  test('cancel: 1 call to find it, 1 to cancel it, then the caller is disconnected, never queued', () => {
    const call = walk(setCallback, { keys: ['1', '1'], replies: [exists, { result: 'APPLIED', status: 'CANCELLED' }] });
    expect(call.lambdaCalls).toBe(2);
    expect(call.invoked[1]).toEqual({ recordId: '$.External.recordId', transition: 'CANCEL' });
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
    const order = ['undo-booking', 'forget-callback-record', 'hand-agent-whisper-back', 'say-booking-failed', 'transfer-to-queue'];
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
    // "1" is the console's default of one retry: the customer would be dialled twice.
    flow.Actions.find((a: any) => a.Type === 'CreateCallbackContact').Parameters.MaximumConnectionAttempts = '1';
    expect(checkFlow(flow, 'CONTACT_FLOW')).toEqual([{ actionId: 'create-callback', message: expect.stringMatching(/must not be retried.*"0".*got "1"/) }]);
    forceZeroRetries(flow);
    expect(checkFlow(flow, 'CONTACT_FLOW')).toEqual([]);
  });

  test('a flow that is not flow language at all is reported as a whole', () => {
    expect(checkFlow({ Version: '2020-01-01', Actions: [] }, 'CONTACT_FLOW').map((f) => f.message)).toEqual([
      expect.stringMatching(/Version/),
      expect.stringMatching(/Actions must be a non-empty list/),
    ]);
  });
});
