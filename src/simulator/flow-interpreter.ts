/**
 * An interpreter for the Amazon Connect flow language (Version 2019-10-30), covering every action type the
 * construct's flows use (the flow checker's ACTION_SPECS) plus UpdateFlowLoggingBehavior. It runs one flow for
 * one contact; everything outside the flow (Lambda functions, the queue, the caller's key presses, the clock)
 * is the host's, reached through FlowHost.
 */
import { validateLocalNumber } from './phone-validation';

/** The contact as a flow sees and changes it. */
export interface FlowContact {
  readonly contactId: string;
  readonly initialContactId: string;
  readonly previousContactId?: string;
  readonly initiationMethod: string;
  readonly channel: string;
  /** The customer's number (E.164), or undefined when withheld. */
  readonly customerAddress?: string;
  attributes: Record<string, string>;
  targetQueueArn?: string;
  callbackNumber?: string;
  eventHooks: Record<string, string>;
  flowLogging?: string;
  /** The text-to-speech voice the last Set voice block chose, e.g. "Lupe (Neural)". */
  voice?: string;
}

/** The outcome of one Lambda invocation as Connect sees it. */
export type LambdaOutcome =
  | { readonly kind: 'REPLY'; readonly reply: unknown }
  /** The function did not answer within InvocationTimeLimitSeconds (it may still have done its work). */
  | { readonly kind: 'TIMEOUT'; readonly elapsedSeconds: number }
  | { readonly kind: 'FAILED'; readonly error: string };

export interface FlowHost {
  readonly instanceArn: string;
  /** The caller's next input: a key for a menu, a digit string for stored input; undefined means no input. */
  nextInput(contact: FlowContact, actionId: string, storeInput: boolean): string | undefined;
  invokeLambda(functionArn: string, event: unknown, timeLimitSeconds: number, actionId: string): Promise<LambdaOutcome>;
  /** Creates the callback contact; a string is an error type. */
  createCallback(contact: FlowContact, queueArn: string, parameters: Record<string, string>): string | undefined;
  /** Puts the contact in the queue; a string is an error type. */
  transferToQueue(contact: FlowContact, queueArn: string): string | undefined;
  say(contact: FlowContact, text: string, actionId: string): void;
  step(contact: FlowContact, actionId: string, type: string, detail?: string): void;
  /** Fault injection: an error type this action raises instead of running, if any. */
  injectedError?(actionId: string): string | undefined;
  /** Whether the contact still exists; a flow stops running for a contact that was ended meanwhile. */
  isActive?(contact: FlowContact): boolean;
  /**
   * GetMetricData: the queue's real-time metrics, by their path under $.Metrics (e.g. `Queue.EstimatedWaitTime`), for
   * `queueArn` (the contact's queue when the block names none) and `channel` (all channels when undefined). A metric
   * Connect does not return is absent.
   */
  queueMetrics?(contact: FlowContact, queueArn: string | undefined, channel: string | undefined): Record<string, string>;
  /**
   * MessageParticipantIteratively in a customer queue flow: plays `messages` in a loop until `interruptSeconds` have
   * passed (INTERRUPTED) or an agent takes the contact (DEQUEUED), in simulated time.
   */
  loopPrompts?(contact: FlowContact, messages: string[], interruptSeconds: number | undefined, actionId: string): Promise<'INTERRUPTED' | 'DEQUEUED'>;
  /**
   * What Check call progress finds on an outbound call (CheckOutboundCallStatus): CallAnswered, VoicemailBeep,
   * VoicemailNoBeep or NotDetected; undefined raises its NoMatchingError.
   */
  callProgress?(contact: FlowContact): string | undefined;
}

/** One prompt as the participant heard it, in seconds from the start of the flow run. */
export interface SpokenPrompt {
  readonly actionId: string;
  readonly text: string;
  /** The resolved SSML the text came from, if it was SSML (its breaks take time). */
  readonly ssml?: string;
  readonly startsAt: number;
  readonly endsAt: number;
}

/** When `phrase` has been said in full in `prompt` (seconds from the flow's start), or undefined if it is not said. */
export function saidBy(prompt: SpokenPrompt, phrase: RegExp): number | undefined {
  const source = prompt.ssml ?? prompt.text;
  const match = phrase.exec(source);
  if (!match) return undefined;
  const upTo = source.slice(0, match.index + match[0].length);
  return prompt.startsAt + speechSeconds(prompt.ssml === undefined ? upTo : stripSsml(upTo), prompt.ssml === undefined ? undefined : upTo);
}

