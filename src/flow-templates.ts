import * as fs from 'fs';
import * as path from 'path';

/** The flow templates shipped in the package's flows/ folder, with the flow type each is created as. */
export const FLOW_TEMPLATES = {
  'set-callback': 'CONTACT_FLOW',
  'agent-whisper': 'AGENT_WHISPER',
  'outbound-whisper': 'OUTBOUND_WHISPER',
  'transferred-caller-whisper': 'AGENT_WHISPER',
  // Only with inQueueCallbackOffer.
  'customer-queue': 'CUSTOMER_QUEUE',
  // Customer-first callbacks only (CUSTOMER_FIRST_FLOW_TEMPLATES). The creation flow "must be the default flow type,
  // Contact flow (inbound)" (adminguide/setup-queued-cb.html). The type of the outbound callback flow is documented
  // nowhere; what it must hold is (a Check call progress block, then a Transfer to queue, adminguide/customer-first-cb.html),
  // and TransferContactToQueue is allowed only in contact and transfer flows (its flow-language reference page): the
  // one type that allows both and runs for a customer's own call is CONTACT_FLOW, as StartOutboundVoiceContact's
  // ContactFlowId is for an outbound call.
  'callback-creation': 'CONTACT_FLOW',
  'outbound-callback': 'CONTACT_FLOW',
  'answered-callback-whisper': 'AGENT_WHISPER',
} as const;

export type FlowTemplateName = keyof typeof FLOW_TEMPLATES;

/** The templates a customer-first construct adds: the queued leg's creation flow, the dialled leg's flow and its agent whisper. */
export const CUSTOMER_FIRST_FLOW_TEMPLATES: readonly FlowTemplateName[] = ['callback-creation', 'outbound-callback', 'answered-callback-whisper'];

/** The templates a construct in `mode` creates, with or without the in-queue callback offer (the customer queue flow). */
export function flowTemplatesFor(mode: 'AGENT_FIRST' | 'CUSTOMER_FIRST', inQueueCallbackOffer = false): FlowTemplateName[] {
  return (Object.keys(FLOW_TEMPLATES) as FlowTemplateName[])
    .filter((name) => mode === 'CUSTOMER_FIRST' || !CUSTOMER_FIRST_FLOW_TEMPLATES.includes(name))
    .filter((name) => inQueueCallbackOffer || name !== 'customer-queue');
}

/** The placeholders a template may use; each is a whole JSON string value. */
const PLACEHOLDER = /^\$\{([A-Za-z]+(?::[a-z0-9-]+)?)\}$/;

/** flows/ sits beside lib/ (published) and src/ (tests), so the same relative path serves both. */
export function flowTemplatePath(name: FlowTemplateName): string {
  return path.join(__dirname, '..', 'flows', `${name}.json`);
}

