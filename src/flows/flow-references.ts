/**
 * Which values a flow action may rely on, from the flow's graph: the reply keys of the last Lambda invocation
 * (`$.External.<key>`) and the stored customer input (`$.StoredCustomerInput`). A reference to either reads what the
 * flow set before (adminguide/how-to-reference-attributes.html: "$.External.AttributeKey" is the last Lambda
 * function's result; "Stored customer input" is what the last Store customer input block stored), so it is only
 * meaningful where every path from the start sets it. A prompt that reads out a key its handler does not fill on some
 * path says nothing (or worse, half a sentence) there.
 *
 * The analysis is a forward data flow over the graph: each action holds the set of (handler, result) pairs the last
 * invocation may have answered on the way to it, and whether input was stored on every way to it. An invocation of a
 * handler in the reply tables may answer any of its results; a Compare on `$.External.result` narrows them by its
 * Equals conditions; an invocation's error branch (its time limit passed, or it failed) leaves no reply to rely on. An
 * invocation of a function the tables do not know is not checked after it.
 */
import { type ReplyKeysByResult } from '../handler-replies';
import { isObject, list } from './flow-values';

/** A handler's reply table, by the LambdaFunctionARN value the flow invokes it with (a token in the construct). */
export type LambdaReplyTables = ReadonlyMap<string, {
  readonly handler: string;
  readonly replies: ReplyKeysByResult;
  /** Keys the reply carries but may leave empty: a function may be given them, a prompt may not read them out. */
  readonly optionalReplies?: ReplyKeysByResult;
  /** Rows that differ for one value of the invocation's `transition` attribute. */
  readonly byTransition?: Readonly<Record<string, ReplyKeysByResult>>;
}>;

/** A reference an action makes to a value that is not set on every path to it. */
export interface UnsetReference {
  readonly actionId: string;
  /** The parameter holding it, e.g. `Text`, `Messages[0].SSML`, `LambdaInvocationAttributes.recordId`. */
  readonly parameter: string;
  readonly reference: string;
  /** Why it may be unset, e.g. which results of which handler reach the action. */
  readonly reason: string;
  readonly message: string;
}

/** What the last invocation may have answered: `handler|result`, or one of the markers below. */
const NOTHING = 'nothing';
const FAILED = 'failed';
const UNKNOWN = 'unknown';

interface FlowState {
  readonly origins: ReadonlySet<string>;
  readonly stored: boolean;
}

const EXTERNAL = /\$\.External\.([A-Za-z0-9_-]+)/g;
const STORED_INPUT = /\$\.StoredCustomerInput/g;

/** Every string in a parameter value, with its path. */
function stringsOf(value: unknown, path: string): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsOf(item, `${path}[${index}]`));
  if (isObject(value)) return Object.entries(value).flatMap(([key, item]) => stringsOf(item, path === '' ? key : `${path}.${key}`));
  return [];
}

/** The edges leaving an action, each with the state it carries. */
function edgesOf(action: Record<string, unknown>, state: FlowState, tables: LambdaReplyTables): Array<[string, FlowState]> {
  const transitions = isObject(action.Transitions) ? action.Transitions : {};
  const parameters = isObject(action.Parameters) ? action.Parameters : {};
  const next = typeof transitions.NextAction === 'string' ? transitions.NextAction : undefined;
  const conditions = list(transitions.Conditions).filter(isObject);
  const errors = list(transitions.Errors).filter(isObject);
  const edges: Array<[string, FlowState]> = [];
  const add = (target: unknown, carried: FlowState) => {
    if (typeof target === 'string') edges.push([target, carried]);
  };

  if (action.Type === 'InvokeLambdaFunction') {
    const table = tables.get(String(parameters.LambdaFunctionARN));
    const attributes = isObject(parameters.LambdaInvocationAttributes) ? parameters.LambdaInvocationAttributes : {};
    // The transition asked for can narrow what a result fills (a static value: a dynamic one is not known here).
    const asked = typeof attributes.transition === 'string' && !attributes.transition.includes('$.') ? `/${attributes.transition}` : '';
    const answered = table ? Object.keys(table.replies).map((result) => `${table.handler}${asked}|${result}`) : [UNKNOWN];
    add(next, { ...state, origins: new Set(answered) });
    for (const error of errors) add(error.NextAction, { ...state, origins: new Set([FAILED]) });
    return edges;
  }
  if (action.Type === 'Compare' && parameters.ComparisonValue === '$.External.result') {
    const matched = new Set<string>();
    for (const branch of conditions) {
      const condition = isObject(branch.Condition) ? branch.Condition : {};
      const operand = list(condition.Operands)[0];
      if (condition.Operator !== 'Equals' || typeof operand !== 'string') {
        add(branch.NextAction, state);
        continue;
      }
      matched.add(operand);
      const kept = [...state.origins].filter((origin) => resultOf(origin) === undefined || resultOf(origin) === operand);
      add(branch.NextAction, { ...state, origins: new Set(kept) });
    }
    const unmatched: FlowState = { ...state, origins: new Set([...state.origins].filter((origin) => !matched.has(resultOf(origin) ?? ''))) };
    add(next, unmatched);
    for (const error of errors) add(error.NextAction, unmatched);
    return edges;
  }
  if (action.Type === 'GetParticipantInput' && parameters.StoreInput === 'True') {
    // Only the success branch stores the input; an invalid number or an error leaves what was stored before.
    add(next, { ...state, stored: true });
    for (const error of errors) add(error.NextAction, state);
    return edges;
  }
  add(next, state);
  for (const branch of [...conditions, ...errors]) add(branch.NextAction, state);
  return edges;
}