export interface FlowRun {
  readonly path: string[];
  /** What was said, when: whisper flows take real time, and Connect acts when they end. */
  readonly spoken: SpokenPrompt[];
  /** Seconds the run took: its prompts, one after another (blocks without speech take no time here). */
  readonly seconds: number;
  /**
   * STOPPED: the contact was ended from outside (StopContact) while the flow ran. DEQUEUED: an agent took the contact
   * while its customer queue flow ran, which stops that flow.
   */
  readonly ended: 'DISCONNECTED' | 'ENDED' | 'TRANSFERRED' | 'STOPPED' | 'DEQUEUED';
  readonly lambdaInvocations: number;
  readonly lastExternal: Record<string, string>;
  readonly errors: Array<{ actionId: string; errorType: string }>;
}

export class UnsupportedActionError extends Error {
  constructor(flowName: string, actionId: string, type: unknown) {
    super(`the simulator does not support the action type ${JSON.stringify(type)} (action ${actionId} of the ${flowName} flow)`);
    this.name = 'UnsupportedActionError';
  }
}

const MAX_STEPS = 200;

/**
 * How long text-to-speech takes to say a prompt: about 150 words a minute, plus the pauses of SSML <break> tags.
 * An estimate for ordering events in simulated time (when a whisper ends, when an agent has heard an instruction),
 * not a property of Amazon Polly.
 */
export const WORDS_PER_SECOND = 2.5;

export function speechSeconds(text: string, ssml?: string): number {
  const words = text.split(/\s+/).filter((word) => word !== '').length;
  let pauses = 0;
  for (const match of (ssml ?? '').matchAll(/<break\s+time="(\d+(?:\.\d+)?)(ms|s)"\s*\/>/g)) {
    pauses += Number(match[1]) / (match[2] === 'ms' ? 1000 : 1);
  }
  return words / WORDS_PER_SECOND + pauses;
}

/**
 * Flow types where $.InitiationMethod resolves to nothing: "Initiation method doesn't work in Agent whisper flows or
 * Customer whisper flows" (admin guide, "List of available contact attributes", connect-attrib-list.html).
 */
const NO_INITIATION_METHOD = new Set(['agent-whisper', 'transferred-caller-whisper', 'AGENT_WHISPER', 'CUSTOMER_WHISPER']);

interface RunState {
  external: Record<string, string>;
  storedInput?: string;
  /** What the last GetMetricData returned, by path under $.Metrics. */
  metrics?: Record<string, string>;
}

/** Resolves every `$.X` reference in a string: a whole-value reference, or inline in Text/SSML. */
export function resolveReferences(
  value: string,
  contact: FlowContact,
  state: { external: Record<string, string>; storedInput?: string; metrics?: Record<string, string> },
  flowType?: string,
): string {
  const pattern = /\$\.(External|Attributes)\.([A-Za-z0-9_-]+)|\$\.Metrics((?:\.[A-Za-z]+)+)|\$\.StoredCustomerInput|\$\.CustomerEndpoint\.Address|\$\.ContactId|\$\.InitialContactId|\$\.Queue\.ARN|\$\.InitiationMethod/g;
  return value.replace(pattern,
    (reference: string, namespace?: string, key?: string, metric?: string) => {
      // A metric Connect did not return reads as nothing ("null values are returned", connect-attrib-list.html).
      if (metric !== undefined) return state.metrics?.[metric.slice(1)] ?? '';
      if (namespace === 'External') return state.external[key!] ?? '';
      if (namespace === 'Attributes') return contact.attributes[key!] ?? '';
      switch (reference) {
        case '$.StoredCustomerInput': return state.storedInput ?? '';
        case '$.CustomerEndpoint.Address': return contact.customerAddress ?? '';
        case '$.ContactId': return contact.contactId;
        case '$.InitialContactId': return contact.initialContactId;
        case '$.Queue.ARN': return contact.targetQueueArn ?? '';
        case '$.InitiationMethod': return flowType !== undefined && NO_INITIATION_METHOD.has(flowType) ? '' : contact.initiationMethod;
        default: return reference;
      }
    });
}

