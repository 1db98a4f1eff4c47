/**
 * The action table of the flow checker, written from the Flow language reference of the Amazon Connect API
 * Reference (https://docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html), one entry per
 * action page: its parameter object (which parameters, how each may be given, the values it allows), its errors,
 * its conditions, and its "Restrictions" section for the flow types. Only actions this library's flows may use
 * are listed. Where the docs are silent or contradict real console exports, the entry says so and follows what
 * Connect demonstrably produced (the export).
 */
import {
  ActionReport, Form, Parameters, TOKEN, checkOneOf, checkStatic, fieldsOf, formProblem, holdsPath, integerIn, isObject, list, unknownAtSynth,
} from './flow-values';

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

const ALL_FLOW_TYPES: readonly FlowType[] = [
  'CONTACT_FLOW', 'CUSTOMER_QUEUE', 'CUSTOMER_HOLD', 'CUSTOMER_WHISPER', 'AGENT_HOLD', 'AGENT_WHISPER',
  'OUTBOUND_WHISPER', 'AGENT_TRANSFER', 'QUEUE_TRANSFER',
];
const WHISPERS: readonly FlowType[] = ['CUSTOMER_WHISPER', 'AGENT_WHISPER', 'OUTBOUND_WHISPER'];
const TRANSFERS: readonly FlowType[] = ['AGENT_TRANSFER', 'QUEUE_TRANSFER'];

export interface ActionSpec {
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
 * The page is silent on CountryCode with E164: it is allowed. A CountryCode is "a two-letter country code": upper
 * case is required (ISO 3166-1 alpha-2, as every export writes it, and as the construct's defaultCountry must be).
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
  // https://docs.aws.amazon.com/connect/latest/APIReference/flow-control-actions-endflowexecution.html: "available only in whisper
  // flows and customer queue flows"; no parameters, no errors, "always a terminal action". (The "End flow / Resume"
  // block page, adminguide/end-flow-resume.html, says "All flows": the reference page is followed.)
  EndFlowExecution: spec({ flowTypes: [...WHISPERS, 'CUSTOMER_QUEUE'], errors: [], terminal: true }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/interactions-invokelambdafunction.html: "supported by all channels and in
  // all types of flows"; error NoMatchingError; InvocationTimeLimitSeconds "greater than 0, no larger than 8".
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
  // https://docs.aws.amazon.com/connect/latest/APIReference/participant-actions-messageparticipant.html: "contact flows, transfer
  // flows, whisper flows, and customer queue flows" (not hold flows); error NoMatchingError; no conditions.
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
  // https://docs.aws.amazon.com/connect/latest/APIReference/contact-actions-updatecontactattributes.html: "any type of flow and any
  // channel"; TargetContact: "Current" or "Related", "Must be defined statically"; error NoMatchingError.
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
  // https://docs.aws.amazon.com/connect/latest/APIReference/contact-actions-updatecontacteventhooks.html: "supported in all types of
  // flows"; "Only one entry may be present in this map", its key one of EVENT_HOOKS; error NoMatchingError.
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
  // https://docs.aws.amazon.com/connect/latest/APIReference/contact-actions-updatecontacttargetqueue.html: "only in inbound contact
  // flows and transfer flows"; QueueId or AgentId; error NoMatchingError.
  UpdateContactTargetQueue: spec({ flowTypes: ['CONTACT_FLOW', ...TRANSFERS], ...QUEUE_OR_AGENT }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/flow-control-actions-updateflowloggingbehavior.html: "available in every
  // type of flow"; FlowLoggingBehavior is "One of [Enabled,Disabled]", no dynamic values; no conditions; errors: none.
  UpdateFlowLoggingBehavior: spec({
    flowTypes: ALL_FLOW_TYPES,
    required: ['FlowLoggingBehavior'],
    forms: { FlowLoggingBehavior: 'static' },
    enums: { FlowLoggingBehavior: ['Enabled', 'Disabled'] },
    errors: [],
  }),
  // https://docs.aws.amazon.com/connect/latest/APIReference/contact-actions-transfercontacttoqueue.html: "inbound contact flows and
  // transfer flows" (in a customer queue flow, DequeueContactAndTransferToQueue); no parameters; errors QueueAtCapacity,
  // NoMatchingError.
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
  // https://docs.aws.amazon.com/connect/latest/APIReference/flow-control-actions-checkoutboundcallstatus.html ("Check call
  // progress"): parameter object "{ }"; results "CallAnswered", "VoicemailBeep", "VoicemailNoBeep", "NotDetected",
  // "only the "Equals" operator", those the "only supported operands"; error NoMatchingError "if no condition matches".
  // Flow types: its Restrictions say "works with Amazon Connect outbound campaigns only", while the Check call progress
  // block page lists "All flow types" (zh_cn copy of adminguide/check-call-progress.html), and "Use customer first
  // callback mode" (adminguide/customer-first-cb.html) uses the block in the outbound callback flow of a customer-first
  // callback. The later, specific page wins: every flow type, as the block page says.
  CheckOutboundCallStatus: spec({
    flowTypes: ALL_FLOW_TYPES,
    conditions: true,
    condition: equalsOne('CheckOutboundCallStatus', /^(CallAnswered|VoicemailBeep|VoicemailNoBeep|NotDetected)$/,
      '"CallAnswered", "VoicemailBeep", "VoicemailNoBeep" or "NotDetected"'),
    requiredErrors: ['NoMatchingError'],
  }),
};

/**
 * CreateCallbackContact of a customer-first callback. "C2 does not support the Maximum number of retries and Minimum
 * time between attempts settings in the Transfer to queue block. That functionality is only available for agent first
 * callbacks" (adminguide/customer-first-cb.html): the zero-retries rule, which exists so that an agent-first callback is
 * dialled once, does not apply, and the two numbers are not required (the construct writes neither). Which parameters
 * select the mode is documented nowhere and no public export shows them: the flow's own exported parameters
 * (checkFlow's `exportedCallbackParameters`) are accepted as given, unchecked.
 */
export const CUSTOMER_FIRST_CREATE_CALLBACK_CONTACT: ActionSpec = {
  ...ACTION_SPECS.CreateCallbackContact,
  required: ['InitialCallDelaySeconds'],
  optional: [...ACTION_SPECS.CreateCallbackContact.optional, 'MaximumConnectionAttempts', 'RetryDelaySeconds'],
  check: (parameters, report) => {
    for (const name of ['InitialCallDelaySeconds', 'RetryDelaySeconds']) {
      if (parameters[name] !== undefined && !integerIn(parameters[name], 1, MAX_CALLBACK_DELAY_SECONDS)) {
        report(`${name} must be a whole number of seconds from 1 to ${MAX_CALLBACK_DELAY_SECONDS}, got ${JSON.stringify(parameters[name])}`);
      }
    }
  },
};

/** The spec of an action type; an own property only, so that "constructor" or "toString" is no action type. */
export function specOfType(type: unknown): ActionSpec | undefined {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(ACTION_SPECS, type) ? ACTION_SPECS[type] : undefined;
}

