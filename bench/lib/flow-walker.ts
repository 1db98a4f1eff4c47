/**
 * Walks an Amazon Connect flow (flow language JSON, as in flows/) for one contact, as Connect would:
 * key presses come from a script, and every InvokeLambdaFunction block calls a function supplied by the
 * caller (here: the real handler bundles), whose reply becomes $.External. Counts the invocations.
 * Only the action types the shipped flows use are understood; any other stops the walk with an error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './handlers';

export interface FlowAction {
  readonly Identifier: string;
  readonly Type: string;
  readonly Parameters?: Record<string, any>;
  readonly Transitions: {
    readonly NextAction?: string;
    readonly Conditions?: Array<{ NextAction: string; Condition: { Operator: string; Operands: string[] } }>;
    readonly Errors?: Array<{ NextAction: string; ErrorType: string }>;
  };
}

export interface Flow {
  readonly StartAction: string;
  readonly Actions: FlowAction[];
}

export type FlowName = 'set-callback' | 'agent-whisper' | 'outbound-whisper';

export function loadFlow(name: FlowName): Flow {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'flows', `${name}.json`), 'utf8')) as Flow;
}

/** The contact as the flow sees it; attributes and callbacks created are written back into it. */
export interface Contact {
  readonly contactId: string;
  readonly callerNumber: string;
  readonly initiationMethod: 'INBOUND' | 'CALLBACK';
  readonly attributes: Record<string, string>;
  readonly previousContactId?: string;
}

export interface LambdaCall {
  /** The function's name, from the `${Function:<name>}` placeholder of the block. */
  readonly functionName: string;
  readonly parameters: Record<string, string>;
  readonly contact: Contact;
}

export interface Walk {
  readonly lambdaCalls: LambdaCall[];
  readonly path: string[];
  /** Contact ids of callbacks the flow created (CreateCallbackContact). */
  readonly callbacksCreated: string[];
  readonly last: string;
}

export interface WalkScript {
  readonly keys?: readonly string[];
  readonly invoke: (call: LambdaCall) => Promise<Record<string, string>>;
  readonly newContactId: () => string;
}

const MAX_STEPS = 200;

export async function walkFlow(flow: Flow, contact: Contact, script: WalkScript): Promise<Walk> {
  const keys = [...(script.keys ?? [])];
  const byId = new Map(flow.Actions.map((action) => [action.Identifier, action]));
  const lambdaCalls: LambdaCall[] = [];
  const walkPath: string[] = [];
  const callbacksCreated: string[] = [];
  let external: Record<string, string> = {};
  let storedInput: string | undefined;

  const resolve = (value: unknown): string => {
    const text = String(value ?? '');
    if (text === '$.StoredCustomerInput') return storedInput ?? '';
    if (text.startsWith('$.External.')) return external[text.slice('$.External.'.length)] ?? '';
    if (text.startsWith('$.Attributes.')) return contact.attributes[text.slice('$.Attributes.'.length)] ?? '';
    // System attributes the flows compare (connect-attrib-list.html: $.InitiationMethod, $.ContactId, $.CustomerEndpoint.Address).
    if (text === '$.InitiationMethod') return contact.initiationMethod;
    if (text === '$.ContactId') return contact.contactId;
    if (text === '$.CustomerEndpoint.Address') return contact.callerNumber;
    // Queue metrics (after a Get queue metrics block): the walk's queue is idle, and "If there is no current activity in
    // your contact center, null values are returned for these attributes" (connect-attrib-list.html, Queue attributes).
    if (text.startsWith('$.Metrics.')) return '';
    if (text.startsWith('$.')) throw new Error(`the walker cannot resolve ${text}`);
    return text;
  };
  const onError = (action: FlowAction, errorType: string): string | undefined => {
    const errors = action.Transitions.Errors ?? [];
    return (errors.find((error) => error.ErrorType === errorType) ?? errors.find((error) => error.ErrorType === 'NoMatchingError'))?.NextAction;
  };
  const branch = (action: FlowAction, value: string | undefined): string | undefined => {
    const match = (action.Transitions.Conditions ?? []).find((condition) =>
      condition.Condition.Operator === 'Equals' && condition.Condition.Operands[0] === value);
    return match ? match.NextAction : onError(action, 'NoMatchingCondition');
  };

  let id: string | undefined = flow.StartAction;
  for (let steps = 0; id !== undefined; steps++) {
    if (steps > MAX_STEPS) throw new Error(`no end after ${MAX_STEPS} steps: ${walkPath.join(' > ')}`);
    const action = byId.get(id);
    if (!action) throw new Error(`transition to a missing action ${id}`);
    walkPath.push(id);
    const parameters = action.Parameters ?? {};
    switch (action.Type) {
      case 'InvokeLambdaFunction': {
        const placeholder = /^\$\{Function:([a-z0-9-]+)\}$/.exec(String(parameters.LambdaFunctionARN));
        if (!placeholder) throw new Error(`${id}: LambdaFunctionARN is not a \${Function:<name>} placeholder`);
        const invocationParameters = Object.fromEntries(Object.entries(parameters.LambdaInvocationAttributes ?? {})
          .map(([key, value]) => [key, resolve(value)]));
        const call = { functionName: placeholder[1], parameters: invocationParameters, contact };
        lambdaCalls.push(call);
        try {
          external = await script.invoke(call);
          id = action.Transitions.NextAction;
        } catch {
          id = onError(action, 'NoMatchingError');
        }
        break;
      }
      case 'Compare':
        id = branch(action, resolve(parameters.ComparisonValue));
        break;
      case 'GetParticipantInput': {
        const key = keys.shift();
        if (parameters.StoreInput === 'True') {
          storedInput = key;
          id = key === undefined ? onError(action, 'NoMatchingError') : action.Transitions.NextAction;
        } else {
          id = key === undefined ? onError(action, 'InputTimeLimitExceeded') : branch(action, key);
        }
        break;
      }
      case 'UpdateContactAttributes':
        for (const [name, value] of Object.entries(parameters.Attributes ?? {})) contact.attributes[name] = resolve(value);
        id = action.Transitions.NextAction;
        break;
      case 'CreateCallbackContact':
        callbacksCreated.push(script.newContactId());
        id = action.Transitions.NextAction;
        break;
      // Queue metrics: none returned, so the set-callback flow's wait check (when a threshold is set) offers the callback.
      case 'GetMetricData':
      case 'UpdateContactTargetQueue':
      case 'UpdateContactCallbackNumber':
      case 'UpdateContactEventHooks':
      case 'MessageParticipant':
      case 'TransferContactToQueue':
        id = action.Transitions.NextAction;
        break;
      case 'DisconnectParticipant':
      case 'EndFlowExecution':
        id = undefined;
        break;
      default:
        throw new Error(`${id}: the walker does not know the action type ${action.Type}`);
    }
  }
  return { lambdaCalls, path: walkPath, callbacksCreated, last: walkPath[walkPath.length - 1] };
}
