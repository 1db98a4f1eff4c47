/**
 * A static checker for Amazon Connect flow language (Version 2019-10-30), run by the construct on the very
 * content it synthesizes. cfn-lint validates the CfnContactFlow resource but never looks inside `Content`,
 * and Connect only rejects a bad flow at deploy time, with a terse message; this finds the defect at synth
 * and names the action.
 *
 * The action table below is written from the Flow language reference of the Amazon Connect API Reference
 * (docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html), one entry per action page:
 * its parameter object, its errors, whether it supports conditions, and its "Restrictions" section for the
 * flow types. Only actions this library's flows may use are listed; any other type is reported.
 */

/** The flow types of `AWS::Connect::ContactFlow` (CreateContactFlow's Type). */
export type FlowType =
  | 'CONTACT_FLOW'
  | 'CUSTOMER_QUEUE'
  | 'CUSTOMER_HOLD'
  | 'CUSTOMER_WHISPER'
  | 'AGENT_HOLD'
  | 'AGENT_WHISPER'
  | 'OUTBOUND_WHISPER'
  | 'AGENT_TRANSFER'
  | 'QUEUE_TRANSFER';

/** One defect; `actionId` is absent for defects of the flow as a whole. */
export interface FlowFinding {
  readonly actionId?: string;
  readonly message: string;
}

const ALL_FLOW_TYPES: readonly FlowType[] = [
  'CONTACT_FLOW', 'CUSTOMER_QUEUE', 'CUSTOMER_HOLD', 'CUSTOMER_WHISPER', 'AGENT_HOLD', 'AGENT_WHISPER',
  'OUTBOUND_WHISPER', 'AGENT_TRANSFER', 'QUEUE_TRANSFER',
];
const WHISPERS: readonly FlowType[] = ['CUSTOMER_WHISPER', 'AGENT_WHISPER', 'OUTBOUND_WHISPER'];
const TRANSFERS: readonly FlowType[] = ['AGENT_TRANSFER', 'QUEUE_TRANSFER'];

type Parameters = Record<string, unknown>;

/**
 * How a parameter may be given, in the words of https://docs.aws.amazon.com/connect/latest/APIReference/
 * flow-language-actions-parameter-restrictions.html: "Must be defined statically" (no JSONPath at all, `static`);
 * "a single valid JSONPath identifier" (the whole value is one path, `path`: "My name is $.Name" is not one); or
 * either of the two (`staticOrPath`). A parameter without a form "may be defined statically or dynamically":
 * anything goes, text with embedded paths included. The construct fills ARNs with CDK tokens before checking; a
 * token ("${Token[TOKEN.123]}") is a static value (an ARN at deploy time), not a JSONPath.
 */
type Form = 'static' | 'path' | 'staticOrPath';

