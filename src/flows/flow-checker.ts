/**
 * A static checker for Amazon Connect flow language (Version 2019-10-30), run by the construct on the very
 * content it synthesizes. cfn-lint validates the CfnContactFlow resource but never looks inside `Content`,
 * and Connect only rejects a bad flow at deploy time, with a terse message; this finds the defect at synth
 * and names the action.
 *
 * What each action may hold is in the action table (action-specs.ts, one entry per page of the Flow language
 * reference); this module applies it to every action, and checks the flow as a whole: its limits, its graph
 * (reachability, no loops) and this library's own rules. An action type the table does not list is reported.
 */

import { ACTION_SPECS, ActionSpec, CUSTOMER_FIRST_CREATE_CALLBACK_CONTACT, FlowType, MAX_LAMBDA_SECONDS, ZERO_RETRIES, specOfType } from './action-specs';
import { type LambdaReplyTables, unsetReferences } from './flow-references';
import { TOKEN, checkOneOf, checkPromptReferences, formProblem, integerIn, isObject, list } from './flow-values';

export { ACTION_SPECS, MAX_LAMBDA_SECONDS, ZERO_RETRIES };
export type { FlowType };

/** One defect; `actionId` is absent for defects of the flow as a whole. */
export interface FlowFinding {
  readonly actionId?: string;
  readonly message: string;
}

/**
 * Identifier (https://docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html): unique, "up to 50
 * characters", any characters except "(% : ( \ / ) = $ , ; [ ] { })", and not one of the reserved strings.
 */
const MAX_IDENTIFIER_CHARACTERS = 50;
const IDENTIFIER_FORBIDDEN = /[%:()\\/=$,;[\]{}]/;
const RESERVED_IDENTIFIERS = [
  '__proto__', 'constructor', '__defineGetter__', '__defineSetter__', 'toString', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString',
  'valueOf',
];
/** "A single Flow may have no more than 250 Actions defined" (https://docs.aws.amazon.com/connect/latest/APIReference/flow-language-example.html). */
const MAX_ACTIONS = 250;
/**
 * CreateContactFlow's Content: "Maximum length of 256000" (https://docs.aws.amazon.com/connect/latest/APIReference/
 * API_CreateContactFlow.html; AWS::Connect::ContactFlow Content, the same). The construct checks the flow with CDK
 * tokens in place of ARNs: a token ("${Token[TOKEN.123]}", about 20 characters) may stand for a longer ARN (a Lambda
 * function or contact flow ARN is at most about 200 characters), so each token counts as TOKEN_CHARACTERS, more
 * than any ARN it stands for, and the measure is an upper bound of the deployed length. The content is measured as
 * JSON.stringify writes it (the construct serializes the same object); its length counts UTF-16 code units, which is
 * never fewer than the characters.
 */
const MAX_CONTENT_CHARACTERS = 256_000;
const TOKEN_CHARACTERS = 256;

/** The length of the flow's content once deployed, at most; see MAX_CONTENT_CHARACTERS. */
function contentLength(flow: unknown): number {
  const text = JSON.stringify(flow);
  let length = text.length;
  for (const token of text.matchAll(new RegExp(TOKEN.source, 'g'))) length += TOKEN_CHARACTERS - token[0].length;
  return length;
}

interface Transition {
  readonly NextAction?: unknown;
  readonly Condition?: unknown;
  readonly ErrorType?: unknown;
}

/** Every action id a transition of `action` points to. */
export function successorsOf(action: Record<string, unknown>): string[] {
  const transitions = isObject(action.Transitions) ? action.Transitions : {};
  const targets: unknown[] = [transitions.NextAction];
  for (const branch of [...list(transitions.Conditions), ...list(transitions.Errors)]) {
    if (isObject(branch)) targets.push(branch.NextAction);
  }
  return targets.filter((target): target is string => typeof target === 'string');
}

/** What the checker needs to know of a flow beyond its content. */
export interface CheckOptions {
  /**
   * The reply tables of the functions the flow invokes, by the LambdaFunctionARN it invokes them with: with them, a
   * reference to a reply key (`$.External.<key>`) that is not filled on every path to its action is a finding, and so
   * is `$.StoredCustomerInput` where no input was stored on some path (flow-references.ts).
   */
  readonly lambdaReplies?: LambdaReplyTables;
  /**
   * CUSTOMER_FIRST: the flow's CreateCallbackContact creates customer-first callbacks, which do not take the
   * agent-first retry settings (CUSTOMER_FIRST_CREATE_CALLBACK_CONTACT). Default AGENT_FIRST: retries = 0.
   */
  readonly callbackMode?: 'AGENT_FIRST' | 'CUSTOMER_FIRST';
  /**
   * CreateCallbackContact parameters taken as exported from an instance, which the reference does not document (the
   * ones that select customer-first mode): accepted without a check of their own.
   */
  readonly exportedCallbackParameters?: readonly string[];
}