function compare(operator: string, value: string, operand: string): boolean {
  const number = (text: string) => (text.trim() === '' ? NaN : Number(text));
  switch (operator) {
    case 'Equals': return value === operand;
    case 'NumberEquals': return number(value) === number(operand);
    case 'NumberGreaterThan': return number(value) > number(operand);
    case 'NumberLessThan': return number(value) < number(operand);
    case 'NumberGreaterOrEqualTo': return number(value) >= number(operand);
    case 'NumberLessOrEqualTo': return number(value) <= number(operand);
    case 'TextContains': return value.includes(operand);
    case 'TextStartsWith': return value.startsWith(operand);
    case 'TextEndsWith': return value.endsWith(operand);
    default: throw new Error(`the simulator does not support the condition operator ${operator}`);
  }
}

function stripSsml(text: string): string {
  return text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').replace(/ ([.,!?])/g, '$1').trim();
}

/** Runs `flow` for `contact` until it disconnects, ends, or transfers the contact to a queue. */
export async function runFlow(flowName: string, flow: any, contact: FlowContact, host: FlowHost): Promise<FlowRun> {
  const actions = new Map<string, any>((flow.Actions ?? []).map((action: any) => [action.Identifier, action]));
  const state: RunState = { external: {} };
  const path: string[] = [];
  const spoken: SpokenPrompt[] = [];
  let seconds = 0;
  const errors: Array<{ actionId: string; errorType: string }> = [];
  let lambdaInvocations = 0;
  let id: string | undefined = flow.StartAction;

  const errorTarget = (action: any, errorType: string): string => {
    errors.push({ actionId: action.Identifier, errorType });
    const branches: any[] = action.Transitions?.Errors ?? [];
    const exact = branches.find((branch) => branch.ErrorType === errorType);
    const fallback = branches.find((branch) => branch.ErrorType === 'NoMatchingError');
    const target = exact?.NextAction ?? fallback?.NextAction;
    if (typeof target !== 'string') {
      throw new Error(`action ${action.Identifier} of the ${flowName} flow raised ${errorType} and has no branch for it`);
    }
    return target;
  };
  const conditionTarget = (action: any, value: string | undefined): string => {
    if (value !== undefined) {
      for (const branch of action.Transitions?.Conditions ?? []) {
        const operator: string = branch.Condition?.Operator;
        const operand = String(branch.Condition?.Operands?.[0] ?? '');
        if (compare(operator, value, operand)) return branch.NextAction;
      }
    }
    const hasNoMatch = (action.Transitions?.Errors ?? []).some((branch: any) => branch.ErrorType === 'NoMatchingCondition');
    return hasNoMatch ? errorTarget(action, 'NoMatchingCondition') : action.Transitions.NextAction;
  };
  const resolve = (value: unknown): string => resolveReferences(String(value ?? ''), contact, state, flowName);
  const prompt = (parameters: any): string | undefined => {
    if (parameters.Text !== undefined) return resolve(parameters.Text);
    if (parameters.SSML !== undefined) return stripSsml(resolve(parameters.SSML));
    if (parameters.PromptId !== undefined) return `[prompt ${parameters.PromptId}]`;
    return undefined;
  };
  const speak = (actionId: string, parameters: any, text: string) => {
    const ssml = parameters.SSML === undefined ? undefined : resolve(parameters.SSML);
    const duration = speechSeconds(text, ssml);
    spoken.push({ actionId, text, ssml, startsAt: seconds, endsAt: seconds + duration });
    seconds += duration;
    host.say(contact, text, actionId);
  };
  const ended = (how: FlowRun['ended']): FlowRun => ({ path, spoken, seconds, ended: how, lambdaInvocations, lastExternal: state.external, errors });

  const messageText = (message: any): string => prompt(message) ?? '';
  for (let steps = 0; ; steps++) {
    if (id === undefined) throw new Error(`the ${flowName} flow has an action without a next action: ${path.join(' > ')}`);
    if (steps > MAX_STEPS) throw new Error(`the ${flowName} flow did not end within ${MAX_STEPS} actions: ${path.slice(-10).join(' > ')}`);
    if (host.isActive && !host.isActive(contact)) return ended('STOPPED');
    const action = actions.get(id);
    if (!action) throw new Error(`the ${flowName} flow moves to the missing action ${id}`);
    path.push(id);
    const parameters = action.Parameters ?? {};
    const next: string | undefined = action.Transitions?.NextAction;
    const injected = host.injectedError?.(`${flowName}/${id}`);
    if (injected) {
      host.step(contact, id, action.Type, `injected ${injected}`);
      id = errorTarget(action, injected);
      continue;
    }

    switch (action.Type) {
      case 'UpdateFlowLoggingBehavior':
        contact.flowLogging = String(parameters.FlowLoggingBehavior);
        host.step(contact, id, action.Type, `flow logging ${contact.flowLogging}`);
        id = next;
        break;

      case 'UpdateContactTargetQueue': {
        const queue = resolve(parameters.QueueId);
        host.step(contact, id, action.Type, 'working queue set');
        if (!queue) {
          id = errorTarget(action, 'NoMatchingError');
        } else {
          contact.targetQueueArn = queue;
          id = next;
        }
        break;
      }

      case 'UpdateContactAttributes': {
        const changed: string[] = [];
        for (const [key, value] of Object.entries<unknown>(parameters.Attributes ?? {})) {
          contact.attributes[key] = resolve(value);
          changed.push(`${key}=${contact.attributes[key]}`);
        }
        host.step(contact, id, action.Type, changed.join(', '));
        id = next;
        break;
      }

      case 'UpdateContactCallbackNumber': {
        const number = resolve(parameters.CallbackNumber);
        host.step(contact, id, action.Type, `callback number ${number || '(empty)'}`);
        if (!/^\+[1-9]\d{6,14}$/.test(number)) {
          id = errorTarget(action, 'InvalidCallbackNumber');
        } else {
          contact.callbackNumber = number;
          id = next;
        }
        break;
      }

      case 'UpdateContactEventHooks': {
        for (const [hook, value] of Object.entries<unknown>(parameters.EventHooks ?? {})) contact.eventHooks[hook] = resolve(value);
        host.step(contact, id, action.Type, Object.keys(parameters.EventHooks ?? {}).join(', '));
        id = next;
        break;
      }

      case 'CreateCallbackContact': {
        const queue = parameters.QueueId !== undefined ? resolve(parameters.QueueId) : contact.targetQueueArn;
        const resolved = Object.fromEntries(Object.entries<unknown>(parameters).map(([key, value]) => [key, resolve(value)]));
        const error = !queue || !contact.callbackNumber ? 'NoMatchingError' : host.createCallback(contact, queue, resolved);
        id = error ? errorTarget(action, error) : next;
        break;
      }

      case 'TransferContactToQueue': {
        const queue = contact.targetQueueArn;
        const error = queue ? host.transferToQueue(contact, queue) : 'NoMatchingError';
        if (error) {
          id = errorTarget(action, error);
          break;
        }
        return ended('TRANSFERRED');
      }

      case 'MessageParticipant': {
        const text = prompt(parameters);
        if (text !== undefined) speak(id, parameters, text);
        id = next;
        break;
      }

      case 'GetParticipantInput': {
        const text = prompt(parameters);
        if (text !== undefined) speak(id, parameters, text);
        const storeInput = parameters.StoreInput === 'True';
        const input = host.nextInput(contact, id, storeInput);
        if (input === undefined || input === '') {
          host.step(contact, id, action.Type, 'no input');
          id = errorTarget(action, 'InputTimeLimitExceeded');
          break;
        }
        if (!storeInput) {
          const key = input.slice(0, 1);
          host.step(contact, id, action.Type, `pressed ${key}`);
          id = conditionTarget(action, key);
          break;
        }
        const terminator = parameters.DTMFConfiguration?.InputTerminationSequence ?? '#';
        const digits = input.endsWith(terminator) ? input.slice(0, -terminator.length) : input;
        host.step(contact, id, action.Type, `entered ${digits}`);
        const validation = parameters.InputValidation?.PhoneNumberValidation;
        if (validation) {
          const checked = validateLocalNumber(digits, resolve(validation.CountryCode), validation.NumberFormat);
          if (!checked.valid) {
            id = errorTarget(action, 'InvalidPhoneNumber');
            break;
          }
          state.storedInput = checked.e164;
        } else {
          state.storedInput = digits;
        }
        id = next;
        break;
      }

      case 'Compare': {
        const value = resolve(parameters.ComparisonValue);
        host.step(contact, id, action.Type, `${parameters.ComparisonValue} = ${JSON.stringify(value)}`);
        id = conditionTarget(action, value);
        break;
      }

      case 'InvokeLambdaFunction': {
        lambdaInvocations += 1;
        const functionArn = resolve(parameters.LambdaFunctionARN);
        const limit = Number(parameters.InvocationTimeLimitSeconds ?? '3');
        const event = lambdaEvent(contact, host.instanceArn,
          Object.fromEntries(Object.entries<unknown>(parameters.LambdaInvocationAttributes ?? {}).map(([key, value]) => [key, resolve(value)])));
        const outcome = await host.invokeLambda(functionArn, event, limit, `${flowName}/${id}`);
        if (outcome.kind !== 'REPLY') {
          id = errorTarget(action, 'NoMatchingError');
          break;
        }
        const reply = outcome.reply;
        const stringMap = reply !== null && typeof reply === 'object' && !Array.isArray(reply)
          && Object.values(reply).every((value) => typeof value === 'string');
        if (!stringMap && (parameters.ResponseValidation?.ResponseType ?? 'STRING_MAP') === 'STRING_MAP') {
          id = errorTarget(action, 'NoMatchingError');
          break;
        }
        state.external = { ...(reply as Record<string, string>) };
        id = next;
        break;
      }

      case 'UpdateContactTextToSpeechVoice': {
        const engine = parameters.TextToSpeechEngine === undefined ? '' : ` (${resolve(parameters.TextToSpeechEngine)})`;
        contact.voice = `${resolve(parameters.TextToSpeechVoice)}${engine}`;
        host.step(contact, id, action.Type, `voice ${contact.voice}`);
        id = next;
        break;
      }

      case 'GetMetricData': {
        const queue = parameters.QueueId === undefined ? undefined : resolve(parameters.QueueId);
        const channel = parameters.QueueChannel === undefined ? undefined : resolve(parameters.QueueChannel);
        state.metrics = host.queueMetrics?.(contact, queue, channel) ?? {};
        const wait = state.metrics['Queue.EstimatedWaitTime'];
        host.step(contact, id, action.Type, wait === undefined ? 'no estimated wait returned' : `estimated wait ${wait}s`);
        id = next;
        break;
      }

      case 'MessageParticipantIteratively': {
        if (!host.loopPrompts) throw new UnsupportedActionError(flowName, id, action.Type);
        const messages: string[] = (parameters.Messages ?? []).map(messageText);
        const every = parameters.InterruptFrequencySeconds === undefined ? undefined : Number(resolve(parameters.InterruptFrequencySeconds));
        const outcome = await host.loopPrompts(contact, messages, every, id);
        if (outcome === 'DEQUEUED') return ended('DEQUEUED');
        host.step(contact, id, action.Type, `interrupted after ${every}s`);
        // The loop waited in simulated time: the steps before it are not a runaway flow.
        steps = 0;
        id = conditionTarget(action, 'MessagesInterrupted');
        break;
      }

      case 'CheckOutboundCallStatus': {
        // flow-control-actions-checkoutboundcallstatus.html: Equals conditions on the result, NoMatchingError "if no
        // condition matches".
        const progress = host.callProgress?.(contact);
        host.step(contact, id, action.Type, progress ?? 'no result');
        const branch = (action.Transitions?.Conditions ?? []).find((candidate: any) => progress !== undefined
          && candidate.Condition?.Operator === 'Equals' && candidate.Condition?.Operands?.[0] === progress);
        id = branch ? branch.NextAction : errorTarget(action, 'NoMatchingError');
        break;
      }

      case 'DisconnectParticipant':
        host.step(contact, id, action.Type);
        return ended('DISCONNECTED');

      case 'EndFlowExecution':
        host.step(contact, id, action.Type);
        return ended('ENDED');

      default:
        throw new UnsupportedActionError(flowName, id, action.Type);
    }
  }
}

/** The event Amazon Connect sends a Lambda function from a flow. */
export function lambdaEvent(contact: FlowContact, instanceArn: string, parameters: Record<string, string>) {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        ContactId: contact.contactId,
        InitialContactId: contact.initialContactId,
        PreviousContactId: contact.previousContactId ?? contact.contactId,
        Channel: contact.channel,
        InstanceARN: instanceArn,
        InitiationMethod: contact.initiationMethod,
        CustomerEndpoint: contact.customerAddress === undefined ? null : { Address: contact.customerAddress, Type: 'TELEPHONE_NUMBER' },
        SystemEndpoint: { Address: '+18005550100', Type: 'TELEPHONE_NUMBER' },
        Queue: contact.targetQueueArn ? { ARN: contact.targetQueueArn, Name: 'CallbackQueue' } : null,
        Attributes: { ...contact.attributes },
        MediaStreams: {},
      },
      Parameters: parameters,
    },
  };
}