/** A CDK token as it stands in a string before synthesis, e.g. `${Token[TOKEN.123]}`. */
const TOKEN = /\$\{Token\[[^\]]*\]\}/;
/** A JSONPath reference starts with `$.` or `$[` (`$['AwsRegion']`); a token starts with `${`. */
const PATH_START = /\$[.[]/;
/** One path segment: `.name`, `['any name']` or `.['any name']` (adminguide/how-to-reference-attributes.html), `[0]`. */
const PATH_SEGMENT = String.raw`(?:\.[A-Za-z0-9_-]+|\.?\['[^'\]]*'\]|\[\d+\])`;
const SINGLE_PATH = new RegExp(`^\\$${PATH_SEGMENT}+$`);

/** Whether any string in the value (keys of objects included) holds a JSONPath reference. */
function holdsPath(value: unknown): boolean {
  if (typeof value === 'string') return PATH_START.test(value);
  if (Array.isArray(value)) return value.some(holdsPath);
  if (isObject(value)) return Object.entries(value).some(([key, child]) => PATH_START.test(key) || holdsPath(child));
  return false;
}

/** Whether a value is a string whose content is not known at synth: it holds a JSONPath or a token. */
function unknownAtSynth(value: unknown): boolean {
  return typeof value === 'string' && (PATH_START.test(value) || TOKEN.test(value));
}

function choice(values: readonly string[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  return quoted.length === 2 ? `${quoted[0]} or ${quoted[1]}` : `one of ${quoted.join(', ')}`;
}

/** Reports a value that is not one of `values`; a value not known at synth (a JSONPath, a token) is left alone. */
function checkOneOf(label: string, value: unknown, values: readonly string[], report: ActionReport): void {
  if (!unknownAtSynth(value) && !(typeof value === 'string' && values.includes(value))) report(`${label} must be ${choice(values)}, got ${JSON.stringify(value)}`);
}

/** Reports a value that holds a JSONPath; true if it holds none. */
function checkStatic(label: string, value: unknown, report: ActionReport): boolean {
  if (!holdsPath(value)) return true;
  report(`${label} must be defined statically (no JSONPath), got ${JSON.stringify(value)}`);
  return false;
}

/** The object a parameter holds, with its fields other than `fields` reported; undefined (and reported) if it is no object. */
function fieldsOf(label: string, value: unknown, fields: readonly string[], report: ActionReport): Record<string, unknown> | undefined {
  if (!isObject(value)) {
    report(`${label} must be an object with ${fields.join(', ')}`);
    return undefined;
  }
  for (const name of Object.keys(value)) if (!fields.includes(name)) report(`${label} has no field ${name}`);
  return value;
}

function formProblem(value: unknown, form: Form): string | undefined {
  if (form === 'static') return holdsPath(value) ? 'must be defined statically (no JSONPath)' : undefined;
  const single = typeof value === 'string' && SINGLE_PATH.test(value);
  if (form === 'path') return single ? undefined : 'must be a single JSONPath reference such as "$.Attributes.name" (it cannot be set statically)';
  return single || !holdsPath(value) ? undefined : 'must be static or a single JSONPath reference, not text around one';
}
/** Reports one defect of the action being checked. */
type ActionReport = (message: string) => void;

interface ActionSpec {
  /** Flow types the action's "Restrictions" section allows. */
  readonly flowTypes: readonly FlowType[];
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** Error types the action may raise; a transition on any other is a typo that never fires. */
  readonly errors: readonly string[];
  /** Error types that must have a transition. */
  readonly requiredErrors: readonly string[];
  readonly conditions: boolean;
  /** Ends the flow: it has no NextAction. */
  readonly terminal: boolean;
  /** May have no NextAction (a prompt loop that only ends when interrupted). */
  readonly nextActionOptional?: boolean;
  /** Operands of which each needs exactly one Equals condition (and so a transition), e.g. "True" and "False". */
  readonly requiredConditions?: readonly string[];
  /** How a parameter must be given; parameters not named here may be given any way. */
  readonly forms: Readonly<Record<string, Form>>;
  /** The values a parameter may take, checked when the value is known at synth (no JSONPath, no token). */
  readonly enums: Readonly<Record<string, readonly string[]>>;
  /** Groups of parameters of which at most one may be given ("May not be specified if ... is also specified"). */
  readonly exclusive: readonly (readonly string[])[];
  /**
   * The errors and condition support for these parameters, where they depend on them (GetParticipantInput), and
   * the words that say when (for the message); `errors` is then the union of every variant's errors.
   */
  readonly variant?: (parameters: Parameters) => { readonly errors: readonly string[]; readonly conditions: boolean; readonly when: string };
  /** Why a condition (its Operator and Operands) is not one the action supports, if it is not. */
  readonly condition?: (operator: string, operands: readonly unknown[]) => string | undefined;
  /** The prompt texts (Text, SSML) of the parameters, by name, for the rule on the references they embed. */
  readonly prompts?: (parameters: Parameters) => Array<[string, unknown]>;
  /** Checks of the parameter values that the generic rules do not cover; they see only values of the right form. */
  readonly check?: (parameters: Parameters, report: ActionReport) => void;
}

function spec(partial: Partial<ActionSpec> & Pick<ActionSpec, 'flowTypes'>): ActionSpec {
  const none: readonly never[] = [];
  return { required: none, optional: none, errors: ['NoMatchingError'], requiredErrors: none, conditions: false, terminal: false, forms: {}, enums: {}, exclusive: none, ...partial };
}

/**
 * The condition operators of the Flow language (https://docs.aws.amazon.com/connect/latest/APIReference/
 * flow-language-actions.html, its operator table: every operand type "String", count "One"). The Number operators
 * are false if either side is not a number, so a non-numeric operand can never match.
 */
const COMPARE_OPERATORS = [
  'Equals', 'TextStartsWith', 'TextEndsWith', 'TextContains', 'NumberGreaterThan', 'NumberGreaterOrEqualTo', 'NumberLessThan', 'NumberLessOrEqualTo',
];
const NUMBER = /^-?\d+(\.\d+)?$/;

/** A condition check for actions whose only operator is Equals, with one operand that `operand` accepts. */
function equalsOne(type: string, operand: RegExp, what: string): (operator: string, operands: readonly unknown[]) => string | undefined {
  return (operator, operands) => {
    if (operator !== 'Equals') return `${type} conditions use only the Equals operator, got ${JSON.stringify(operator)}`;
    if (operands.length !== 1 || typeof operands[0] !== 'string' || !operand.test(operands[0])) {
      return `a ${type} condition takes one operand, ${what}, got ${JSON.stringify(operands)}`;
    }
    return undefined;
  };
}

/** A JSONPath reference embedded in text: `$` and its segments, as long as they go. */
const EMBEDDED_PATH = new RegExp(`\\$${PATH_SEGMENT}+`, 'g');

/**
 * A JSONPath reference in prompt text must be followed by white space, a tag or the end of the text. Text and SSML
 * "may be defined statically or dynamically" (flow-language-actions-parameter-restrictions.html), so references such
 * as "Hello $.Attributes.name" are read out as their values; but the docs are silent on where a reference ends:
 * nothing says whether the "." that ends a sentence, or a ",", is read as part of the path (the admin guide's own
 * example, create-dynamic-text-strings.html, puts a "," right after one, and some console exports a "."), and no
 * escape is documented. Any character that might continue a path is a finding, so that the placeholder is read
 * as meant: follow a reference with a space or a closing tag instead.
 */
function checkPromptReferences(name: string, text: unknown, report: ActionReport): void {
  if (typeof text !== 'string') return;
  for (const reference of text.matchAll(EMBEDDED_PATH)) {
    const next = text.charAt(reference.index! + reference[0].length);
    if (next !== '' && next !== '<' && !/\s/.test(next)) {
      report(`${name}: the reference ${reference[0]} is directly followed by ${JSON.stringify(next)}, which may be read as part of it; follow it with a space or a tag`);
    }
  }
}

/** The prompt texts of MessageParticipant and GetParticipantInput. */
const PROMPT_TEXTS = (parameters: Parameters): Array<[string, unknown]> => [['Text', parameters.Text], ['SSML', parameters.SSML]];

/** The queue fields of GetMetricData, UpdateContactTargetQueue, CreateCallbackContact, DequeueContactAndTransferToQueue. */
const QUEUE_OR_AGENT = {
  optional: ['QueueId', 'AgentId'],
  // "must be either defined fully statically or as a single valid JSONPath identifier"; "If AgentId is specified,
  // this may not be specified" (no page says that one of them is required).
  forms: { QueueId: 'staticOrPath', AgentId: 'staticOrPath' } as Record<string, Form>,
  exclusive: [['QueueId', 'AgentId']],
};

/** MessageParticipantIteratively's Messages: a list of entries each holding one Text, PromptId, SSML or Media. */
function checkMessages(parameters: Parameters, report: ActionReport): void {
  const messages = parameters.Messages;
  if (messages === undefined) return;
  if (!Array.isArray(messages) || messages.length === 0) {
    report('Messages must be a non-empty list');
    return;
  }
  for (const [index, message] of messages.entries()) {
    const keys = isObject(message) ? Object.keys(message) : [];
    if (keys.length !== 1 || !PROMPT_PARAMETERS.includes(keys[0])) {
      report(`Messages[${index}] must hold exactly one of ${PROMPT_PARAMETERS.join(', ')}`);
      continue;
    }
    const problem = keys[0] === 'PromptId' ? formProblem((message as Parameters).PromptId, 'staticOrPath') : undefined;
    if (problem) report(`Messages[${index}].PromptId ${problem}, got ${JSON.stringify((message as Parameters).PromptId)}`);
  }
}

/** The keys of UpdateContactEventHooks (contact-actions-updatecontacteventhooks.html, current page); no OutboundWhisper. */
const EVENT_HOOKS = [
  'AgentHold', 'AgentWhisper', 'CustomerHold', 'CustomerQueue', 'CustomerRemaining', 'CustomerWhisper', 'DefaultAgentUI', 'DisconnectAgentUI', 'PauseContact',
  'ResumeContact',
];

/**
 * GetParticipantInput's InputValidation and InputEncryption (participant-actions-getparticipantinput.html): InputValidation
 * is "required if and only if StoreInput is True" and holds PhoneNumberValidation {NumberFormat "Local" | "E164",
 * CountryCode, which "must be defined if NumberFormat is Local"} or CustomValidation {MaximumLength}, all "Must be
 * defined statically"; InputEncryption {EncryptionKeyId, Key} "May only be specified if CustomValidation is provided".
 * The page is silent on CountryCode with E164: it is allowed. A CountryCode is two letters (ISO 3166-1 alpha-2).
 */
function checkInputValidation(parameters: Parameters, report: ActionReport): void {
  if ((parameters.StoreInput === 'True') !== (parameters.InputValidation !== undefined)) report('InputValidation is required exactly when StoreInput is "True"');
  const validation = parameters.InputValidation === undefined
    ? undefined
    : fieldsOf('InputValidation', parameters.InputValidation, ['PhoneNumberValidation', 'CustomValidation'], report);
  if (validation && (validation.PhoneNumberValidation === undefined) === (validation.CustomValidation === undefined)) {
    report('InputValidation must hold exactly one of PhoneNumberValidation, CustomValidation');
  }
  if (validation?.PhoneNumberValidation !== undefined) {
    const phone = fieldsOf('PhoneNumberValidation', validation.PhoneNumberValidation, ['NumberFormat', 'CountryCode'], report);
    if (phone && checkStatic('PhoneNumberValidation.NumberFormat', phone.NumberFormat, report)) {
      checkOneOf('PhoneNumberValidation.NumberFormat', phone.NumberFormat, ['Local', 'E164'], report);
    }
    if (phone?.CountryCode === undefined) {
      if (phone?.NumberFormat === 'Local') report('PhoneNumberValidation.CountryCode is required when NumberFormat is "Local"');
    } else if (checkStatic('PhoneNumberValidation.CountryCode', phone.CountryCode, report)
      && !(typeof phone.CountryCode === 'string' && (/^[A-Z]{2}$/.test(phone.CountryCode) || TOKEN.test(phone.CountryCode)))) {
      report(`PhoneNumberValidation.CountryCode must be a two-letter country code such as "US", got ${JSON.stringify(phone.CountryCode)}`);
    }
  }
  if (validation?.CustomValidation !== undefined) {
    const custom = fieldsOf('CustomValidation', validation.CustomValidation, ['MaximumLength'], report);
    if (custom && checkStatic('CustomValidation.MaximumLength', custom.MaximumLength, report) && !integerIn(custom.MaximumLength, 1, Number.MAX_SAFE_INTEGER)) {
      report(`CustomValidation.MaximumLength must be a whole number above 0, got ${JSON.stringify(custom.MaximumLength)}`);
    }
  }
  if (parameters.InputEncryption !== undefined) {
    if (validation?.CustomValidation === undefined) report('InputEncryption may only be given with InputValidation.CustomValidation');
    fieldsOf('InputEncryption', parameters.InputEncryption, ['EncryptionKeyId', 'Key'], report);
  }
}

const PROMPT_PARAMETERS = ['PromptId', 'Text', 'SSML', 'Media'];
/** "May not be specified if Text or SSML is also specified", and so on; the pages are silent on Media. */
const ONE_PROMPT = ['PromptId', 'Text', 'SSML'];

export const ACTION_SPECS: Readonly<Record<string, ActionSpec>> = {
  // https://docs.aws.amazon.com/connect/latest/APIReference/flow-control-actions-compare.html: "available in every
  // type of flow"; the error is NoMatchingCondition "if no other Condition matches"; operators: COMPARE_OPERATORS.
  Compare: spec({
    flowTypes: ALL_FLOW_TYPES,
    required: ['ComparisonValue'],
    // ComparisonValue: "Any single JSONPath identifier that is valid for the contact flow data object".
    forms: { ComparisonValue: 'path' },
    errors: ['NoMatchingCondition'],
    conditions: true,
    condition: (operator, operands) => {
      if (!COMPARE_OPERATORS.includes(operator)) return `Compare has no operator ${JSON.stringify(operator)} (it has ${COMPARE_OPERATORS.join(', ')})`;
      if (operands.length !== 1 || typeof operands[0] !== 'string') return `a Compare condition takes exactly one operand, a string, got ${JSON.stringify(operands)}`;
      if (operator.startsWith('Number') && !NUMBER.test(operands[0])) return `${operator} compares numbers: its operand must be a number, got ${JSON.stringify(operands[0])}`;
      return undefined;
    },
  }),
  // flow-control-actions-endflowexecution: "only in whisper flows and customer queue flows".
  EndFlowExecution: spec({ flowTypes: [...WHISPERS, 'CUSTOMER_QUEUE'], errors: [], terminal: true }),
  // interactions-invokelambdafunction: "supported by all channels and in all types of flows".
  InvokeLambdaFunction: spec({
    flowTypes: ALL_FLOW_TYPES,
    required: ['LambdaFunctionARN', 'InvocationTimeLimitSeconds'],
    optional: ['InvocationType', 'LambdaInvocationAttributes', 'ResponseValidation'],
    // InvocationTimeLimitSeconds "Must be set statically", and so is ResponseValidation.
    forms: { InvocationTimeLimitSeconds: 'static', ResponseValidation: 'static' },
    // InvocationType: "SYNCHRONOUS" or "ASYNCHRONOUS" (the page gives no default and no static/dynamic rule).
    enums: { InvocationType: ['SYNCHRONOUS', 'ASYNCHRONOUS'] },
    requiredErrors: ['NoMatchingError'],
    check: (parameters, report) => {
      // ResponseValidation {ResponseType}: "STRING_MAP" (flat string keys and values) or "JSON" (nested allowed).
      if (parameters.ResponseValidation !== undefined) {
        const validation = fieldsOf('ResponseValidation', parameters.ResponseValidation, ['ResponseType'], report);
        if (validation) checkOneOf('ResponseValidation.ResponseType', validation.ResponseType, ['STRING_MAP', 'JSON'], report);
      }
      if (parameters.InvocationTimeLimitSeconds !== undefined && !integerIn(parameters.InvocationTimeLimitSeconds, 1, MAX_LAMBDA_SECONDS)) {
        report(`InvocationTimeLimitSeconds must be a whole number of seconds from 1 to ${MAX_LAMBDA_SECONDS}, got ${JSON.stringify(parameters.InvocationTimeLimitSeconds)}`);
      }
    },
  }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/interactions-createcallbackcontact.html: "contact flows,
  // transfer flows, and customer queue flows"; errors NoMatchingError only. ContactFlowId is on the current page ("If
  // you specify a ContactFlowId, then InitialCallDelaySeconds parameter is ignored"); the part of the page that
  // defines it was not seen, so its value is not checked. No CallerId: no version of the page nor any export has it.
  // The page does not say which parameters are required; every export has the three numbers, so they are required.
  CreateCallbackContact: spec({
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE', ...TRANSFERS],
    required: ['InitialCallDelaySeconds', 'MaximumConnectionAttempts', 'RetryDelaySeconds'],
    optional: ['QueueId', 'AgentId', 'ContactFlowId'],
    // The three numbers "Must be defined statically".
    forms: { ...QUEUE_OR_AGENT.forms, InitialCallDelaySeconds: 'static', MaximumConnectionAttempts: 'static', RetryDelaySeconds: 'static' },
    exclusive: QUEUE_OR_AGENT.exclusive,
    check: (parameters, report) => {
      if (parameters.MaximumConnectionAttempts !== undefined && parameters.MaximumConnectionAttempts !== ZERO_RETRIES) {
        report(`a callback must not be retried (retries = 0: MaximumConnectionAttempts "${ZERO_RETRIES}"), got ${JSON.stringify(parameters.MaximumConnectionAttempts)}`);
      }
      for (const name of ['InitialCallDelaySeconds', 'RetryDelaySeconds']) {
        if (parameters[name] !== undefined && !integerIn(parameters[name], 1, MAX_CALLBACK_DELAY_SECONDS)) {
          report(`${name} must be a whole number of seconds from 1 to ${MAX_CALLBACK_DELAY_SECONDS}, got ${JSON.stringify(parameters[name])}`);
        }
      }
    },
  }),
  // participant-actions-messageparticipant: "contact flows, transfer flows, whisper flows, and customer queue flows".
  MessageParticipant: spec({
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE', ...WHISPERS, ...TRANSFERS],
    optional: PROMPT_PARAMETERS,
    // PromptId "either statically or as a single valid JSONPath identifier"; Text and SSML statically or dynamically.
    forms: { PromptId: 'staticOrPath' },
    exclusive: [ONE_PROMPT],
    prompts: PROMPT_TEXTS,
  }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/participant-actions-getparticipantinput.html: "contact
  // flows, transfer flows, and customer queue flows but not in whisper flows or hold flows". No Lex parameters: a
  // "Get customer input" block with a Lex bot is ConnectParticipantWithLexBot (participant-actions-
  // connectparticipantwithlexbot.html), as the console exports it. Errors by StoreInput: the page's list (2022 text)
  // gives NoMatchingCondition "only if StoreInput is False", NoMatchingError "always", InvalidPhoneNumber "only if
  // StoreInput is true, and PhoneNumberValidation is specified", and no InputTimeLimitExceeded; the console exports
  // InputTimeLimitExceeded on every block that does not store its input and on none that does (a stored input that
  // times out takes the success branch, adminguide/store-customer-input.html). The exports win: both are followed.
  GetParticipantInput: spec({
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE', ...TRANSFERS],
    required: ['InputTimeLimitSeconds'],
    optional: [...PROMPT_PARAMETERS, 'StoreInput', 'InputValidation', 'InputEncryption', 'DTMFConfiguration'],
    // InputTimeLimitSeconds and StoreInput "Must be defined statically".
    forms: { PromptId: 'staticOrPath', InputTimeLimitSeconds: 'static', StoreInput: 'static' },
    enums: { StoreInput: ['True', 'False'] },
    errors: ['NoMatchingError', 'NoMatchingCondition', 'InputTimeLimitExceeded', 'InvalidPhoneNumber'],
    requiredErrors: ['NoMatchingError'],
    conditions: true,
    exclusive: [ONE_PROMPT],
    prompts: PROMPT_TEXTS,
    // Conditions: "only the Equals operator"; operands "must be static and be a single character - 0-9 numeric, *, or #".
    condition: equalsOne('GetParticipantInput', /^[0-9*#]$/, 'a single key 0-9, * or #'),
    variant: (parameters) => {
      if (parameters.StoreInput !== 'True') {
        return { errors: ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError'], conditions: true, when: 'unless StoreInput is "True"' };
      }
      // With StoreInput "True" there is "no run result and conditions are not supported".
      return isObject(parameters.InputValidation) && parameters.InputValidation.PhoneNumberValidation !== undefined
        ? { errors: ['NoMatchingError', 'InvalidPhoneNumber'], conditions: false, when: 'with StoreInput "True"' }
        : { errors: ['NoMatchingError'], conditions: false, when: 'with StoreInput "True" and no PhoneNumberValidation' };
    },
    check: (parameters, report) => {
      if (parameters.InputTimeLimitSeconds !== undefined && !integerIn(parameters.InputTimeLimitSeconds, 1, Number.MAX_SAFE_INTEGER)) {
        report('InputTimeLimitSeconds must be a whole number of seconds above 0');
      }
      checkInputValidation(parameters, report);
      if (parameters.DTMFConfiguration !== undefined) {
        // "InputTerminationSequence": "Up to five digits"; the page says digits, and every export and example writes
        // "#", so the DTMF keys 0-9, * and # are allowed. "DisableCancelKey": "True" or "False". Second-hand copies of
        // the current page (its body was not visible) also list InterdigitTimeLimitSeconds: accepted, not checked.
        const dtmf = fieldsOf('DTMFConfiguration', parameters.DTMFConfiguration, ['InputTerminationSequence', 'DisableCancelKey', 'InterdigitTimeLimitSeconds'], report);
        const sequence = dtmf?.InputTerminationSequence;
        if (sequence !== undefined && !(typeof sequence === 'string' && /^[0-9*#]{1,5}$/.test(sequence))) {
          report(`DTMFConfiguration.InputTerminationSequence must be one to five keys 0-9, * or #, got ${JSON.stringify(sequence)}`);
        }
        if (dtmf?.DisableCancelKey !== undefined) checkOneOf('DTMFConfiguration.DisableCancelKey', dtmf.DisableCancelKey, ['True', 'False'], report);
      }
    },
  }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/participant-actions-disconnectparticipant.html (current
  // page): "supported for all channels and in contact flows, transfer flows, and customer queue flows", so not in
  // hold or whisper flows (the 2022 page said "everywhere"; the current page wins). Whisper flows end with
  // EndFlowExecution instead, as every console export of one does.
  DisconnectParticipant: spec({ flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE', ...TRANSFERS], errors: [], terminal: true }),
  // contact-actions-updatecontactattributes: "any type of flow and any channel".
  // TargetContact: "Current" or "Related", "Must be defined statically".
  UpdateContactAttributes: spec({
    flowTypes: ALL_FLOW_TYPES,
    required: ['Attributes'],
    optional: ['TargetContact'],
    forms: { TargetContact: 'static' },
    enums: { TargetContact: ['Current', 'Related'] },
  }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/contact-actions-updatecontactcallbacknumber.html: "contact
  // flows, transfer flows, and customer queue flows"; its errors are exactly InvalidCallbackNumber and
  // CallbackNumberNotDialable (no NoMatchingError: neither the page, the block, nor any console export has one).
  UpdateContactCallbackNumber: spec({
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE', ...TRANSFERS],
    required: ['CallbackNumber'],
    // CallbackNumber: "Must be a single, valid JSONPath reference, and cannot be set statically."
    forms: { CallbackNumber: 'path' },
    errors: ['InvalidCallbackNumber', 'CallbackNumberNotDialable'],
  }),
  // contact-actions-updatecontacteventhooks: "supported in all types of flows".
  UpdateContactEventHooks: spec({
    flowTypes: ALL_FLOW_TYPES,
    required: ['EventHooks'],
    check: (parameters, report) => {
      if (!isObject(parameters.EventHooks)) return;
      if (Object.keys(parameters.EventHooks).length !== 1) report('EventHooks must hold exactly one entry');
      // "Keys must be defined statically"; the value, a flow id or ARN, may be dynamic.
      for (const key of Object.keys(parameters.EventHooks)) {
        if (holdsPath(key)) report(`EventHooks keys must be defined statically (no JSONPath), got ${JSON.stringify(key)}`);
        else checkOneOf('an EventHooks key', key, EVENT_HOOKS, report);
      }
    },
  }),
  // contact-actions-updatecontacttargetqueue: "only in contact flows and transfer flows".
  UpdateContactTargetQueue: spec({ flowTypes: ['CONTACT_FLOW', ...TRANSFERS], ...QUEUE_OR_AGENT }),
  // flow-control-actions-updateflowloggingbehavior (docs.aws.amazon.com/connect/latest/APIReference/
  // flow-control-actions-updateflowloggingbehavior.html): "available in every type of flow"; FlowLoggingBehavior is
  // "One of [Enabled,Disabled]", no dynamic values; no conditions; errors: none.
  UpdateFlowLoggingBehavior: spec({
    flowTypes: ALL_FLOW_TYPES,
    required: ['FlowLoggingBehavior'],
    forms: { FlowLoggingBehavior: 'static' },
    enums: { FlowLoggingBehavior: ['Enabled', 'Disabled'] },
    errors: [],
  }),
  // contact-actions-transfercontacttoqueue: "contact flows and transfer flows"; it takes no parameters.
  TransferContactToQueue: spec({ flowTypes: ['CONTACT_FLOW', ...TRANSFERS], errors: ['NoMatchingError', 'QueueAtCapacity'] }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/contact-actions-dequeuecontactandtransfertoqueue.html ("Transfer
  // to queue" in a customer queue flow): "only supported in the customer queue flow"; errors QueueAtCapacity and
  // NoMatchingError; no conditions.
  DequeueContactAndTransferToQueue: spec({ flowTypes: ['CUSTOMER_QUEUE'], ...QUEUE_OR_AGENT, errors: ['NoMatchingError', 'QueueAtCapacity'] }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/participant-actions-messageparticipantiteratively.html ("Loop
  // prompts"): "supported in Customer Queue, Customer Hold, and Agent Hold flows"; Messages entries are Text, PromptId,
  // SSML or Media; it completes with "MessagesInterrupted" after InterruptFrequencySeconds, and that is the only
  // condition ("only the Equals operator", "The only supported operand is MessagesInterrupted"); error NoMatchingError.
  // The docs are silent on what NextAction means for a loop that is never interrupted, and the console's own sample
  // queue flow exports it with no NextAction (and no Errors): following the export, NextAction is optional. The page
  // does not say how InterruptFrequencySeconds is written; the exports write whole seconds as a string ("30").
  MessageParticipantIteratively: spec({
    flowTypes: ['CUSTOMER_QUEUE', 'CUSTOMER_HOLD', 'AGENT_HOLD'],
    required: ['Messages'],
    optional: ['InterruptFrequencySeconds'],
    conditions: true,
    condition: equalsOne('MessageParticipantIteratively', /^MessagesInterrupted$/, '"MessagesInterrupted"'),
    nextActionOptional: true,
    prompts: (parameters) => list(parameters.Messages).flatMap((message, index): Array<[string, unknown]> => (isObject(message)
      ? [[`Messages[${index}].Text`, message.Text], [`Messages[${index}].SSML`, message.SSML]]
      : [])),
    check: (parameters, report) => {
      checkMessages(parameters, report);
      const every = parameters.InterruptFrequencySeconds;
      if (every !== undefined && !unknownAtSynth(every) && !integerIn(every, 1, Number.MAX_SAFE_INTEGER)) {
        report(`InterruptFrequencySeconds must be a whole number of seconds above 0, got ${JSON.stringify(every)}`);
      }
    },
  }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/flow-control-actions-getmetricdata.html ("Get queue metrics"):
  // "available in every type of flow"; QueueId or AgentId (default: the contact's queue), QueueChannel "Either "Voice"
  // or "Chat". Can be set dynamically"; no conditions; error NoMatchingError. Results under $.Metrics.
  GetMetricData: spec({
    flowTypes: ALL_FLOW_TYPES,
    ...QUEUE_OR_AGENT,
    optional: [...QUEUE_OR_AGENT.optional, 'QueueChannel'],
    enums: { QueueChannel: ['Voice', 'Chat'] },
  }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/contact-actions-updatecontacttexttospeechvoice.html ("Set
  // voice"): "supported in all flow types". The docs conflict: the current page lets all three parameters be dynamic
  // and says NoMatchingError "Must always be defined"; the older page has them static and "Errors: None"; console
  // exports of the block carry no Errors at all. Following the exports, an error branch is allowed, not required; values
  // are checked when static. The page does not list the engines: Standard, Neural and Generative are what exports write
  // (the Set voice block offers neural, standard and generative voices). Styles: "None, Coversational [sic], or
  // Newscaster"; exports write "Conversational". The voice itself (a Polly voice name) is not checked.
  UpdateContactTextToSpeechVoice: spec({
    flowTypes: ALL_FLOW_TYPES,
    required: ['TextToSpeechVoice'],
    optional: ['TextToSpeechEngine', 'TextToSpeechStyle'],
    enums: { TextToSpeechEngine: ['Standard', 'Neural', 'Generative'], TextToSpeechStyle: ['None', 'Conversational', 'Newscaster'] },
  }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/flow-control-actions-checkhoursofoperation.html: "available in
  // inbound flows, transfer flows, and customer queue flows"; HoursOfOperationId (default: the queue's hours) "Must be
  // either fully static or fully dynamic"; "There must be a Condition provided for Equals True and a Condition for
  // Equals False, and no other conditions"; error NoMatchingError.
  CheckHoursOfOperation: spec({
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE', ...TRANSFERS],
    optional: ['HoursOfOperationId'],
    forms: { HoursOfOperationId: 'staticOrPath' },
    conditions: true,
    condition: equalsOne('CheckHoursOfOperation', /^(True|False)$/, '"True" or "False"'),
    requiredConditions: ['True', 'False'],
  }),
};

/** The spec of an action type; an own property only, so that "constructor" or "toString" is no action type. */
function specOfType(type: unknown): ActionSpec | undefined {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(ACTION_SPECS, type) ? ACTION_SPECS[type] : undefined;
}

/** Connect waits at most 8 seconds for a Lambda function (InvocationTimeLimitSeconds: "no larger than 8"). */
export const MAX_LAMBDA_SECONDS = 8;
/** CreateCallbackContact's InitialCallDelaySeconds and RetryDelaySeconds: "no greater than 259,200 (three days)". */
const MAX_CALLBACK_DELAY_SECONDS = 259_200;
/**
 * "Maximum number of retries = 0", as the console itself writes it: the published sample's set-callback flow
 * (aws-samples/amazon-connect-callbackmgmt, flows/cfSetCallBackflow, metadata status "published") is a console
 * export made with the block's "Maximum number of retries" at 0, and holds MaximumConnectionAttempts "0"; console
 * exports with the default of 1 retry hold "1" (with RetryDelaySeconds "600"), e.g. AWS's "Sample interruptible
 * queue flow with callback". So the console stores the retry count in this parameter as it is, and "1" would dial
 * an unanswered callback twice. The flow-language reference (interactions-createcallbackcontact.html) words it as a
 * number of attempts that "must be larger than zero": what the console demonstrably produced wins over that
 * sentence, and the live integration test (test/integ) is where CreateContactFlow's acceptance of "0" is settled.
 */
export const ZERO_RETRIES = '0';

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function integerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'string' && /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;
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

/**
 * Checks a parsed flow against the flow language and this library's rules (bounded Lambda timeouts with an
 * error branch, callbacks with zero retries). Returns every defect found; an empty list means none.
 */
export function checkFlow(flow: unknown, flowType: FlowType): FlowFinding[] {
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

  for (const [id, action] of actions) checkAction(id, action, flowType, actions, report);

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
  for (const cycle of cyclesOf(actions)) report(`is on a loop (${cycle.join(' > ')}): every retry must be unrolled, so a call always ends`, cycle[0]);
  return findings;
}

/**
 * Every loop of the flow graph, one per strongly connected component that has a cycle (a self-loop included),
 * each as a path that starts and ends at the same action. A flow without loops ends after at most as many steps
 * as it has actions, whatever the caller does; a loop (a menu that repeats "until" valid input) may never end.
 */
export function cyclesOf(actions: ReadonlyMap<string, Record<string, unknown>>): string[][] {
  const successors = (id: string) => successorsOf(actions.get(id)!).filter((next) => actions.has(next));
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
): void {
  const type = action.Type;
  const specOf = specOfType(type);
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