/** The options of checkFlow, as the customer-first code names them. */
export type FlowCheckOptions = CheckOptions;

/**
 * Loop prompts ("MessageParticipantIteratively"), admin guide https://docs.aws.amazon.com/connect/latest/adminguide/
 * loop-prompts.html, its configuration tips for customer queue flows: these blocks are not allowed before the Loop
 * prompts block: Get customer input, Loop, Play prompt, Start/Stop media streaming, Store customer input, Transfer to
 * phone number, Transfer to queue (the callback queue included). As flow-language actions, of those this checker
 * knows: GetParticipantInput, MessageParticipant, CreateCallbackContact, DequeueContactAndTransferToQueue.
 */
const NOT_BEFORE_LOOP_PROMPTS = ['GetParticipantInput', 'MessageParticipant', 'CreateCallbackContact', 'DequeueContactAndTransferToQueue'];
/**
 * The same page: "Always use an interruption period that's greater than 20 seconds": an agent has 20 seconds to accept
 * a contact, and Connect cannot dequeue a contact that is being joined with an agent, so a shorter one sends contacts
 * down the error branch.
 */
const MIN_QUEUE_INTERRUPT_SECONDS = 21;

/**
 * The edges of the graph that wait: a Loop prompts block that is interrupted every InterruptFrequencySeconds leaves
 * by its MessagesInterrupted condition only after playing its messages for that long, and a customer queue flow
 * stops running altogether when an agent takes the contact. A loop through such an edge is what a customer queue flow
 * is for (hold messages, an offer, hold messages again, until an agent is free), not a menu that may spin forever:
 * in CUSTOMER_QUEUE, and only there, a loop is allowed when it passes through one. Its error branch is no such edge
 * (a chat contact takes it at once), nor is a loop without an interruption period (it never completes).
 */
function isWaitingEdge(action: Record<string, unknown>, target: string): boolean {
  if (action.Type !== 'MessageParticipantIteratively') return false;
  const parameters = isObject(action.Parameters) ? action.Parameters : {};
  if (!integerIn(parameters.InterruptFrequencySeconds, 1, Number.MAX_SAFE_INTEGER)) return false;
  const transitions = isObject(action.Transitions) ? action.Transitions : {};
  const viaCondition = list(transitions.Conditions).some((branch) => isObject(branch) && branch.NextAction === target);
  const viaOther = transitions.NextAction === target
    || list(transitions.Errors).some((branch) => isObject(branch) && branch.NextAction === target);
  return viaCondition && !viaOther;
}

/**
 * Checks a parsed flow against the flow language and this library's rules (bounded Lambda timeouts with an
 * error branch, agent-first callbacks with zero retries). Returns every defect found; an empty list means none.
 */