function resultOf(origin: string): string | undefined {
  const bar = origin.indexOf('|');
  return bar < 0 ? undefined : origin.slice(bar + 1);
}

/** The state at every action reachable from the start, at the fixed point of the data flow. */
export function flowStates(flow: unknown, tables: LambdaReplyTables): Map<string, FlowState> {
  const states = new Map<string, FlowState>();
  if (!isObject(flow) || typeof flow.StartAction !== 'string') return states;
  const actions = new Map<string, Record<string, unknown>>();
  for (const action of list(flow.Actions)) {
    if (isObject(action) && typeof action.Identifier === 'string') actions.set(action.Identifier, action);
  }
  const pending: string[] = [];
  const join = (id: string, incoming: FlowState) => {
    if (!actions.has(id)) return;
    const current = states.get(id);
    const merged: FlowState = current
      ? { origins: new Set([...current.origins, ...incoming.origins]), stored: current.stored && incoming.stored }
      : incoming;
    if (current && merged.origins.size === current.origins.size && merged.stored === current.stored) return;
    states.set(id, merged);
    pending.push(id);
  };
  join(flow.StartAction, { origins: new Set([NOTHING]), stored: false });
  // Each state only grows (more origins, stored from true to false), so the loop ends, loops of the graph included.
  while (pending.length > 0) {
    const id = pending.pop()!;
    for (const [target, state] of edgesOf(actions.get(id)!, states.get(id)!, tables)) join(target, state);
  }
  return states;
}

/**
 * The reply keys filled on every way to an action (with `carried`, also those carried but possibly empty), or undefined
 * when a function of unknown replies was invoked.
 */
function filledKeys(state: FlowState, tables: LambdaReplyTables, carried = false): ReadonlySet<string> | undefined {
  if (state.origins.has(UNKNOWN)) return undefined;
  let keys: Set<string> | undefined;
  for (const origin of state.origins) {
    const [invoked, result] = origin.split('|');
    const [handler, transition] = invoked.split('/');
    const table = [...tables.values()].find((candidate) => candidate.handler === handler);
    const rows = (transition === undefined ? undefined : table?.byTransition?.[transition]) ?? {};
    const optional = carried && result !== undefined ? table?.optionalReplies?.[result] ?? [] : [];
    const filled = result === undefined ? [] : rows[result] ?? table?.replies[result] ?? [];
    const of = new Set<string>(result === undefined ? [] : ['result', ...filled, ...optional]);
    keys = keys === undefined ? of : new Set([...keys].filter((key) => of.has(key)));
  }
  return keys ?? new Set();
}

function describeOrigins(state: FlowState): string {
  const results = [...state.origins].map((origin) => (origin === NOTHING ? 'no invocation yet'
    : origin === FAILED ? 'a failed or timed-out invocation' : origin.replace('/', ' ').replace('|', ' ')));
  return results.sort().join(', ');
}

/** Every reference to a reply key or to the stored input that some path to its action does not set. */
export function unsetReferences(flow: unknown, tables: LambdaReplyTables): UnsetReference[] {
  const found: UnsetReference[] = [];
  const states = flowStates(flow, tables);
  for (const action of isObject(flow) ? list(flow.Actions) : []) {
    if (!isObject(action) || typeof action.Identifier !== 'string') continue;
    const state = states.get(action.Identifier);
    if (!state) continue;
    const keys = filledKeys(state, tables);
    const passedOn = filledKeys(state, tables, true);
    for (const [parameter, text] of stringsOf(action.Parameters, '')) {
      // A function given a key may be given an empty one, and a Compare may compare one: an empty value equals none of
      // its operands, and Compare takes "NoMatchingCondition - if no other Condition matches"
      // (APIReference/flow-control-actions-compare.html). What is spoken may not be empty.
      const mayBeEmpty = parameter.startsWith('LambdaInvocationAttributes.') || (action.Type === 'Compare' && parameter === 'ComparisonValue');
      const known = mayBeEmpty ? passedOn : keys;
      if (known !== undefined) {
        for (const match of text.matchAll(EXTERNAL)) {
          if (known.has(match[1])) continue;
          const reason = `the last invocation before it may be: ${describeOrigins(state)}`;
          found.push({ actionId: action.Identifier, parameter, reference: match[0], reason, message: `${parameter}: ${match[0]} is not filled on every path here (${reason})` });
        }
      }
      if (!state.stored) {
        for (const match of text.matchAll(STORED_INPUT)) {
          const reason = 'no customer input is stored on some path to it';
          found.push({ actionId: action.Identifier, parameter, reference: match[0], reason, message: `${parameter}: ${match[0]} is read where ${reason}` });
        }
      }
    }
  }
  return found;
}