export function loadFlowTemplate(name: FlowTemplateName): any {
  const file = flowTemplatePath(name);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot load the ${name} flow template from ${file}: ${(err as Error).message}`);
  }
}

/**
 * Returns a copy of the template with every placeholder replaced by its value (usually a token that
 * resolves to an ARN). A placeholder without a value is an error: a flow must never be deployed
 * with a literal `${...}` in an ARN field.
 */
export function fillPlaceholders(template: unknown, values: Readonly<Record<string, string>>, templateName: string): any {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const match = PLACEHOLDER.exec(node);
      if (!match) return node;
      const value = values[match[1]];
      if (value === undefined) {
        throw new Error(`the ${templateName} flow template uses the unknown placeholder ${node}`);
      }
      return value;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    }
    return node;
  };
  return walk(template);
}

/**
 * The InvocationTimeLimitSeconds of every InvokeLambdaFunction block of the templates, by the placeholder of the
 * function it invokes (`Function:<name>`), read before the placeholders are filled.
 */
export function invocationTimeLimits(templates: readonly unknown[]): Map<string, Set<number>> {
  const limits = new Map<string, Set<number>>();
  for (const template of templates) {
    for (const action of (template as { Actions?: any[] }).Actions ?? []) {
      if (action?.Type !== 'InvokeLambdaFunction') continue;
      const match = PLACEHOLDER.exec(String(action.Parameters?.LambdaFunctionARN ?? ''));
      if (!match) continue;
      const seconds = Number(action.Parameters?.InvocationTimeLimitSeconds);
      const found = limits.get(match[1]) ?? new Set<number>();
      found.add(seconds);
      limits.set(match[1], found);
    }
  }
  return limits;
}

/** Where a template says a prompt: a `Text` of `${Prompt:<name>}`, in an action's Parameters or a Messages entry. */
const PROMPT_MARKER = /^\$\{Prompt:([A-Za-z]+)\}$/;

/** The prompts a template says, by the id of the action that says each. */
export function promptsOfTemplate(template: unknown): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const action of (template as { Actions?: any[] }).Actions ?? []) {
    const holders = [action?.Parameters, ...(Array.isArray(action?.Parameters?.Messages) ? action.Parameters.Messages : [])];
    for (const holder of holders) {
      const match = PROMPT_MARKER.exec(String(holder?.Text ?? ''));
      if (match) found.set(action.Identifier, [...(found.get(action.Identifier) ?? []), match[1]]);
    }
  }
  return found;
}

/**
 * Replaces each prompt marker of the flow with the parameter its prompt becomes (`{ Text }`, `{ SSML }` or
 * `{ PromptId }`, from `parameterOf`), in place; a marker of a prompt `parameterOf` does not know is an error.
 */
export function applyPrompts(flow: any, parameterOf: (name: string) => Record<string, string> | undefined, templateName: string): void {
  const fill = (holder: Record<string, unknown>): Record<string, unknown> => {
    const match = PROMPT_MARKER.exec(String(holder.Text ?? ''));
    if (!match) return holder;
    const parameter = parameterOf(match[1]);
    if (!parameter) throw new Error(`the ${templateName} flow template says the unknown prompt ${match[1]}`);
    const { Text: _marker, ...rest } = holder;
    return { ...parameter, ...rest };
  };
  for (const action of flow.Actions ?? []) {
    if (!action.Parameters) continue;
    action.Parameters = fill(action.Parameters);
    if (Array.isArray(action.Parameters.Messages)) action.Parameters.Messages = action.Parameters.Messages.map(fill);
  }
}

/**
 * Takes a part of the flow out: the actions `ids` go, with their layout, and every transition to `entry` (one of
 * them) goes to `exit` instead. For the optional parts of a template (the wait check, the customer queue flow hook).
 */
export function bypass(flow: any, ids: readonly string[], entry: string, exit: string): void {
  const redirect = (branch: any) => {
    if (branch?.NextAction === entry) branch.NextAction = exit;
  };
  flow.Actions = (flow.Actions ?? []).filter((action: any) => !ids.includes(action.Identifier));
  for (const action of flow.Actions) {
    const transitions = action.Transitions ?? {};
    redirect(transitions);
    for (const branch of [...(transitions.Conditions ?? []), ...(transitions.Errors ?? [])]) redirect(branch);
  }
  if (flow.StartAction === entry) flow.StartAction = exit;
  for (const id of ids) delete flow.Metadata?.ActionMetadata?.[id];
}

/**
 * Takes out the Compare conditions on a handler result the props make impossible (e.g. CLOSING without hours of
 * operation), and then every action nothing leads to any more.
 */
export function withoutResults(flow: any, results: readonly string[]): void {
  for (const action of flow.Actions ?? []) {
    const conditions = action.Transitions?.Conditions;
    if (action.Type !== 'Compare' || !Array.isArray(conditions)) continue;
    const impossible = (branch: any) => (branch?.Condition?.Operands ?? []).some((operand: string) => results.includes(operand));
    action.Transitions.Conditions = conditions.filter((branch: any) => !impossible(branch));
  }
  withoutUnreachable(flow);
}

/** Takes out the actions the start cannot reach, with their layout. */
function withoutUnreachable(flow: any): void {
  const byId = new Map<string, any>((flow.Actions ?? []).map((action: any) => [action.Identifier, action]));
  const reached = new Set<string>();
  const visit = (id: string | undefined) => {
    if (id === undefined || reached.has(id) || !byId.has(id)) return;
    reached.add(id);
    const transitions = byId.get(id).Transitions ?? {};
    visit(transitions.NextAction);
    for (const branch of [...(transitions.Conditions ?? []), ...(transitions.Errors ?? [])]) visit(branch?.NextAction);
  };
  visit(flow.StartAction);
  const unreached = [...byId.keys()].filter((id) => !reached.has(id));
  flow.Actions = flow.Actions.filter((action: any) => reached.has(action.Identifier));
  for (const id of unreached) delete flow.Metadata?.ActionMetadata?.[id];
}

/**
 * The template's deferred callback block (`create-callback-deferred`, delay `${DeferSeconds}`) made one block per
 * delay, each with its own fixed delay ("InitialCallDelaySeconds ... must be static", the flow language's
 * CreateCallbackContact), and the Compare before it (`choose-callback-delay`) given one condition per delay.
 */
export function withDeferredCallbacks(flow: any, delaysSeconds: readonly number[]): void {
  const actions: any[] = flow.Actions ?? [];
  const template = actions.find((action) => action.Identifier === 'create-callback-deferred');
  const choose = actions.find((action) => action.Identifier === 'choose-callback-delay');
  if (!template || !choose) return;
  const id = (seconds: number) => `create-callback-deferred-${seconds}`;
  const blocks = delaysSeconds.map((seconds) => ({
    ...structuredClone(template),
    Identifier: id(seconds),
    Parameters: { ...template.Parameters, InitialCallDelaySeconds: String(seconds) },
  }));
  choose.Transitions.Conditions = delaysSeconds.map((seconds) => ({
    NextAction: id(seconds),
    Condition: { Operator: 'Equals', Operands: [String(seconds)] },
  }));
  flow.Actions = actions.flatMap((action) => (action === template ? blocks : [action]));
  const layout = flow.Metadata?.ActionMetadata;
  const position = layout?.['create-callback-deferred']?.position;
  if (layout) {
    delete layout['create-callback-deferred'];
    delaysSeconds.forEach((seconds, index) => {
      layout[id(seconds)] = { position: { x: (position?.x ?? 0), y: (position?.y ?? 0) + index * 160 } };
    });
  }
}