export function checkFlow(flow: unknown, flowType: FlowType, options: CheckOptions = {}): FlowFinding[] {
  const findings: FlowFinding[] = [];
  const report = (message: string, actionId?: string) => findings.push({ actionId, message });

  if (!isObject(flow)) return [{ message: 'a flow must be a JSON object' }];
  if (flow.Version !== '2019-10-30') report(`Version must be "2019-10-30", got ${JSON.stringify(flow.Version)}`);
  if (!Array.isArray(flow.Actions) || flow.Actions.length === 0) {
    report('Actions must be a non-empty list');
    return findings;
  }
  if (flow.Actions.length > MAX_ACTIONS) report(`a flow may have at most ${MAX_ACTIONS} actions, this one has ${flow.Actions.length}`);
  const length = contentLength(flow);
  if (length > MAX_CONTENT_CHARACTERS) {
    report(`the flow content may be at most ${MAX_CONTENT_CHARACTERS} characters, this one has up to ${length} (each token counted as ${TOKEN_CHARACTERS})`);
  }

  const actions = new Map<string, Record<string, unknown>>();
  for (const [index, action] of flow.Actions.entries()) {
    if (!isObject(action) || typeof action.Identifier !== 'string' || action.Identifier === '') {
      report(`action #${index} has no Identifier`);
      continue;
    }
    if (actions.has(action.Identifier)) report('Identifier is used by more than one action', action.Identifier);
    if (action.Identifier.length > MAX_IDENTIFIER_CHARACTERS) {
      report(`Identifier may have at most ${MAX_IDENTIFIER_CHARACTERS} characters, this one has ${action.Identifier.length}`, action.Identifier);
    }
    if (IDENTIFIER_FORBIDDEN.test(action.Identifier)) report('Identifier may not contain any of % : ( \\ / ) = $ , ; [ ] { }', action.Identifier);
    if (RESERVED_IDENTIFIERS.includes(action.Identifier)) report('Identifier is a reserved name', action.Identifier);
    actions.set(action.Identifier, action);
  }

  if (typeof flow.StartAction !== 'string' || !actions.has(flow.StartAction)) {
    report(`StartAction ${JSON.stringify(flow.StartAction)} is not an action of the flow`);
  }

  for (const [id, action] of actions) checkAction(id, action, flowType, actions, report, options);

  // Reachability from the start: an unreachable action is dead weight at best, a miswired branch at worst.
  const reached = new Set<string>();
  const pending = typeof flow.StartAction === 'string' && actions.has(flow.StartAction) ? [flow.StartAction] : [];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const next of successorsOf(actions.get(id)!)) if (actions.has(next)) pending.push(next);
  }
  if (pending.length === 0 && reached.size > 0) {
    for (const id of actions.keys()) if (!reached.has(id)) report('is not reachable from StartAction', id);
  }
  if (flowType === 'CUSTOMER_QUEUE') {
    for (const cycle of cyclesOf(actions, (from, to) => isWaitingEdge(actions.get(from)!, to))) {
      report(`is on a loop (${cycle.join(' > ')}) that never waits in a Loop prompts block's interruption period: a customer queue flow `
        + 'may loop only through the MessagesInterrupted branch of a MessageParticipantIteratively with InterruptFrequencySeconds', cycle[0]);
    }
    checkQueueFlowOrder(flow.StartAction, actions, report);
  } else {
    for (const cycle of cyclesOf(actions)) report(`is on a loop (${cycle.join(' > ')}): every retry must be unrolled, so a call always ends`, cycle[0]);
  }
  if (options.lambdaReplies) {
    for (const unset of unsetReferences(flow, options.lambdaReplies)) report(unset.message, unset.actionId);
  }
  return findings;
}

/** In a customer queue flow, what the caller hears or does comes after a Loop prompts block, on every path. */
function checkQueueFlowOrder(start: unknown, actions: ReadonlyMap<string, Record<string, unknown>>, report: Report): void {
  const seen = new Set<string>();
  const pending = typeof start === 'string' && actions.has(start) ? [start] : [];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const action = actions.get(id)!;
    if (action.Type === 'MessageParticipantIteratively') {
      const every = isObject(action.Parameters) ? action.Parameters.InterruptFrequencySeconds : undefined;
      if (integerIn(every, 1, MIN_QUEUE_INTERRUPT_SECONDS - 1)) {
        report(`InterruptFrequencySeconds must be more than 20 in a customer queue flow (an agent has 20 seconds to accept the contact), got ${JSON.stringify(every)}`, id);
      }
      continue;
    }
    if (NOT_BEFORE_LOOP_PROMPTS.includes(String(action.Type))) {
      report(`${String(action.Type)} may not run before a Loop prompts block (MessageParticipantIteratively) in a customer queue flow`, id);
    }
    for (const next of successorsOf(action)) if (actions.has(next)) pending.push(next);
  }
}

/**
 * Every loop of the flow graph, one per strongly connected component that has a cycle (a self-loop included),
 * each as a path that starts and ends at the same action. A flow without loops ends after at most as many steps
 * as it has actions, whatever the caller does; a loop (a menu that repeats "until" valid input) may never end.
 * Edges for which `skipEdge` holds are left out of the graph, so only loops that avoid all of them are found.
 */
export function cyclesOf(
  actions: ReadonlyMap<string, Record<string, unknown>>,
  skipEdge: (from: string, to: string) => boolean = () => false,
): string[][] {
  const successors = (id: string) => successorsOf(actions.get(id)!).filter((next) => actions.has(next) && !skipEdge(id, next));
  // Iterative Tarjan: flows are small, but recursion depth should not depend on the input.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  for (const root of actions.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const next = successors(frame.id);
      if (frame.next < next.length) {
        const child = next[frame.next++];
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ id: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) !== index.get(frame.id)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.id);
      if (component.length > 1 || successors(frame.id).includes(frame.id)) cycles.push(cyclePath(component, successors));
    }
  }
  return cycles;
}

