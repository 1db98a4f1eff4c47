import {
  Arn, ArnFormat, Duration, Fn, Stack,
  aws_connect as connect,
  aws_iam as iam,
  aws_lambda as lambda,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { type AdmissionPolicy, admissionEnvironment, deferralDelaysSeconds } from './admission-policy';
import { ConnectArnParts } from './arns';
import { CallbackMode } from './callback-mode';
import {
  FLOW_TEMPLATES, FlowTemplateName, applyPrompts, bypass, fillPlaceholders, invocationTimeLimits, loadFlowTemplate, promptsOfTemplate,
  withDeferredCallbacks, withoutResults,
} from './flow-templates';
import { checkFlow, forceZeroRetries, startWithFlowLogging, startWithVoice } from './flows/flow-checker';
import { type LambdaReplyTables, unsetReferences } from './flows/flow-references';
import { HandlerFunctions, HandlerName } from './handler-functions';
import { HANDLER_OPTIONAL_REPLIES, HANDLER_REPLIES, HANDLER_REPLIES_BY_TRANSITION } from './handler-replies';
import { type CallbackPrompts, type PromptName, placeholderOf, promptParameter } from './prompts';
import { SpeechEngine, type Voice } from './voice';

/** The handlers the flows invoke, by the name their templates use in `${Function:<name>}`. */
const FLOW_HANDLERS = {
  'write-callback': { id: 'WriteCallback', description: 'Books a callback, or reports the caller\'s pending one' },
  'update-callback': { id: 'UpdateCallback', description: 'Applies one transition to a callback record' },
} as const satisfies Partial<Record<HandlerName, { id: string; description: string }>>;

type FlowHandlerName = keyof typeof FLOW_HANDLERS & keyof typeof HANDLER_REPLIES;

export interface ContactFlowsProps {
  readonly functions: HandlerFunctions;
  readonly instanceArn: string;
  /** Undefined when instanceArn is a token. */
  readonly instance?: ConnectArnParts;
  readonly queueArn: string;
  readonly namePrefix: string;
  readonly defaultCountry: string;
  readonly initialCallDelay: Duration;
  readonly contactFlowLogging: boolean;
  /** Every prompt, defaults filled in. */
  readonly prompts: Required<CallbackPrompts>;
  /** The voice of the flows customers hear (set-callback, outbound whisper, customer queue). */
  readonly voice: Voice;
  /** The voice of the flows agents hear (agent whisper, transferred-caller whisper). */
  readonly agentVoice: Voice;
  /** With an in-queue callback offer: seconds between offers. Undefined: no customer queue flow. */
  readonly offerIntervalSeconds?: number;
  /** The queue's estimated wait below which no callback is offered, in seconds. Undefined: always offered. */
  readonly minimumWaitSeconds?: number;
  readonly callbackMode: CallbackMode;
  /** CUSTOMER_FIRST only: the exported parameters merged into the set-callback flow's callback block (validated). */
  readonly customerFirstCallbackParameters?: Record<string, string>;
  /** The admission policy's rules, validated; its environment is set on write-callback. */
  readonly admissionPolicy?: AdmissionPolicy;
}

/** Which voice speaks each flow: agents may not speak the customers' language. */
const AGENT_FLOWS: readonly FlowTemplateName[] = ['agent-whisper', 'transferred-caller-whisper', 'answered-callback-whisper'];

/**
 * The contact flows and what they call: the flow-facing functions, their integration associations with the
 * instance, and the three CfnContactFlow resources, filled from the templates in flows/ with every ARN, forced to
 * a single connection attempt per callback, and checked by the flow checker before synthesis.
 */
export class ContactFlows extends Construct {
  public readonly writeCallback: lambda.Function;
  public readonly updateCallback: lambda.Function;
  public readonly setCallbackFlow: connect.CfnContactFlow;
  public readonly agentWhisperFlow: connect.CfnContactFlow;
  public readonly outboundWhisperFlow: connect.CfnContactFlow;
  public readonly transferredCallerWhisperFlow: connect.CfnContactFlow;
  /** The customer queue flow; undefined without an in-queue callback offer. */
  public readonly customerQueueFlow?: connect.CfnContactFlow;
  /** CUSTOMER_FIRST only: the creation flow of the queued leg C2. */
  public readonly callbackCreationFlow?: connect.CfnContactFlow;
  /** CUSTOMER_FIRST only: the outbound callback flow of the dialled leg C3. */
  public readonly outboundCallbackFlow?: connect.CfnContactFlow;
  /** CUSTOMER_FIRST only: the agent whisper of an answered dialled leg. */
  public readonly answeredCallbackWhisperFlow?: connect.CfnContactFlow;

  private readonly props: ContactFlowsProps;
  private replyTables: LambdaReplyTables = new Map();

  constructor(scope: Construct, id: string, props: ContactFlowsProps) {
    super(scope, id);
    this.props = props;
    const templates = Object.fromEntries(
      (Object.keys(FLOW_TEMPLATES) as FlowTemplateName[]).map((name) => [name, loadFlowTemplate(name)]),
    ) as Record<FlowTemplateName, unknown>;

    // A function's timeout is the time its flow blocks give it: Connect stops waiting then, so a longer
    // timeout would only let the function go on after the flow has taken its error branch.
    const limits = invocationTimeLimits(Object.values(templates));
    const flowFunction = (name: FlowHandlerName, asset: HandlerName = name) => props.functions.create(this, FLOW_HANDLERS[name].id, asset, {
      description: FLOW_HANDLERS[name].description,
      timeout: Duration.seconds(singleLimit(limits, name)),
    });

    const policy = props.admissionPolicy ?? {};
    // Only the closing-time rules call Connect from a booking: their asset carries the Connect client, and a construct
    // without them keeps the write-callback asset, which has none.
    const hoursArn = policy.hoursOfOperationArn;
    this.writeCallback = flowFunction('write-callback', hoursArn === undefined ? 'write-callback' : 'write-callback-hours');
    // create: one transaction of a Put (record) and a Put (active pointer), with the admission policy's daily limit an
    // Update (the number's counter) too; a queue at capacity reads the number's pointer (GetItem).
    // A refusal for the hours reads the number's pointer as the capacity rule's does (EXISTS still wins).
    props.functions.grantTable(this.writeCallback, 'dynamodb:PutItem',
      ...(policy.maxQueuedContacts !== undefined || hoursArn !== undefined ? ['dynamodb:GetItem'] : []),
      ...(policy.maxCallbacksPerNumberPerDay !== undefined ? ['dynamodb:UpdateItem'] : []));
    const environment = admissionEnvironment(props.admissionPolicy, {
      instanceId: props.instance?.instanceId,
      customerFirst: props.callbackMode === CallbackMode.CUSTOMER_FIRST,
    });
    for (const [name, value] of Object.entries(environment)) this.writeCallback.addEnvironment(name, value);
    if (hoursArn !== undefined) props.functions.allowGetEffectiveHours(this.writeCallback, hoursArn);
    this.updateCallback = flowFunction('update-callback');
    props.functions.grantTable(this.updateCallback, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    props.functions.allowStopContact(this.updateCallback);

    const invoked: Record<FlowHandlerName, lambda.Function> = {
      'write-callback': this.writeCallback,
      'update-callback': this.updateCallback,
    };
    // Connect may invoke only functions associated with the instance, and each association needs a resource
    // policy that lets this instance, and only it, invoke the function.
    const associations = Object.values(invoked).map((fn) => this.associateWithInstance(fn));

    const values: Record<string, string> = { QueueArn: props.queueArn, DefaultCountry: props.defaultCountry };
    for (const [name, fn] of Object.entries(invoked)) values[`Function:${name}`] = fn.functionArn;
    if (props.minimumWaitSeconds !== undefined) values.MinimumWaitSeconds = String(props.minimumWaitSeconds);
    if (props.offerIntervalSeconds !== undefined) values.OfferIntervalSeconds = String(props.offerIntervalSeconds);
    this.replyTables = new Map(Object.entries(invoked)
      .map(([name, fn]) => [fn.functionArn, {
        handler: name,
        replies: HANDLER_REPLIES[name as FlowHandlerName],
        optionalReplies: HANDLER_OPTIONAL_REPLIES[name as FlowHandlerName],
        byTransition: HANDLER_REPLIES_BY_TRANSITION[name as FlowHandlerName],
      }]));

    this.agentWhisperFlow = this.contactFlow('AgentWhisperFlow', 'agent-whisper', templates, values, associations);
    values['Flow:agent-whisper'] = this.agentWhisperFlow.attrContactFlowArn;
    this.outboundWhisperFlow = this.contactFlow('OutboundWhisperFlow', 'outbound-whisper', templates, values, associations);
    // What the agent hears for a caller the set-callback flow transfers to the queue after a failed booking: the
    // flow points the caller's agent whisper hook here instead of at the callback whisper (no documented form
    // clears a hook, so it is replaced by this one).
    this.transferredCallerWhisperFlow = this.contactFlow('TransferredCallerWhisperFlow', 'transferred-caller-whisper', templates, values, associations);
    values['Flow:transferred-caller-whisper'] = this.transferredCallerWhisperFlow.attrContactFlowArn;
    if (props.callbackMode === CallbackMode.CUSTOMER_FIRST) {
      // The dialled leg's flow names its agent whisper; the flows that create callbacks (set-callback, customer queue)
      // name the other two, through the exported parameters' placeholders.
      this.answeredCallbackWhisperFlow = this.contactFlow('AnsweredCallbackWhisperFlow', 'answered-callback-whisper', templates, values, associations);
      values['Flow:answered-callback-whisper'] = this.answeredCallbackWhisperFlow.attrContactFlowArn;
      this.outboundCallbackFlow = this.contactFlow('OutboundCallbackFlow', 'outbound-callback', templates, values, associations);
      values['Flow:outbound-callback'] = this.outboundCallbackFlow.attrContactFlowArn;
      this.callbackCreationFlow = this.contactFlow('CallbackCreationFlow', 'callback-creation', templates, values, associations);
      values['Flow:callback-creation'] = this.callbackCreationFlow.attrContactFlowArn;
    }
    if (props.offerIntervalSeconds !== undefined) {
      // Runs while a caller waits in a queue whose contacts an inbound flow pointed at it (UpdateContactEventHooks,
      // CustomerQueue), the set-callback flow's own transfers included.
      this.customerQueueFlow = this.contactFlow('CustomerQueueFlow', 'customer-queue', templates, values, associations);
      values['Flow:customer-queue'] = this.customerQueueFlow.attrContactFlowArn;
    }
    this.setCallbackFlow = this.contactFlow('SetCallbackFlow', 'set-callback', templates, values, associations);
  }

  /** The template with the parts the props leave out taken out: the wait check, the customer queue flow hook. */
  private withOptionalParts(name: FlowTemplateName, template: any): any {
    const policy = this.props.admissionPolicy ?? {};
    const capacity = policy.maxQueuedContacts !== undefined;
    const dailyLimit = policy.maxCallbacksPerNumberPerDay !== undefined;
    const hours = policy.hoursOfOperationArn !== undefined;
    if (!capacity) withoutResults(template, ['AT_CAPACITY']);
    if (!dailyLimit) withoutResults(template, ['LIMIT_REACHED']);
    if (!hours) withoutResults(template, ['CLOSING', 'CLOSED']);
    // A contact the customer queue flow refused for good (its daily limit, the closing time) is not offered again.
    if (name === 'customer-queue' && !dailyLimit && !hours) bypass(template, ['check-refused'], 'check-refused', 'hold');
    // Deferred callbacks: one callback block per listed delay, which the handler's deferSeconds picks.
    const delays = deferralDelaysSeconds(policy);
    if (delays.length > 0) {withDeferredCallbacks(template, delays);} else {
      withoutResults(template, ['CLOSED_DEFERRED']);
      bypass(template, ['choose-callback-delay', 'create-callback-deferred', 'say-callback-deferred', 'say-queue-callback-deferred'],
        'choose-callback-delay', 'create-callback');
    }
    if (name === 'set-callback' && capacity) {
      // The queue's size comes from the flow's Get queue metrics block, run once at the start ($.Metrics.Queue.Size,
      // "Contacts in queue": adminguide/connect-attrib-list.html), and goes with each booking.
      for (const action of template.Actions) {
        if (action.Type === 'InvokeLambdaFunction' && action.Parameters?.LambdaFunctionARN === '${Function:write-callback}') {
          action.Parameters.LambdaInvocationAttributes = { ...action.Parameters.LambdaInvocationAttributes, contactsInQueue: '$.Metrics.Queue.Size' };
        }
      }
      // Without a wait threshold the metrics block stays for the size, and only the wait check goes.
      if (this.props.minimumWaitSeconds === undefined) bypass(template, ['check-queue-wait', 'offer-queue'], 'check-queue-wait', 'choose-number');
    }
    if (this.props.minimumWaitSeconds === undefined) {
      if (name === 'set-callback' && !capacity) bypass(template, ['get-queue-wait', 'check-queue-wait', 'offer-queue'], 'get-queue-wait', 'choose-number');
      if (name === 'customer-queue') bypass(template, ['get-queue-wait', 'check-queue-wait'], 'get-queue-wait', 'offer-callback');
    }
    if (name === 'set-callback' && this.props.offerIntervalSeconds === undefined) {
      bypass(template, ['set-customer-queue-flow'], 'set-customer-queue-flow', 'transfer-to-queue');
    }
    return template;
  }

  /**
   * A placeholder of a prompt the flow cannot fill on some path to it is refused, naming the prompt: e.g. the number
   * read back where no number was entered, or the time of a booking where the handler's answer has none.
   */
  private checkPromptReferences(name: FlowTemplateName, prompts: ReadonlyMap<string, string[]>, flow: unknown): void {
    for (const unset of unsetReferences(flow, this.replyTables)) {
      const said = prompts.get(unset.actionId);
      if (!said) continue;
      const message = /^Messages\[(\d+)\]/.exec(unset.parameter);
      const prompt = said[message ? Number(message[1]) : 0] ?? said[0];
      const placeholder = placeholderOf(unset.reference) ?? unset.reference;
      throw new Error(`prompts.${prompt} uses ${placeholder}, which the ${name} flow cannot fill where it says it (${unset.actionId}): ${unset.reason}`);
    }
  }

  private associateWithInstance(fn: lambda.Function): connect.CfnIntegrationAssociation {
    const { instanceArn, instance } = this.props;
    fn.addPermission('InvokeFromConnectInstance', {
      principal: new iam.ServicePrincipal('connect.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: instance?.account ?? Arn.split(instanceArn, ArnFormat.SLASH_RESOURCE_NAME).account,
      sourceArn: instanceArn,
    });
    return new connect.CfnIntegrationAssociation(this, `${fn.node.id}Integration`, {
      instanceId: instanceArn,
      integrationType: 'LAMBDA_FUNCTION',
      integrationArn: fn.functionArn,
    });
  }

  private contactFlow(
    id: string,
    name: FlowTemplateName,
    templates: Record<FlowTemplateName, unknown>,
    values: Record<string, string>,
    associations: connect.CfnIntegrationAssociation[],
  ): connect.CfnContactFlow {
    const flowType = FLOW_TEMPLATES[name];
    const template = this.withOptionalParts(name, structuredClone(templates[name]));
    const voice = AGENT_FLOWS.includes(name) ? this.props.agentVoice : this.props.voice;
    const context = {
      instanceId: this.props.instance?.instanceId,
      neuralVoice: voice.engine === SpeechEngine.NEURAL || voice.engine === SpeechEngine.GENERATIVE,
    };
    const saying = promptsOfTemplate(template);
    applyPrompts(template, (prompt) => (prompt in this.props.prompts
      ? promptParameter(prompt, this.props.prompts[prompt as PromptName]!, context) : undefined), name);
    const exported = this.props.customerFirstCallbackParameters;
    const flow = fillPlaceholders(exported ? withCustomerFirstCallbacks(template, exported) : template, values, name);
    setInitialCallDelay(flow, this.props.initialCallDelay);
    // Whatever the template says, an agent-first callback is attempted once: a retry would ring a customer who
    // cancelled. A customer-first callback takes no retry settings at all: its dialled leg's flow decides, and ours
    // never retries (withCustomerFirstCallbacks).
    if (!exported) forceZeroRetries(flow);
    startWithVoice(flow, voice.voiceId, voice.engine);
    startWithFlowLogging(flow, this.props.contactFlowLogging);
    this.checkPromptReferences(name, saying, flow);
    const findings = checkFlow(flow, flowType, {
      lambdaReplies: this.replyTables,
      callbackMode: exported ? 'CUSTOMER_FIRST' : 'AGENT_FIRST',
      exportedCallbackParameters: Object.keys(exported ?? {}),
    });
    if (findings.length > 0) {
      throw new Error(`the ${name} flow is not valid:\n${findings.map((f) => `  - ${f.actionId ?? '(flow)'}: ${f.message}`).join('\n')}`);
    }
    const resource = new connect.CfnContactFlow(this, id, {
      instanceArn: this.props.instanceArn,
      name: `${this.props.namePrefix}-${name}`,
      type: flowType,
      state: 'ACTIVE',
      description: `Callback management: ${name} (managed by CDK)`,
      content: Stack.of(this).toJsonString(flow),
    });
    // The flow's content names the functions; Connect refuses a flow whose functions are not associated yet.
    for (const association of associations) resource.node.addDependency(association);
    return resource;
  }
}

/** The one InvocationTimeLimitSeconds every block invoking `name` uses; the templates must agree on it. */
function singleLimit(limits: ReadonlyMap<string, ReadonlySet<number>>, name: string): number {
  const found = [...(limits.get(`Function:${name}`) ?? [])];
  if (found.length !== 1) {
    throw new Error(`every flow block invoking ${name} must give it the same InvocationTimeLimitSeconds, found ${found.length === 0 ? 'none' : found.join(', ')}`);
  }
  return found[0];
}

/**
 * The template with its callback blocks made customer-first: "C2 does not support the Maximum number of retries and
 * Minimum time between attempts settings ... That functionality is only available for agent first callbacks"
 * (adminguide/customer-first-cb.html), so the template's two agent-first retry settings are left out, and the exported
 * parameters, which select the mode and name the construct's flows by placeholder, are merged in as given (an export
 * that holds retry settings brings its own back).
 */
function withCustomerFirstCallbacks(template: any, exported: Record<string, string>): any {
  const flow = JSON.parse(JSON.stringify(template));
  for (const action of flow.Actions ?? []) {
    if (action.Type !== 'CreateCallbackContact') continue;
    const { MaximumConnectionAttempts: _retries, RetryDelaySeconds: _delay, ...kept } = action.Parameters ?? {};
    action.Parameters = { ...kept, ...exported };
  }
  return flow;
}

/** The construct's initialCallDelay on every callback block but the deferred ones, whose delay is their own. */
function setInitialCallDelay(flow: any, delay: Duration): void {
  for (const action of flow.Actions ?? []) {
    if (action.Type === 'CreateCallbackContact' && !String(action.Identifier).startsWith('create-callback-deferred')) {
      action.Parameters = { ...action.Parameters, InitialCallDelaySeconds: String(delay.toSeconds()) };
    }
  }
}

/** Flow ARNs end in `.../contact-flow/<id>`. */
export function flowIdOf(flowArn: string): string {
  return Fn.select(3, Fn.split('/', flowArn));
}
