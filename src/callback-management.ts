import {
  Annotations, CfnOutput, Duration, Fn, Names, RemovalPolicy,
  aws_apigatewayv2 as apigwv2,
  aws_cloudwatch as cloudwatch,
  aws_connect as connect,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_kinesis as kinesis,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_sns as sns,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { type AdmissionPolicy } from './admission-policy';
import { assertQueueBelongsToInstance, parseInstanceArn, parsePhoneNumberArn, parseQueueArn } from './arns';
import {
  CALLBACK_CREATION_FLOW_PLACEHOLDER, CallbackMode, OUTBOUND_CALLBACK_FLOW_PLACEHOLDER, validateCustomerFirstParameters,
} from './callback-mode';
import { CallbacksApi } from './callbacks-api';
import { ContactFlows, flowIdOf } from './contact-flows';
import { EventProcessing } from './event-processing';
import { HandlerFunctions, allowLogsToUseKey } from './handler-functions';
import {
  Alarms, DEFAULT_METRICS_NAMESPACE, METRICS_ENV, type MonitoredFunction, OPEN_RECORDS_INDEX, Reconciler, createDashboard,
} from './operations';
import { CallbackAlarmThresholds } from './operations-options';
import { PhoneNumberAssociation } from './phone-number-association';
import { type CallbackPrompts, allEnglishDefaults, promptsWithDefaults } from './prompts';
import { QueueOutboundWhisper } from './queue-outbound-whisper';
import {
  assertInstanceInStackEnvironment, validateCountry, validateDurationRange, validateNamePrefix, validateTimeZone,
} from './validation';
import { DEFAULT_VOICE, type Voice, checkLocale, checkVoice } from './voice';

/**
 * The callback offer made to callers waiting in a queue: a customer queue flow (type CUSTOMER_QUEUE) that loops hold
 * messages (`prompts.queueHold`) and, every `interval`, offers "press 1 to be called back" (`prompts.queueOffer`).
 */
export interface InQueueCallbackOffer {
  /**
   * How often the offer is made while the caller waits. More than 20 seconds: Amazon Connect's Loop prompts block
   * asks for an interruption period greater than 20 seconds (an agent has 20 seconds to accept a contact, and a contact
   * being joined with an agent cannot be interrupted).
   *
   * @default Duration.seconds(60)
   */
  readonly interval?: Duration;
}

export { CallbackMode } from './callback-mode';

/**
 * Properties of a CallbackManagement construct.
 */
export interface CallbackManagementProps {
  /**
   * ARN of the existing Amazon Connect instance, e.g.
   * `arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555`.
   *
   * The instance must be in the region and account the stack deploys to: Amazon Connect invokes only functions
   * associated with it there, creates its flows there and sends its contact events to that account's default bus.
   * An instance in another region or account is refused at synth; with an environment-agnostic stack (or a token)
   * this cannot be checked, and it is up to you.
   */
  readonly instanceArn: string;

  /**
   * The Kinesis data stream that the instance streams its contact records (CTRs) to.
   * An encrypted stream works: read access (including its key) is granted to the processor.
   */
  readonly stream: kinesis.IStream;

  /**
   * ARN of the queue that callbacks wait in. It must belong to `instanceArn`.
   */
  readonly queueArn: string;

  /**
   * Prefix of every physical name the construct chooses (the contact flows' names).
   * Give each construct in one account and instance its own prefix.
   *
   * @default - a name derived from the construct's path, unique within the app
   */
  readonly namePrefix?: string;

  /**
   * How long a finished (COMPLETED) callback record is kept before DynamoDB TTL deletes it.
   * Between 1 hour and 7 days. Open records (PENDING or CANCELLED) are never expired while their
   * callback may still be queued: they are kept for 17 days and 1 hour from creation (Amazon Connect keeps a
   * queued callback for 7 to 14 days, after an initial delay of at most 3 days; the hour covers the time between
   * the record's write and the callback's creation).
   *
   * @default Duration.hours(24)
   */
  readonly callbackTtl?: Duration;

  /**
   * What happens to the callback table when the construct is removed from the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A customer-managed KMS key for everything the construct stores: the callback table, the processors'
   * dead-letter queues and the functions' log groups.
   *
   * CloudWatch Logs must be allowed to use the key. For a key defined in the app, the construct adds that to its
   * key policy (for `logs.<region>.amazonaws.com`, limited to this account's log groups in the region). For an
   * imported key, its owner must add the same statement to the key policy before deploying, as the CloudWatch
   * Logs User Guide ("Encrypt log data in CloudWatch Logs using AWS KMS") shows, or the log groups fail to create.
   *
   * @default - AWS-managed encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Whether point-in-time recovery is enabled on the callback table.
   *
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;

  /**
   * How long the functions' log groups keep their logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * ISO 3166-1 alpha-2 country used to read numbers that callers enter without a country code.
   *
   * @default 'US'
   */
  readonly defaultCountry?: string;

  /**
   * IANA time zone in which times are spoken to callers, e.g. 'America/New_York'.
   *
   * @default 'UTC'
   */
  readonly timeZone?: string;

  /**
   * How long Amazon Connect waits before routing a new callback, so the caller has time to hang up.
   * Between 1 second and 3 days.
   *
   * @default Duration.seconds(10)
   */
  readonly initialCallDelay?: Duration;

  /**
   * Whether a caller may cancel a callback booked for a number other than the one they are calling from.
   * Off by default, so that nobody can cancel a stranger's callback by typing their number.
   *
   * @default false
   */
  readonly allowCancelForOtherNumber?: boolean;

  /**
   * ARN of a claimed phone number to associate with the set-callback flow. The association is
   * made with a custom resource (CloudFormation has no resource for it) and removed on delete.
   *
   * @default - no number is associated; associate one in the console
   */
  readonly phoneNumberArn?: string;

  /**
   * Whether to set the queue's outbound whisper flow to the construct's outbound whisper flow.
   * A custom resource keeps the queue's caller ID name and number and puts the previous flow back on delete; a queue
   * that had none gets the instance's "Default outbound" flow (Connect has no documented way to clear the flow, and the
   * default flow is what runs for a queue without one). The deployment fails if the queue already has another
   * callback management construct's outbound whisper flow, or if it has none and the instance has no "Default outbound".
   *
   * @default true
   */
  readonly configureQueueOutboundWhisper?: boolean;

  /**
   * Whether to learn each callback's contact id from Amazon Connect contact events, within seconds of the
   * callback being created, rather than only from the inbound call's contact record (CTR), which is streamed
   * only after that call ends. With the id known early, a caller who cancels soon after booking has the
   * callback removed from the queue at once. The CTR stream stays the fallback either way.
   *
   * Adds an EventBridge rule on the default bus for this instance's new callback contacts, a function that
   * records the id, and an encrypted dead-letter queue. Amazon Connect sends contact events to EventBridge
   * without any setup. With an `encryptionKey` imported rather than defined in the app, its key policy must
   * let `events.amazonaws.com` use it (`kms:GenerateDataKey`, `kms:Decrypt`) to write to that queue.
   *
   * @default true
   */
  readonly learnCallbackIdFromContactEvents?: boolean;

  /**
   * Whether to add CloudFormation outputs for the table, functions and flows.
   *
   * @default false
   */
  readonly createOutputs?: boolean;

  /**
   * Whether the contact flows write flow logs to the instance's CloudWatch log group. Each flow starts with a
   * "Set logging behavior" block (`UpdateFlowLoggingBehavior`) set to `Enabled` or `Disabled` accordingly, so a
   * flow that transferred the contact in with logging on does not leave it on.
   *
   * Off by default: flow logs record the blocks' inputs and contact attributes, which include the caller's
   * and the callback number in clear, and they are kept under the instance's log group's own retention.
   * Turn it on to debug a flow, and preferably off again. Flow logs must also be enabled on the instance.
   *
   * @default false
   */
  readonly contactFlowLogging?: boolean;

  /**
   * CloudWatch namespace of the metrics the handlers write (bookings, cancels, removals by path, outcomes,
   * StopContact failures, ...), in embedded metric format. Every metric has the dimension `CallbackManagement` set to
   * the construct's `namePrefix`, so several constructs can share a namespace.
   *
   * @default 'CallbackManagement'
   */
  readonly metricsNamespace?: string;

  /**
   * Whether to create the construct's alarms (dead-letter queues, CTR iterator age, function errors and throttles,
   * DynamoDB throttles and system errors, StopContact failures, reconciler repairs). The README's "Alarms" section
   * says what each one means and what to do when it fires.
   *
   * @default true
   */
  readonly createAlarms?: boolean;

  /**
   * When the alarms fire.
   *
   * @default - the defaults of each CallbackAlarmThresholds property
   */
  readonly alarmThresholds?: CallbackAlarmThresholds;

  /**
   * An SNS topic every alarm notifies when it goes into ALARM.
   *
   * @default - the alarms notify nobody
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Whether to create a CloudWatch dashboard of the callback funnel, the latencies and the health.
   *
   * @default false
   */
  readonly createDashboard?: boolean;

  /**
   * Whether to run the reconciler: a scheduled function that reads the open (PENDING or CANCELLED) records from a
   * sparse index of the table, asks Amazon Connect (DescribeContact) what became of each callback, and repairs what
   * lost contact events or CTRs left behind: it completes a record whose callback ended (freeing the number), stops a
   * cancelled callback that is still queued, and frees the number of a record whose callback no documented API can
   * find once it is past the longest time a callback can wait (17 days).
   *
   * @default true
   */
  readonly enableReconciler?: boolean;

  /**
   * How often the reconciler runs: a whole number of minutes, between 1 minute and 1 day.
   *
   * @default Duration.minutes(10)
   */
  readonly reconcileInterval?: Duration;

  /**
   * Whether to create the callbacks API: an HTTPS API (API Gateway HTTP API, IAM authorization) to list the queue's
   * waiting callbacks (masked number, age, state, whether the callback contact id is known), read one, and cancel one.
   * Grant access with `grantList` and `grantCancel`; the `cdk-connect-callback-management callbacks` command calls it
   * with your AWS credentials. Its URL is a stack output.
   *
   * @default false
   */
  readonly enableCallbacksApi?: boolean;

  /**
   * What the flows say: one field per prompt, each a `Prompt` (text, SSML or an audio prompt of the instance), with
   * placeholders such as `{callbackNumber}` where the flow knows the value. `CallbackPromptSets.SPANISH_US` is a
   * complete US Spanish set. Fields left out say their English default. A placeholder a prompt cannot use there, an
   * unknown one or an SSML tag Amazon Connect does not support is refused at synth, naming the prompt.
   *
   * @default - the English defaults (`CallbackPromptSets.ENGLISH_US`)
   */
  readonly prompts?: CallbackPrompts;

  /**
   * The text-to-speech voice of what customers hear: the set-callback flow, the outbound whisper and the customer
   * queue flow each set it at their start. The voice fixes the language, so it must speak the prompts' language.
   *
   * @default - Joanna (US English), Amazon Connect's default voice
   */
  readonly voice?: Voice;

  /**
   * The voice of what agents hear (the agent whisper and the transferred-caller whisper), when agents are spoken to
   * in another language or voice than customers.
   *
   * @default - `voice`
   */
  readonly agentVoice?: Voice;

  /**
   * The BCP 47 locale times are spoken in to customers, e.g. 'es-US' ("2:05 p.m."): it must be of the language of
   * `voice`.
   *
   * @default - the language of `voice` where the library knows the voice (e.g. 'es-US' for Lupe), else 'en-US'
   */
  readonly locale?: string;

  /**
   * Offer a callback to callers waiting in a queue: creates a customer queue flow (`customerQueueFlowArn`). Point a
   * caller at it from your own inbound flow, with a "Set customer queue flow" block (UpdateContactEventHooks,
   * `CustomerQueue`) before the transfer to the queue; the set-callback flow does so itself for the callers it puts
   * through to the queue. The callback is created in `queueArn`, with the same booking and dedupe as the set-callback
   * flow's.
   *
   * @default - no customer queue flow
   */
  readonly inQueueCallbackOffer?: InQueueCallbackOffer;

  /**
   * Offer callbacks only when the queue's estimated wait for voice contacts (Amazon Connect's "Get metrics" block) is
   * at least this long. Below it, the customer queue flow makes no offer at that interval, and the set-callback flow
   * tells the caller the wait is short and offers to put them through to the queue instead (`prompts.shortWait`).
   * When Amazon Connect returns no estimate, the callback is offered.
   *
   * @default - callbacks are offered whatever the wait
   */
  readonly minimumWaitForCallback?: Duration;

  /**
   * How Amazon Connect runs the callbacks: agent first (the agent accepts, then the customer is dialled) or customer
   * first (the customer is dialled, and offered to an agent once they answer; Next Generation Amazon Connect only).
   *
   * In CUSTOMER_FIRST mode the construct adds a creation flow for the queued leg (it stops a cancelled callback before
   * it is queued, so before any dial), an outbound callback flow for the dialled leg (it ends the record on a voicemail,
   * tells a customer whose callback was cancelled meanwhile so and hangs up, and queues everyone else for an agent, with
   * an agent whisper of its own), and processors that follow all three contacts. No documented flow-language parameter
   * selects the mode: give `customerFirstCallbackParameters`. See the README, "Choosing a callback mode".
   *
   * @default CallbackMode.AGENT_FIRST
   */
  readonly callbackMode?: CallbackMode;

  /**
   * CUSTOMER_FIRST only, and required then: the parameters of a customer-first "Transfer to queue" (callback) block as
   * your instance exports them, other than QueueId and InitialCallDelaySeconds, which the construct sets. They are
   * merged into the set-callback flow's callback block as given; where your export names the block's outbound callback
   * flow and its creation flow, give `CallbackManagement.OUTBOUND_CALLBACK_FLOW_ARN` and
   * `CallbackManagement.CALLBACK_CREATION_FLOW_ARN`, which the construct replaces with its own flows' ARNs.
   *
   * The flow-language reference documents no parameter for the mode or the outbound callback flow, and no public
   * export shows one, so the construct cannot write them itself: export a flow with such a block from your instance
   * (see the README) and copy its CreateCallbackContact parameters here. They are not checked beyond their form.
   *
   * @default - none; required with CallbackMode.CUSTOMER_FIRST
   */
  readonly customerFirstCallbackParameters?: Record<string, string>;

  /**
   * Offer a callback only when it can be kept: a queue capacity and a per-number daily limit, each optional, decided in
   * the booking call itself. A refused caller hears the rule's prompt (`atCapacity`, `limitReached`,
   * `queueLimitReached`).
   *
   * @default - no policy: every callback asked for is booked
   */
  readonly admissionPolicy?: AdmissionPolicy;
}

/** Names of the environment variables the handlers read (lambda-src/shared/contract.ts; checked by a test). */
const ENV = {
  TABLE_NAME: 'TABLE_NAME',
  QUEUE_ARN: 'QUEUE_ARN',
  INSTANCE_ARN: 'INSTANCE_ARN',
  DEFAULT_COUNTRY: 'DEFAULT_COUNTRY',
  COMPLETED_RECORD_TTL_SECONDS: 'COMPLETED_RECORD_TTL_SECONDS',
  ALLOW_CANCEL_FOR_OTHER_NUMBER: 'ALLOW_CANCEL_FOR_OTHER_NUMBER',
  TIME_ZONE: 'TIME_ZONE',
  METRICS_NAMESPACE: METRICS_ENV.NAMESPACE,
  METRICS_SERVICE: METRICS_ENV.SERVICE,
  LOCALE: 'LOCALE',
  CALLBACK_MODE: 'CALLBACK_MODE',
} as const;

const TABLE_PARTITION_KEY = 'pk';
const TABLE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * Amazon Connect callback management: the callback table, the contact flows and the functions they call, and
 * the processors that learn what became of each callback from contact events and the CTR stream.
 *
 * Each concern is a construct of its own (src/contact-flows.ts, src/event-processing.ts,
 * src/queue-outbound-whisper.ts, src/phone-number-association.ts, src/operations.ts for the reconciler, alarms and
 * dashboard, src/callbacks-api.ts); this one validates the props, creates the table, wires the parts together and
 * exposes what users need.
 */
export class CallbackManagement extends Construct {
  /**
   * In `customerFirstCallbackParameters`: the value that stands for the ARN of the construct's outbound callback flow,
   * the flow the dialled leg of a customer-first callback runs.
   */
  public static readonly OUTBOUND_CALLBACK_FLOW_ARN: string = OUTBOUND_CALLBACK_FLOW_PLACEHOLDER;
  /**
   * In `customerFirstCallbackParameters`: the value that stands for the ARN of the construct's callback creation flow,
   * the flow the queued leg of a customer-first callback runs before it is queued.
   */
  public static readonly CALLBACK_CREATION_FLOW_ARN: string = CALLBACK_CREATION_FLOW_PLACEHOLDER;

  /** The callback table. */
  public readonly table: dynamodb.ITable;
  /** Name of the callback table. */
  public readonly tableName: string;

  /** Books a callback: creates the PENDING record or reports the caller's existing one (set-callback flow). */
  public readonly writeCallbackFunction: lambda.IFunction;
  /** Applies one state transition to a callback record (set-callback and both whisper flows). */
  public readonly updateCallbackFunction: lambda.IFunction;
  /** Reads the CTR stream and records each callback's contact id. */
  public readonly ctrProcessorFunction: lambda.IFunction;
  /**
   * Records each callback's contact id from the contact event of its creation.
   * Undefined when `learnCallbackIdFromContactEvents` is false.
   */
  public readonly contactEventProcessorFunction?: lambda.IFunction;

  /** Name of the write-callback function. */
  public readonly writeCallbackFunctionName: string;
  /** Name of the update-callback function. */
  public readonly updateCallbackFunctionName: string;
  /** Name of the CTR processor function. */
  public readonly ctrProcessorFunctionName: string;
  /**
   * Name of the contact event processor function.
   * Undefined when `learnCallbackIdFromContactEvents` is false.
   */
  public readonly contactEventProcessorFunctionName?: string;

  /** Where CTR batches that still fail after the retries are sent. */
  public readonly deadLetterQueue: sqs.IQueue;

  /**
   * The EventBridge rule (default bus) that sends this instance's new callback contacts to the contact event
   * processor. Undefined when `learnCallbackIdFromContactEvents` is false.
   */
  public readonly contactEventRule?: events.IRule;
  /**
   * Where contact events go that could not be delivered to the contact event processor, or that it failed on
   * after its retries. Undefined when `learnCallbackIdFromContactEvents` is false.
   */
  public readonly contactEventDeadLetterQueue?: sqs.IQueue;

  /** The set-callback flow (type CONTACT_FLOW): associate it with a number, or transfer callers to it. */
  public readonly setCallbackFlow: connect.CfnContactFlow;
  /** The agent whisper flow (type AGENT_WHISPER). */
  public readonly agentWhisperFlow: connect.CfnContactFlow;
  /** The outbound whisper flow (type OUTBOUND_WHISPER). */
  public readonly outboundWhisperFlow: connect.CfnContactFlow;
  /**
   * The agent whisper of a caller whom the set-callback flow transfers to the queue because their callback could
   * not be booked (type AGENT_WHISPER): it tells the agent so, instead of the callback whisper.
   */
  public readonly transferredCallerWhisperFlow: connect.CfnContactFlow;

  /** ARN of the set-callback flow. */
  public readonly setCallbackFlowArn: string;
  /** Id of the set-callback flow. */
  public readonly setCallbackFlowId: string;
  /** ARN of the agent whisper flow. */
  public readonly agentWhisperFlowArn: string;
  /** Id of the agent whisper flow. */
  public readonly agentWhisperFlowId: string;
  /** ARN of the outbound whisper flow. */
  public readonly outboundWhisperFlowArn: string;
  /** Id of the outbound whisper flow. */
  public readonly outboundWhisperFlowId: string;
  /** ARN of the transferred caller's agent whisper flow. */
  public readonly transferredCallerWhisperFlowArn: string;
  /** Id of the transferred caller's agent whisper flow. */
  public readonly transferredCallerWhisperFlowId: string;

  /**
   * The customer queue flow (type CUSTOMER_QUEUE) that offers waiting callers a callback.
   * Undefined without `inQueueCallbackOffer`.
   */
  public readonly customerQueueFlow?: connect.CfnContactFlow;
  /**
   * ARN of the customer queue flow: what your inbound flow's "Set customer queue flow" block names.
   * Undefined without `inQueueCallbackOffer`.
   */
  public readonly customerQueueFlowArn?: string;
  /** Id of the customer queue flow. Undefined without `inQueueCallbackOffer`. */
  public readonly customerQueueFlowId?: string;
  /** The locale times are spoken in. */
  public readonly locale: string;

  /** The prefix of the flows' names. */
  public readonly namePrefix: string;

  /** CloudWatch namespace of the handlers' metrics (their `CallbackManagement` dimension is `namePrefix`). */
  public readonly metricsNamespace: string;
  /** The construct's alarms; empty when `createAlarms` is false. */
  public readonly alarms: cloudwatch.IAlarm[];
  /** The CloudWatch dashboard. Undefined unless `createDashboard` is true. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** The reconciler. Undefined when `enableReconciler` is false. */
  public readonly reconcilerFunction?: lambda.IFunction;
  /** The EventBridge rule that runs the reconciler. Undefined when `enableReconciler` is false. */
  public readonly reconcilerRule?: events.IRule;
  /** The callbacks API. Undefined unless `enableCallbacksApi` is true. */
  public readonly callbacksApi?: apigwv2.IHttpApi;
  /** URL of the callbacks API (also a stack output). Undefined unless `enableCallbacksApi` is true. */
  public readonly callbacksApiUrl?: string;
  /** Serves the callbacks API's list and read. Undefined unless `enableCallbacksApi` is true. */
  public readonly listCallbacksFunction?: lambda.IFunction;
  /** Serves the callbacks API's cancel. Undefined unless `enableCallbacksApi` is true. */
  public readonly cancelCallbackFunction?: lambda.IFunction;

  private readonly api?: CallbacksApi;
  /** How Amazon Connect runs the callbacks (the `callbackMode` prop). */
  public readonly callbackMode: CallbackMode;
  /**
   * The creation flow of a customer-first callback's queued leg (type CONTACT_FLOW). Undefined in agent-first mode.
   */
  public readonly callbackCreationFlow?: connect.CfnContactFlow;
  /** ARN of the callback creation flow. Undefined in agent-first mode. */
  public readonly callbackCreationFlowArn?: string;
  /**
   * The outbound callback flow of a customer-first callback's dialled leg (type CONTACT_FLOW). Undefined in agent-first
   * mode.
   */
  public readonly outboundCallbackFlow?: connect.CfnContactFlow;
  /** ARN of the outbound callback flow. Undefined in agent-first mode. */
  public readonly outboundCallbackFlowArn?: string;
  /**
   * What the agent hears for a customer-first callback whose customer answered (type AGENT_WHISPER). Undefined in
   * agent-first mode.
   */
  public readonly answeredCallbackWhisperFlow?: connect.CfnContactFlow;
  /** ARN of the answered callback's agent whisper flow. Undefined in agent-first mode. */
  public readonly answeredCallbackWhisperFlowArn?: string;

  constructor(scope: Construct, id: string, props: CallbackManagementProps) {
    super(scope, id);

    const instance = parseInstanceArn(props.instanceArn, 'instanceArn');
    if (instance) assertInstanceInStackEnvironment(this, instance);
    const queue = parseQueueArn(props.queueArn, 'queueArn');
    if (instance && queue) assertQueueBelongsToInstance(instance, queue);
    const phoneNumber = props.phoneNumberArn === undefined ? undefined : parsePhoneNumberArn(props.phoneNumberArn, 'phoneNumberArn');
    if (!props.stream) throw new Error('stream is required: the Kinesis data stream the instance streams its contact records to');
    this.callbackMode = props.callbackMode ?? CallbackMode.AGENT_FIRST;
    if (!Object.values(CallbackMode).includes(this.callbackMode)) {
      throw new Error(`callbackMode must be CallbackMode.AGENT_FIRST or CallbackMode.CUSTOMER_FIRST, got ${JSON.stringify(props.callbackMode)}`);
    }
    const customerFirstCallbackParameters = validateCustomerFirstParameters(this.callbackMode, props.customerFirstCallbackParameters);

    const callbackTtl = props.callbackTtl ?? Duration.hours(24);
    validateDurationRange(callbackTtl, 'callbackTtl', 3600, 7 * 24 * 3600, '1 hour and 7 days');
    const initialCallDelay = props.initialCallDelay ?? Duration.seconds(10);
    validateDurationRange(initialCallDelay, 'initialCallDelay', 1, 259_200, '1 second and 3 days');
    const defaultCountry = validateCountry(props.defaultCountry ?? 'US');
    const timeZone = validateTimeZone(props.timeZone ?? 'UTC');
    this.namePrefix = props.namePrefix === undefined
      ? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' })
      : validateNamePrefix(props.namePrefix);
    if (props.encryptionKey) allowLogsToUseKey(this, props.encryptionKey);
    const createAlarms = props.createAlarms ?? true;
    if (!createAlarms && props.alarmThresholds !== undefined) throw new Error('alarmThresholds is given but createAlarms is false');
    if (!createAlarms && props.alarmTopic !== undefined) throw new Error('alarmTopic is given but createAlarms is false');
    const enableReconciler = props.enableReconciler ?? true;
    if (!enableReconciler && props.reconcileInterval !== undefined) throw new Error('reconcileInterval is given but enableReconciler is false');
    const enableCallbacksApi = props.enableCallbacksApi ?? false;
    this.metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    // CloudWatch namespaces: 1 to 255 characters, not starting with "AWS/" (reserved for AWS services).
    if (!/^[A-Za-z0-9._\-/#:]{1,255}$/.test(this.metricsNamespace) || this.metricsNamespace.startsWith('AWS/')) {
      throw new Error(`metricsNamespace must be 1 to 255 letters, digits and . - _ / # : and not start with "AWS/", got '${this.metricsNamespace}'`);
    }
    const instanceId = instance?.instanceId ?? Fn.select(1, Fn.split('instance/', props.instanceArn));
    const speech = this.speechSettings(props);
    this.locale = speech.locale;

    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      encryption: props.encryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.table = table;
    this.tableName = table.tableName;
    if (enableReconciler || enableCallbacksApi) {
      // Sparse: only a record carries openQueueArn, from its booking until it is COMPLETED (callback-store.ts), so the
      // reconciler and the API read the open records without scanning the table.
      table.addGlobalSecondaryIndex({
        indexName: OPEN_RECORDS_INDEX.NAME,
        partitionKey: { name: OPEN_RECORDS_INDEX.PARTITION_KEY, type: dynamodb.AttributeType.STRING },
        sortKey: { name: OPEN_RECORDS_INDEX.SORT_KEY, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const functions = new HandlerFunctions({
      table,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.encryptionKey,
      contactArns: `arn:${instance?.partition ?? '${AWS::Partition}'}:connect:${instance?.region ?? '${AWS::Region}'}:`
        + `${instance?.account ?? '${AWS::AccountId}'}:instance/${instanceId}/contact/*`,
      openRecordsIndex: OPEN_RECORDS_INDEX.NAME,
      environment: {
        [ENV.TABLE_NAME]: table.tableName,
        [ENV.QUEUE_ARN]: props.queueArn,
        [ENV.INSTANCE_ARN]: props.instanceArn,
        [ENV.DEFAULT_COUNTRY]: defaultCountry,
        [ENV.COMPLETED_RECORD_TTL_SECONDS]: String(callbackTtl.toSeconds()),
        [ENV.ALLOW_CANCEL_FOR_OTHER_NUMBER]: String(props.allowCancelForOtherNumber ?? false),
        [ENV.TIME_ZONE]: timeZone,
        [ENV.METRICS_NAMESPACE]: this.metricsNamespace,
        [ENV.METRICS_SERVICE]: this.namePrefix,
        [ENV.LOCALE]: speech.locale,
        [ENV.CALLBACK_MODE]: this.callbackMode,
      },
    });

    const flows = new ContactFlows(this, 'Flows', {
      functions,
      instanceArn: props.instanceArn,
      instance,
      queueArn: props.queueArn,
      namePrefix: this.namePrefix,
      defaultCountry,
      initialCallDelay,
      contactFlowLogging: props.contactFlowLogging ?? false,
      prompts: speech.prompts,
      voice: speech.voice,
      agentVoice: speech.agentVoice,
      offerIntervalSeconds: speech.offerIntervalSeconds,
      minimumWaitSeconds: speech.minimumWaitSeconds,
      callbackMode: this.callbackMode,
      customerFirstCallbackParameters,
      admissionPolicy: props.admissionPolicy,
    });
    this.writeCallbackFunction = flows.writeCallback;
    this.writeCallbackFunctionName = flows.writeCallback.functionName;
    this.updateCallbackFunction = flows.updateCallback;
    this.updateCallbackFunctionName = flows.updateCallback.functionName;
    this.setCallbackFlow = flows.setCallbackFlow;
    this.agentWhisperFlow = flows.agentWhisperFlow;
    this.outboundWhisperFlow = flows.outboundWhisperFlow;
    this.transferredCallerWhisperFlow = flows.transferredCallerWhisperFlow;
    this.transferredCallerWhisperFlowArn = flows.transferredCallerWhisperFlow.attrContactFlowArn;
    this.transferredCallerWhisperFlowId = flowIdOf(this.transferredCallerWhisperFlowArn);
    this.setCallbackFlowArn = flows.setCallbackFlow.attrContactFlowArn;
    this.agentWhisperFlowArn = flows.agentWhisperFlow.attrContactFlowArn;
    this.outboundWhisperFlowArn = flows.outboundWhisperFlow.attrContactFlowArn;
    this.setCallbackFlowId = flowIdOf(this.setCallbackFlowArn);
    this.agentWhisperFlowId = flowIdOf(this.agentWhisperFlowArn);
    this.outboundWhisperFlowId = flowIdOf(this.outboundWhisperFlowArn);
    this.customerQueueFlow = flows.customerQueueFlow;
    this.customerQueueFlowArn = flows.customerQueueFlow?.attrContactFlowArn;
    this.customerQueueFlowId = this.customerQueueFlowArn === undefined ? undefined : flowIdOf(this.customerQueueFlowArn);
    this.callbackCreationFlow = flows.callbackCreationFlow;
    this.callbackCreationFlowArn = flows.callbackCreationFlow?.attrContactFlowArn;
    this.outboundCallbackFlow = flows.outboundCallbackFlow;
    this.outboundCallbackFlowArn = flows.outboundCallbackFlow?.attrContactFlowArn;
    this.answeredCallbackWhisperFlow = flows.answeredCallbackWhisperFlow;
    this.answeredCallbackWhisperFlowArn = flows.answeredCallbackWhisperFlow?.attrContactFlowArn;

    const events_ = new EventProcessing(this, 'Events', {
      functions,
      instanceArn: props.instanceArn,
      stream: props.stream,
      encryptionKey: props.encryptionKey,
      learnCallbackIdFromContactEvents: props.learnCallbackIdFromContactEvents ?? true,
      callbackMode: this.callbackMode,
    });
    this.ctrProcessorFunction = events_.ctrProcessor;
    this.ctrProcessorFunctionName = events_.ctrProcessor.functionName;
    this.deadLetterQueue = events_.ctrDeadLetterQueue;
    this.contactEventProcessorFunction = events_.contactEventProcessor;
    this.contactEventProcessorFunctionName = events_.contactEventProcessor?.functionName;
    this.contactEventRule = events_.contactEventRule;
    this.contactEventDeadLetterQueue = events_.contactEventDeadLetterQueue;

    if (props.configureQueueOutboundWhisper ?? true) {
      new QueueOutboundWhisper(this, 'QueueOutboundWhisper', {
        functions,
        instanceArn: props.instanceArn,
        queueArn: props.queueArn,
        queueId: queue?.queueId,
        outboundFlowArn: this.outboundWhisperFlowArn,
      });
    }
    if (props.phoneNumberArn !== undefined) {
      new PhoneNumberAssociation(this, 'PhoneNumberAssociation', {
        functions,
        instanceArn: props.instanceArn,
        instanceId,
        phoneNumberArn: props.phoneNumberArn,
        phoneNumberId: phoneNumber?.phoneNumberId,
        contactFlowArn: this.setCallbackFlowArn,
        contactFlowId: this.setCallbackFlowId,
      });
    }

    const reconciler = enableReconciler
      ? new Reconciler(this, 'Reconciler', { functions, interval: props.reconcileInterval ?? Duration.minutes(10) })
      : undefined;
    this.reconcilerFunction = reconciler?.fn;
    this.reconcilerRule = reconciler?.rule;

    if (enableCallbacksApi) {
      this.api = new CallbacksApi(this, 'CallbacksApi', { functions });
      this.callbacksApi = this.api.api;
      this.callbacksApiUrl = this.api.url;
      this.listCallbacksFunction = this.api.listFunction;
      this.cancelCallbackFunction = this.api.cancelFunction;
    }

    const monitored: MonitoredFunction[] = [
      { name: 'write-callback', fn: this.writeCallbackFunction },
      { name: 'update-callback', fn: this.updateCallbackFunction },
      { name: 'ctr-processor', fn: this.ctrProcessorFunction },
      ...(this.contactEventProcessorFunction ? [{ name: 'contact-event-processor', fn: this.contactEventProcessorFunction }] : []),
      ...(reconciler ? [{ name: 'reconciler', fn: reconciler.fn }] : []),
      ...(this.api ? [{ name: 'list-callbacks', fn: this.api.listFunction }, { name: 'cancel-callback', fn: this.api.cancelFunction }] : []),
    ];
    const deadLetterQueues = [
      { name: 'CTR', queue: this.deadLetterQueue },
      ...(this.contactEventDeadLetterQueue ? [{ name: 'contact event', queue: this.contactEventDeadLetterQueue }] : []),
    ];
    this.alarms = createAlarms ? new Alarms(this, 'Alarms', {
      thresholds: props.alarmThresholds ?? {},
      namespace: this.metricsNamespace,
      service: this.namePrefix,
      functions: monitored,
      ctrProcessor: this.ctrProcessorFunction,
      deadLetterQueues,
      table,
      reconciler: reconciler !== undefined,
      alarmTopic: props.alarmTopic,
    }).alarms : [];
    if (props.createDashboard) {
      this.dashboard = createDashboard(this, 'Dashboard', {
        namespace: this.metricsNamespace,
        service: this.namePrefix,
        functions: monitored,
        ctrProcessor: this.ctrProcessorFunction,
        deadLetterQueues,
        alarms: this.alarms,
        reconciler: reconciler !== undefined,
      });
    }
    if (props.createOutputs) this.addOutputs();
  }

  /**
   * Lets `grantee` list the queue's waiting callbacks and read one by record id through the callbacks API
   * (execute-api:Invoke on `GET /callbacks`). Throws unless `enableCallbacksApi` is true.
   */
  public grantList(grantee: iam.IGrantable): iam.Grant {
    return this.requireApi('grantList').grantList(grantee);
  }

  /**
   * Lets `grantee` cancel a callback by record id through the callbacks API (execute-api:Invoke on
   * `POST /callbacks/cancel`). Throws unless `enableCallbacksApi` is true.
   */
  public grantCancel(grantee: iam.IGrantable): iam.Grant {
    return this.requireApi('grantCancel').grantCancel(grantee);
  }

  private requireApi(method: string): CallbacksApi {
    if (!this.api) throw new Error(`${method}() needs the callbacks API: set enableCallbacksApi to true`);
    return this.api;
  }

  /** The prompts, voices, locale and queue offer settings, checked. */
  private speechSettings(props: CallbackManagementProps) {
    const voice = props.voice ?? DEFAULT_VOICE;
    const agentVoice = props.agentVoice ?? voice;
    const customerCheck = checkVoice(voice, 'voice');
    const warnings = [...customerCheck.warnings, ...(props.agentVoice === undefined ? [] : checkVoice(agentVoice, 'agentVoice').warnings)];
    const locale = checkLocale(props.locale ?? customerCheck.language ?? 'en-US', customerCheck.language, `voice ${voice.voiceId}`);
    const prompts = promptsWithDefaults(props.prompts);
    if (allEnglishDefaults(prompts) && customerCheck.language !== undefined && !customerCheck.language.startsWith('en')) {
      warnings.push(`voice ${voice.voiceId} speaks ${customerCheck.language}, but the prompts are the English defaults: give prompts in its language`);
    }
    for (const warning of warnings) Annotations.of(this).addWarningV2('cdk-connect-callback-management:speech', warning);

    let offerIntervalSeconds: number | undefined;
    if (props.inQueueCallbackOffer) {
      const interval = props.inQueueCallbackOffer.interval ?? Duration.seconds(60);
      validateDurationRange(interval, 'inQueueCallbackOffer.interval', 21, 24 * 3600, '21 seconds and 24 hours');
      offerIntervalSeconds = interval.toSeconds();
    }
    let minimumWaitSeconds: number | undefined;
    if (props.minimumWaitForCallback) {
      validateDurationRange(props.minimumWaitForCallback, 'minimumWaitForCallback', 1, 24 * 3600, '1 second and 24 hours');
      minimumWaitSeconds = props.minimumWaitForCallback.toSeconds();
    }
    return { voice, agentVoice, locale, prompts, offerIntervalSeconds, minimumWaitSeconds };
  }

  private addOutputs(): void {
    const outputs: Record<string, string | undefined> = {
      TableName: this.tableName,
      SetCallbackFlowArn: this.setCallbackFlowArn,
      AgentWhisperFlowArn: this.agentWhisperFlowArn,
      OutboundWhisperFlowArn: this.outboundWhisperFlowArn,
      CustomerQueueFlowArn: this.customerQueueFlowArn,
      CallbackCreationFlowArn: this.callbackCreationFlowArn,
      OutboundCallbackFlowArn: this.outboundCallbackFlowArn,
      WriteCallbackFunctionName: this.writeCallbackFunctionName,
      UpdateCallbackFunctionName: this.updateCallbackFunctionName,
      CtrProcessorFunctionName: this.ctrProcessorFunctionName,
      DeadLetterQueueUrl: this.deadLetterQueue.queueUrl,
      ContactEventProcessorFunctionName: this.contactEventProcessorFunctionName,
      ContactEventDeadLetterQueueUrl: this.contactEventDeadLetterQueue?.queueUrl,
      ReconcilerFunctionName: this.reconcilerFunction?.functionName,
    };
    for (const [id, value] of Object.entries(outputs)) {
      if (value !== undefined) new CfnOutput(this, id, { value });
    }
  }
}