/** One concrete loop inside a strongly connected component, for the message: a shortest path back to its first action. */
function cyclePath(component: readonly string[], successors: (id: string) => string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const next of successors(id)) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [id];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, id);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

function checkAction(
  id: string,
  action: Record<string, unknown>,
  flowType: FlowType,
  actions: ReadonlyMap<string, unknown>,
  report: Report,
  options: FlowCheckOptions,
): void {
  const type = action.Type;
  const specOf = type === 'CreateCallbackContact' ? createCallbackSpec(options) : specOfType(type);
  if (!specOf) {
    report(`action type ${JSON.stringify(type)} is unknown or not supported by this checker`, id);
    return;
  }
  if (!specOf.flowTypes.includes(flowType)) report(`${type} is not allowed in a ${flowType} flow`, id);

  const parameters = action.Parameters === undefined ? {} : action.Parameters;
  if (!isObject(parameters)) {
    report('Parameters must be an object', id);
  } else {
    for (const name of specOf.required) if (parameters[name] === undefined) report(`${type} needs the parameter ${name}`, id);
    for (const name of Object.keys(parameters)) {
      if (!specOf.required.includes(name) && !specOf.optional.includes(name)) report(`${type} has no parameter ${name}`, id);
    }
    for (const group of specOf.exclusive) {
      const given = group.filter((name) => parameters[name] !== undefined);
      if (given.length > 1) report(`only one of ${given.join(', ')} may be given`, id);
    }
    const wrongForm = new Set<string>();
    for (const [name, form] of Object.entries(specOf.forms)) {
      const problem = parameters[name] === undefined ? undefined : formProblem(parameters[name], form);
      if (problem) {
        wrongForm.add(name);
        report(`${name} ${problem}, got ${JSON.stringify(parameters[name])}`, id);
      }
    }
    // A value of the wrong form is reported once, above, not again by the checks of its value.
    const ofRightForm = Object.fromEntries(Object.entries(parameters).filter(([name]) => !wrongForm.has(name)));
    for (const [name, values] of Object.entries(specOf.enums)) {
      if (ofRightForm[name] !== undefined) checkOneOf(name, ofRightForm[name], values, (message) => report(message, id));
    }
    specOf.check?.(ofRightForm, (message) => report(message, id));
    for (const [name, text] of specOf.prompts?.(parameters) ?? []) checkPromptReferences(name, text, (message) => report(message, id));
  }

  const transitions = isObject(action.Transitions) ? action.Transitions : {};
  if (specOf.terminal) {
    if (successorsOf(action).length > 0) report(`${type} ends the flow and cannot have transitions`, id);
    return;
  }
  if (transitions.NextAction === undefined ? !specOf.nextActionOptional : typeof transitions.NextAction !== 'string') report('needs a NextAction', id);

  const conditions = list(transitions.Conditions) as Transition[];
  // Transitions (flow-language-actions.html): a condition is {NextAction, Condition: {Operator, Operands}}, an
  // error is {ErrorType, NextAction}.
  for (const branch of conditions) {
    const condition = isObject(branch) && isObject(branch.Condition) ? branch.Condition : undefined;
    if (!isObject(branch) || typeof branch.NextAction !== 'string') report('a condition needs a NextAction', id);
    if (!condition || typeof condition.Operator !== 'string' || !Array.isArray(condition.Operands) || condition.Operands.length === 0) {
      report('a condition needs a Condition with an Operator and a list of Operands', id);
    } else if (specOf.conditions) {
      const problem = specOf.condition?.(condition.Operator, condition.Operands);
      if (problem) report(problem, id);
    }
  }
  for (const operand of specOf.requiredConditions ?? []) {
    const operandOf = (branch: Transition) => (isObject(branch) && isObject(branch.Condition) ? list(branch.Condition.Operands)[0] : undefined);
    const count = conditions.filter((branch) => operandOf(branch) === operand).length;
    if (count !== 1) report(`${type} needs exactly one condition for Equals ${JSON.stringify(operand)}, it has ${count}`, id);
  }
  const variant = specOf.variant?.(isObject(action.Parameters) ? action.Parameters : {});
  const when = variant ? ` ${variant.when}` : '';
  if (conditions.length > 0 && !(variant?.conditions ?? specOf.conditions)) report(`${type} does not support conditions${when}`, id);
  const errors = list(transitions.Errors) as Transition[];
  const errorTypes = errors.map((error) => (isObject(error) ? error.ErrorType : undefined));
  for (const [index, error] of errors.entries()) {
    if (!isObject(error) || typeof error.NextAction !== 'string') report(`the error transition for ${JSON.stringify(errorTypes[index])} needs a NextAction`, id);
  }
  for (const errorType of errorTypes) {
    if (typeof errorType !== 'string' || !(variant?.errors ?? specOf.errors).includes(errorType)) {
      report(`${type} has no error ${JSON.stringify(errorType)}${when}`, id);
    }
  }
  for (const required of specOf.requiredErrors) {
    if (!errorTypes.includes(required)) report(`${type} needs an error transition for ${required}`, id);
  }
  for (const next of successorsOf(action)) {
    if (!actions.has(next)) report(`transition to missing action ${JSON.stringify(next)}`, id);
  }
}

type Report = (message: string, actionId?: string) => void;

function createCallbackSpec(options: FlowCheckOptions): ActionSpec {
  const base = options.callbackMode === 'CUSTOMER_FIRST' ? CUSTOMER_FIRST_CREATE_CALLBACK_CONTACT : ACTION_SPECS.CreateCallbackContact;
  const exported = (options.exportedCallbackParameters ?? []).filter((name) => !base.required.includes(name) && !base.optional.includes(name));
  return exported.length === 0 ? base : { ...base, optional: [...base.optional, ...exported] };
}

/** The id of the action that {@link startWithFlowLogging} puts first. */
export const FLOW_LOGGING_ACTION_ID = 'set-flow-logging';

/**
 * Makes the flow start with a "Set logging behavior" block (UpdateFlowLoggingBehavior) that turns flow logs on
 * or off, then goes on to the flow's own first action. Off is set explicitly too: the setting carries over from
 * the flow that transferred the contact, which may have turned it on.
 */
export function startWithFlowLogging(flow: unknown, enabled: boolean): void {
  if (!isObject(flow) || !Array.isArray(flow.Actions)) return;
  const first = flow.StartAction;
  flow.Actions.unshift({
    Identifier: FLOW_LOGGING_ACTION_ID,
    Type: 'UpdateFlowLoggingBehavior',
    Parameters: { FlowLoggingBehavior: enabled ? 'Enabled' : 'Disabled' },
    Transitions: { NextAction: first },
  });
  flow.StartAction = FLOW_LOGGING_ACTION_ID;
  const metadata = isObject(flow.Metadata) && isObject(flow.Metadata.ActionMetadata) ? flow.Metadata.ActionMetadata : undefined;
  if (metadata) metadata[FLOW_LOGGING_ACTION_ID] = { position: { x: 160, y: -160 } };
}

/** Sets every callback the flow creates to zero retries: the customer is dialled once. */
export function forceZeroRetries(flow: unknown): void {
  if (!isObject(flow)) return;
  for (const action of list(flow.Actions)) {
    if (isObject(action) && action.Type === 'CreateCallbackContact') {
      action.Parameters = { ...(isObject(action.Parameters) ? action.Parameters : {}), MaximumConnectionAttempts: ZERO_RETRIES };
    }
  }
}

/** The id of the action that {@link startWithVoice} puts first. */
export const VOICE_ACTION_ID = 'set-voice';

/**
 * Makes the flow start with a "Set voice" block (UpdateContactTextToSpeechVoice) for its prompts' voice, then go on to
 * its own first action. Set even for Amazon Connect's default voice: the voice carries over from the flow that
 * transferred the contact, which may speak another language. Its error branch (an unknown voice, or an engine the
 * voice lacks: contact-actions-updatecontacttexttospeechvoice.html) goes on too: the prompts are still said, in the
 * voice the contact had.
 */
export function startWithVoice(flow: unknown, voiceId: string, engine?: string): void {
  if (!isObject(flow) || !Array.isArray(flow.Actions)) return;
  const first = flow.StartAction;
  flow.Actions.unshift({
    Identifier: VOICE_ACTION_ID,
    Type: 'UpdateContactTextToSpeechVoice',
    Parameters: { TextToSpeechVoice: voiceId, ...(engine === undefined ? {} : { TextToSpeechEngine: engine }) },
    Transitions: { NextAction: first, Errors: [{ NextAction: first, ErrorType: 'NoMatchingError' }] },
  });
  flow.StartAction = VOICE_ACTION_ID;
  const metadata = isObject(flow.Metadata) && isObject(flow.Metadata.ActionMetadata) ? flow.Metadata.ActionMetadata : undefined;
  if (metadata) metadata[VOICE_ACTION_ID] = { position: { x: 160, y: -380 } };
}
