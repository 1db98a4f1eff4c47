import * as path from 'path';
import {
  Arn, ArnFormat, CfnOutput, CustomResource, Duration, Fn, Names, RemovalPolicy, Stack, Token, Validations,
  aws_connect as connect,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_kinesis as kinesis,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_lambda_destinations as destinations,
  aws_lambda_event_sources as eventSources,
  aws_logs as logs,
  aws_sqs as sqs,
  custom_resources as cr,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { ConnectArnParts, assertQueueBelongsToInstance, parseInstanceArn, parsePhoneNumberArn, parseQueueArn } from './arns';
import { FLOW_TEMPLATES, FlowTemplateName, fillPlaceholders, loadFlowTemplate } from './flow-templates';
import { checkFlow, forceZeroRetries, startWithFlowLogging } from './flows/flow-checker';
import { SUPPORTED_PHONE_REGIONS } from './phone-regions';

/**
 * Properties of a CallbackManagement construct.
 */
export interface CallbackManagementProps {
  /**
   * ARN of the existing Amazon Connect instance, e.g.
   * `arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555`.
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
   * callback may still be queued: they are kept for 17 days from creation (Amazon Connect keeps a
   * queued callback for 7 to 14 days, after an initial delay of at most 3 days).
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
   * A custom resource keeps the queue's caller ID name and number and puts the previous flow back on delete.
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
}

/** The handler assets in assets/lambda/, built from lambda-src/handlers/ before jsii compiles. */
type HandlerName =
  | 'get-10-digit-phone'
  | 'read-callback'
  | 'write-callback'
  | 'update-callback'
  | 'get-current-time'
  | 'stop-contact'
  | 'ctr-processor'
  | 'contact-event-processor'
  | 'queue-outbound-whisper';

/** Names of the environment variables the handlers read (lambda-src/shared/contract.ts; checked by a test). */
const ENV = {
  TABLE_NAME: 'TABLE_NAME',
  QUEUE_ARN: 'QUEUE_ARN',
  INSTANCE_ARN: 'INSTANCE_ARN',
  DEFAULT_COUNTRY: 'DEFAULT_COUNTRY',
  COMPLETED_RECORD_TTL_SECONDS: 'COMPLETED_RECORD_TTL_SECONDS',
  ALLOW_CANCEL_FOR_OTHER_NUMBER: 'ALLOW_CANCEL_FOR_OTHER_NUMBER',
  TIME_ZONE: 'TIME_ZONE',
} as const;

const TABLE_PARTITION_KEY = 'pk';
const TABLE_TTL_ATTRIBUTE = 'expiresAt';

/** The newest Node.js runtime in the lowest aws-cdk-lib we support; the bundles target it too. */
const HANDLER_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Connect waits at most 8 s for a Lambda; the handlers bound their own SDK calls well inside that. */
const CONNECT_FACING_TIMEOUT = Duration.seconds(8);

/**
 * The contact event of a new callback contact (CALLBACK_CONTACT_EVENT in lambda-src/shared/contract.ts, where
 * the sources are; checked by a test): sent when the flow creates the callback, before its initial delay.
 */
const CALLBACK_CONTACT_EVENT = {
  SOURCE: 'aws.connect',
  DETAIL_TYPE: 'Amazon Connect Contact Event',
  EVENT_TYPE: 'INITIATED',
  INITIATION_METHOD: 'CALLBACK',
} as const;

/**
 * Amazon Connect callback management: the callback table, the handlers, their Connect
 * integration, the contact event and CTR stream processors and the three wired contact flows.
 */
export class CallbackManagement extends Construct {
  /** The callback table. */
  public readonly table: dynamodb.ITable;
  /** Name of the callback table. */
  public readonly tableName: string;

  /** Normalizes a phone number to E.164 and its national form. */
  public readonly tenDigitPhoneFunction: lambda.IFunction;
  /** Reads a callback record. */
  public readonly readCallbackFunction: lambda.IFunction;
  /** Books a callback: creates the PENDING record or reports the caller's existing one. */
  public readonly writeCallbackFunction: lambda.IFunction;
  /** Applies one state transition to a callback record. */
  public readonly updateCallbackFunction: lambda.IFunction;
  /** Tells the current time in the configured time zone. */
  public readonly currentTimeFunction: lambda.IFunction;
  /** Removes a cancelled callback from the queue with StopContact. */
  public readonly stopContactFunction: lambda.IFunction;
  /** Reads the CTR stream and records each callback's contact id. */
  public readonly ctrProcessorFunction: lambda.IFunction;
  /**
   * Records each callback's contact id from the contact event of its creation.
   * Undefined when `learnCallbackIdFromContactEvents` is false.
   */
  public readonly contactEventProcessorFunction?: lambda.IFunction;

  /** Name of the get-10-digit-phone function. */
  public readonly tenDigitPhoneFunctionName: string;
  /** Name of the read-callback function. */
  public readonly readCallbackFunctionName: string;
  /** Name of the write-callback function. */
  public readonly writeCallbackFunctionName: string;
  /** Name of the update-callback function. */
  public readonly updateCallbackFunctionName: string;
  /** Name of the get-current-time function. */
  public readonly currentTimeFunctionName: string;
  /** Name of the stop-contact function. */
  public readonly stopContactFunctionName: string;
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

  /** The prefix of the flows' names. */
  public readonly namePrefix: string;

  private readonly instanceArn: string;
  private readonly logRetention: logs.RetentionDays;
  private readonly encryptionKey?: kms.IKey;
  private readonly contactFlowLogging: boolean;
  private readonly handlerEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: CallbackManagementProps) {
    super(scope, id);

    const instance = parseInstanceArn(props.instanceArn, 'instanceArn');
    const queue = parseQueueArn(props.queueArn, 'queueArn');
    if (instance && queue) assertQueueBelongsToInstance(instance, queue);
    const phoneNumber = props.phoneNumberArn === undefined ? undefined : parsePhoneNumberArn(props.phoneNumberArn, 'phoneNumberArn');
    if (!props.stream) throw new Error('stream is required: the Kinesis data stream the instance streams its contact records to');

    const callbackTtl = props.callbackTtl ?? Duration.hours(24);
    validateDurationRange(callbackTtl, 'callbackTtl', 3600, 7 * 24 * 3600, '1 hour and 7 days');
    const initialCallDelay = props.initialCallDelay ?? Duration.seconds(10);
    validateDurationRange(initialCallDelay, 'initialCallDelay', 1, 259_200, '1 second and 3 days');
    const defaultCountry = validateCountry(props.defaultCountry ?? 'US');
    const timeZone = validateTimeZone(props.timeZone ?? 'UTC');
    this.namePrefix = props.namePrefix === undefined
      ? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' })
      : validateNamePrefix(props.namePrefix);

    this.instanceArn = props.instanceArn;
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.encryptionKey = props.encryptionKey;
    this.contactFlowLogging = props.contactFlowLogging ?? false;
    if (props.encryptionKey) this.allowLogsToUseKey(props.encryptionKey);

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

    this.handlerEnvironment = {
      [ENV.TABLE_NAME]: table.tableName,
      [ENV.QUEUE_ARN]: props.queueArn,
      [ENV.INSTANCE_ARN]: props.instanceArn,
      [ENV.DEFAULT_COUNTRY]: defaultCountry,
      [ENV.COMPLETED_RECORD_TTL_SECONDS]: String(callbackTtl.toSeconds()),
      [ENV.ALLOW_CANCEL_FOR_OTHER_NUMBER]: String(props.allowCancelForOtherNumber ?? false),
      [ENV.TIME_ZONE]: timeZone,
    };

    const contactArns = this.instanceChildArn(instance, 'contact/*');
    const stopContact = new iam.PolicyStatement({ actions: ['connect:StopContact'], resources: [contactArns] });
    const grantTable = (fn: lambda.Function, ...actions: string[]) => {
      table.grant(fn, ...actions);
      if (props.encryptionKey) {
        props.encryptionKey.grantEncryptDecrypt(fn);
        acknowledge(fn.role, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', KMS_WILDCARD_REASON);
        acknowledge(fn.role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', KMS_WILDCARD_REASON);
      }
    };
    const allowStopContact = (fn: lambda.Function) => {
      fn.addToRolePolicy(stopContact);
      acknowledge(fn.role, `AwsSolutions-IAM5[Resource::${contactArns}]`, 'StopContact is authorized against the '
        + 'contact\'s ARN, and a callback\'s contact id is only known at run time (from a contact event or the CTR). '
        + 'The wildcard is bounded to the contacts of this one Amazon Connect instance, and to this one action.');
    };

    // Each function gets only the table actions its handler issues (TransactWriteItems is authorized per contained action).
    const getTenDigitPhone = this.connectFacingFunction('GetTenDigitPhone', 'get-10-digit-phone', 'Normalizes a phone number to E.164 and its national form');
    const getCurrentTime = this.connectFacingFunction('GetCurrentTime', 'get-current-time', 'Tells the current time in the configured time zone');
    const readCallback = this.connectFacingFunction('ReadCallback', 'read-callback', 'Reads a callback record');
    grantTable(readCallback, 'dynamodb:GetItem');
    const writeCallback = this.connectFacingFunction('WriteCallback', 'write-callback', 'Books a callback, or reports the caller\'s pending one');
    grantTable(writeCallback, 'dynamodb:PutItem');
    const updateCallback = this.connectFacingFunction('UpdateCallback', 'update-callback', 'Applies one transition to a callback record');
    grantTable(updateCallback, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    allowStopContact(updateCallback);
    const stopContactFn = this.connectFacingFunction('StopContact', 'stop-contact', 'Removes a cancelled callback from the queue');
    grantTable(stopContactFn, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    allowStopContact(stopContactFn);

    const ctrProcessor = this.handlerFunction('CtrProcessor', 'ctr-processor', {
      description: 'Records each callback\'s contact id from the contact trace record stream',
      timeout: Duration.seconds(60),
    });
    grantTable(ctrProcessor, 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    allowStopContact(ctrProcessor);

    const deadLetterQueue = new sqs.Queue(this, 'CtrDeadLetterQueue', {
      encryption: props.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetterQueue = deadLetterQueue;
    acknowledge(deadLetterQueue, 'AwsSolutions-SQS3', DLQ_REASON);

    ctrProcessor.addEventSource(new eventSources.KinesisEventSource(props.stream, {
      // TRIM_HORIZON rather than LATEST: processing is idempotent and the filter below drops almost every
      // record before an invocation, so replaying the stream's retention window is cheap, while LATEST would
      // lose the callback ids of CTRs written while the mapping is being (re)created.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: 5,
      maxRecordAge: Duration.days(1),
      onFailure: new eventSources.SqsDlq(deadLetterQueue),
      // Only CTRs that matter to callbacks: the inbound call that booked one (the set-callback flow sets the
      // record id attribute) and callback contacts themselves. Everything else never invokes the function.
      filters: [
        lambda.FilterCriteria.filter({ data: { Attributes: { callbackRecordId: lambda.FilterRule.exists() } } }),
        lambda.FilterCriteria.filter({ data: { InitiationMethod: lambda.FilterRule.isEqual('CALLBACK') } }),
      ],
    }));

    this.tenDigitPhoneFunction = getTenDigitPhone;
    this.readCallbackFunction = readCallback;
    this.writeCallbackFunction = writeCallback;
    this.updateCallbackFunction = updateCallback;
    this.currentTimeFunction = getCurrentTime;
    this.stopContactFunction = stopContactFn;
    this.ctrProcessorFunction = ctrProcessor;
    this.tenDigitPhoneFunctionName = getTenDigitPhone.functionName;
    this.readCallbackFunctionName = readCallback.functionName;
    this.writeCallbackFunctionName = writeCallback.functionName;
    this.updateCallbackFunctionName = updateCallback.functionName;
    this.currentTimeFunctionName = getCurrentTime.functionName;
    this.stopContactFunctionName = stopContactFn.functionName;
    this.ctrProcessorFunctionName = ctrProcessor.functionName;

    if (props.learnCallbackIdFromContactEvents ?? true) {
      const contactEvents = this.learnCallbackIdFromContactEvents(props.instanceArn, props.encryptionKey, allowStopContact, grantTable);
      this.contactEventProcessorFunction = contactEvents.processor;
      this.contactEventProcessorFunctionName = contactEvents.processor.functionName;
      this.contactEventRule = contactEvents.rule;
      this.contactEventDeadLetterQueue = contactEvents.deadLetterQueue;
    }

    // Connect may invoke only functions associated with the instance, and each association needs
    // a resource policy that lets this instance, and only it, invoke the function.
    const flowFunctions: Record<string, lambda.Function> = {
      'get-10-digit-phone': getTenDigitPhone,
      'read-callback': readCallback,
      'write-callback': writeCallback,
      'update-callback': updateCallback,
      'get-current-time': getCurrentTime,
      'stop-contact': stopContactFn,
    };
    const associations = Object.values(flowFunctions).map((fn) => this.associateWithInstance(fn, instance));

    const flowValues: Record<string, string> = { QueueArn: props.queueArn, DefaultCountry: defaultCountry };
    for (const [name, fn] of Object.entries(flowFunctions)) flowValues[`Function:${name}`] = fn.functionArn;

    this.agentWhisperFlow = this.contactFlow('AgentWhisperFlow', 'agent-whisper', flowValues, associations, initialCallDelay);
    flowValues['Flow:agent-whisper'] = this.agentWhisperFlow.attrContactFlowArn;
    this.outboundWhisperFlow = this.contactFlow('OutboundWhisperFlow', 'outbound-whisper', flowValues, associations, initialCallDelay);
    this.setCallbackFlow = this.contactFlow('SetCallbackFlow', 'set-callback', flowValues, associations, initialCallDelay);

    this.agentWhisperFlowArn = this.agentWhisperFlow.attrContactFlowArn;
    this.outboundWhisperFlowArn = this.outboundWhisperFlow.attrContactFlowArn;
    this.setCallbackFlowArn = this.setCallbackFlow.attrContactFlowArn;
    this.agentWhisperFlowId = flowIdOf(this.agentWhisperFlowArn);
    this.outboundWhisperFlowId = flowIdOf(this.outboundWhisperFlowArn);
    this.setCallbackFlowId = flowIdOf(this.setCallbackFlowArn);

    if (props.configureQueueOutboundWhisper ?? true) {
      this.configureQueueOutboundWhisper(props.queueArn, queue);
    }
    if (props.phoneNumberArn !== undefined) {
      this.associatePhoneNumber(props.phoneNumberArn, phoneNumber?.phoneNumberId);
    }
    if (props.createOutputs) {
      this.addOutputs();
    }
  }

  private handlerFunction(id: string, handler: HandlerName, options: { description: string; timeout: Duration }): lambda.Function {
    // An explicit log group: the function's logRetention property is deprecated and creates an extra custom resource.
    const logGroup = this.logGroup(`${id}Logs`);
    // An explicit role, so it can write to its own log group only, rather than AWSLambdaBasicExecutionRole's
    // logs actions on every log group of the account.
    const role = this.logWritingRole(`${id}ServiceRole`, logGroup, `the ${handler} function`);
    return new lambda.Function(this, id, {
      runtime: HANDLER_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'assets', 'lambda', handler)),
      environment: this.handlerEnvironment,
      logGroup,
      role,
      ...options,
    });
  }

  /**
   * A Lambda role that may write to its own log group only, rather than AWSLambdaBasicExecutionRole's logs actions
   * on every log group of the account.
   */
  private logWritingRole(id: string, logGroup: logs.ILogGroup, what: string): iam.Role {
    const role = new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Role of ${what} of callback management`,
    });
    logGroup.grantWrite(role);
    return role;
  }

  /** A log group with the construct's retention, encrypted with its key if it has one. */
  private logGroup(id: string): logs.LogGroup {
    return new logs.LogGroup(this, id, { retention: this.logRetention, encryptionKey: this.encryptionKey });
  }

  /**
   * CloudWatch Logs encrypts with the key as itself, so the key policy must allow it (CloudWatch Logs User Guide,
   * "Encrypt log data in CloudWatch Logs using AWS KMS", step 2), limited by the encryption context to this
   * account's log groups in this region. An imported key's policy is not ours to change: the grant does nothing
   * for it, and the prop's documentation tells its owner what to add.
   */
  private allowLogsToUseKey(key: kms.IKey): void {
    const stack = Stack.of(this);
    const logsService = new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`).withConditions({
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
    });
    // grant() rather than addToResourcePolicy(), which throws for an imported key where grant() does nothing.
    key.grant(logsService, 'kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*');
  }

  private connectFacingFunction(id: string, handler: HandlerName, description: string): lambda.Function {
    return this.handlerFunction(id, handler, { description, timeout: CONNECT_FACING_TIMEOUT });
  }

  /**
   * The fast path to a callback's contact id: a rule for the contact event of each new callback contact of this
   * instance, and a function that stores the id on the record of the inbound contact (the event's
   * previousContactId, which is the record id: no index, one keyed write) and stops the callback at once if the
   * caller has cancelled already. The CTR processor stays the fallback, and the two are idempotent together.
   */
  private learnCallbackIdFromContactEvents(
    instanceArn: string,
    encryptionKey: kms.IKey | undefined,
    allowStopContact: (fn: lambda.Function) => void,
    grantTable: (fn: lambda.Function, ...actions: string[]) => void,
  ): { processor: lambda.Function; rule: events.Rule; deadLetterQueue: sqs.Queue } {
    const processor = this.handlerFunction('ContactEventProcessor', 'contact-event-processor', {
      description: 'Records each callback\'s contact id from the Amazon Connect contact event of its creation',
      timeout: Duration.seconds(30),
    });
    // learnCallbackId, and completeRemovedByApi after a StopContact: single-item updates only.
    grantTable(processor, 'dynamodb:UpdateItem');
    allowStopContact(processor);

    const deadLetterQueue = new sqs.Queue(this, 'ContactEventDeadLetterQueue', {
      encryption: encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(deadLetterQueue, 'AwsSolutions-SQS3', DLQ_REASON);
    // EventBridge writes undeliverable events to the queue itself, so it must be able to use the key. This
    // reaches the key policy of a key defined in the app; an imported key's policy is its owner's to change.
    encryptionKey?.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:GenerateDataKey', 'kms:Decrypt');

    // EventBridge invokes asynchronously: its retry policy and DLQ cover delivery, these cover the function's
    // own failures (DynamoDB or Connect unreachable). An hour is long past the CTR, which then has the id anyway.
    processor.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(deadLetterQueue),
    });

    const rule = new events.Rule(this, 'ContactEventRule', {
      description: 'New callback contacts of one Amazon Connect instance, for the callback management construct',
      // No eventBus: Amazon Connect sends contact events to the account's default bus.
      eventPattern: {
        source: [CALLBACK_CONTACT_EVENT.SOURCE],
        detailType: [CALLBACK_CONTACT_EVENT.DETAIL_TYPE],
        detail: {
          instanceArn: [instanceArn],
          initiationMethod: [CALLBACK_CONTACT_EVENT.INITIATION_METHOD],
          eventType: [CALLBACK_CONTACT_EVENT.EVENT_TYPE],
        },
      },
    });
    // The target adds the function's resource policy for events.amazonaws.com, limited to this rule's ARN.
    rule.addTarget(new targets.LambdaFunction(processor, {
      deadLetterQueue,
      retryAttempts: 4,
      maxEventAge: Duration.hours(1),
    }));
    return { processor, rule, deadLetterQueue };
  }

  private associateWithInstance(fn: lambda.Function, instance: ConnectArnParts | undefined): connect.CfnIntegrationAssociation {
    fn.addPermission('InvokeFromConnectInstance', {
      principal: new iam.ServicePrincipal('connect.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: instance?.account ?? Arn.split(this.instanceArn, ArnFormat.SLASH_RESOURCE_NAME).account,
      sourceArn: this.instanceArn,
    });
    return new connect.CfnIntegrationAssociation(this, `${fn.node.id}Integration`, {
      instanceId: this.instanceArn,
      integrationType: 'LAMBDA_FUNCTION',
      integrationArn: fn.functionArn,
    });
  }

  private contactFlow(
    id: string,
    name: FlowTemplateName,
    values: Record<string, string>,
    associations: connect.CfnIntegrationAssociation[],
    initialCallDelay: Duration,
  ): connect.CfnContactFlow {
    const flowType = FLOW_TEMPLATES[name];
    const flow = fillPlaceholders(loadFlowTemplate(name), values, name);
    setInitialCallDelay(flow, initialCallDelay);
    // Whatever the template says, a callback is attempted once: a retry would ring a customer who cancelled.
    forceZeroRetries(flow);
    startWithFlowLogging(flow, this.contactFlowLogging);
    const findings = checkFlow(flow, flowType);
    if (findings.length > 0) {
      throw new Error(`the ${name} flow is not valid:\n${findings.map((f) => `  - ${f.actionId ?? '(flow)'}: ${f.message}`).join('\n')}`);
    }
    const resource = new connect.CfnContactFlow(this, id, {
      instanceArn: this.instanceArn,
      name: `${this.namePrefix}-${name}`,
      type: flowType,
      state: 'ACTIVE',
      description: `Callback management: ${name} (managed by CDK)`,
      content: Stack.of(this).toJsonString(flow),
    });
    // The flow's content names the functions; Connect refuses a flow whose functions are not associated yet.
    for (const association of associations) resource.node.addDependency(association);
    return resource;
  }

  private configureQueueOutboundWhisper(queueArn: string, queue: { readonly queueId: string } | undefined): void {
    const handler = this.handlerFunction('QueueOutboundWhisperHandler', 'queue-outbound-whisper', {
      description: 'Sets a queue\'s outbound whisper flow, keeping its caller ID, and restores the previous flow on delete',
      timeout: Duration.minutes(1),
    });
    handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['connect:DescribeQueue'], resources: [queueArn] }));
    // The update is also authorized against the flow and the caller ID number it names. On delete it puts back
    // whichever flow was there before and keeps whichever number is set, neither known at synth: hence the
    // wildcards, bounded to this instance's flows and this account's numbers in this region.
    handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['connect:UpdateQueueOutboundCallerConfig'],
      resources: [queueArn, this.instanceChildArn(undefined, 'contact-flow/*'), this.phoneNumberArns()],
    }));
    acknowledge(handler.role, `AwsSolutions-IAM5[Resource::${this.instanceChildArn(undefined, 'contact-flow/*')}]`,
      'UpdateQueueOutboundCallerConfig is also authorized against the outbound flow it sets; on delete that is the '
      + 'flow the queue had before, known only at run time. Bounded to this instance\'s flows and to this one action.');
    acknowledge(handler.role, `AwsSolutions-IAM5[Resource::${this.phoneNumberArns()}]`,
      'UpdateQueueOutboundCallerConfig is also authorized against the queue\'s caller ID number, which the handler keeps '
      + 'as it finds it (known only at run time). Bounded to this account\'s numbers in this region and to this one action.');
    const frameworkLogs = this.logGroup('QueueOutboundWhisperProviderLogs');
    const frameworkRole = this.logWritingRole('QueueOutboundWhisperProviderRole', frameworkLogs, 'the custom-resource provider framework of the queue outbound whisper');
    const provider = new cr.Provider(this, 'QueueOutboundWhisperProvider', {
      onEventHandler: handler,
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole,
    });
    acknowledgeFrameworkRuntime(provider.node.tryFindChild('framework-onEvent'));
    acknowledge(frameworkRole, `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(handler.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      'The custom-resource provider framework (aws-cdk-lib custom_resources.Provider) may invoke every version and '
      + 'alias of the one handler function it fronts; the wildcard is the qualifier of that function\'s own ARN.');
    new CustomResource(this, 'QueueOutboundWhisper', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ConnectQueueOutboundWhisper',
      properties: {
        InstanceArn: this.instanceArn,
        QueueArn: queueArn,
        QueueId: queue?.queueId ?? Fn.select(3, Fn.split('/', queueArn)),
        OutboundFlowArn: this.outboundWhisperFlowArn,
      },
    });
  }

  private associatePhoneNumber(phoneNumberArn: string, phoneNumberId: string | undefined): void {
    const parameters = {
      InstanceId: this.instanceArn,
      PhoneNumberId: phoneNumberId ?? Fn.select(1, Fn.split('phone-number/', phoneNumberArn)),
    };
    const logGroup = this.logGroup('PhoneNumberAssociationLogs');
    new cr.AwsCustomResource(this, 'PhoneNumberAssociation', {
      onCreate: {
        service: 'Connect',
        action: 'AssociatePhoneNumberContactFlow',
        parameters: { ...parameters, ContactFlowId: this.setCallbackFlowId },
        physicalResourceId: cr.PhysicalResourceId.of(`${phoneNumberArn}`),
      },
      onUpdate: {
        service: 'Connect',
        action: 'AssociatePhoneNumberContactFlow',
        parameters: { ...parameters, ContactFlowId: this.setCallbackFlowId },
        physicalResourceId: cr.PhysicalResourceId.of(`${phoneNumberArn}`),
      },
      onDelete: {
        service: 'Connect',
        action: 'DisassociatePhoneNumberContactFlow',
        parameters,
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['connect:AssociatePhoneNumberContactFlow', 'connect:DisassociatePhoneNumberContactFlow'],
          resources: [phoneNumberArn, this.setCallbackFlowArn],
        }),
      ]),
      installLatestAwsSdk: false,
      logGroup,
      // Used only if this is the stack's first AwsCustomResource: they all share one function (and so its role).
      role: this.logWritingRole('PhoneNumberAssociationRole', logGroup, 'the phone number association custom resource'),
    });
    // That one function lives at the stack's root, where aws-cdk-lib creates it.
    acknowledgeFrameworkRuntime(Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON_ID));
  }

  private addOutputs(): void {
    const outputs: Record<string, string> = {
      TableName: this.tableName,
      SetCallbackFlowArn: this.setCallbackFlowArn,
      AgentWhisperFlowArn: this.agentWhisperFlowArn,
      OutboundWhisperFlowArn: this.outboundWhisperFlowArn,
      WriteCallbackFunctionName: this.writeCallbackFunctionName,
      UpdateCallbackFunctionName: this.updateCallbackFunctionName,
      CtrProcessorFunctionName: this.ctrProcessorFunctionName,
      DeadLetterQueueUrl: this.deadLetterQueue.queueUrl,
    };
    if (this.contactEventProcessorFunctionName && this.contactEventDeadLetterQueue) {
      outputs.ContactEventProcessorFunctionName = this.contactEventProcessorFunctionName;
      outputs.ContactEventDeadLetterQueueUrl = this.contactEventDeadLetterQueue.queueUrl;
    }
    for (const [id, value] of Object.entries(outputs)) new CfnOutput(this, id, { value });
  }

  /** ARNs under the instance, e.g. `contact/*`, built from its parts so the instance id is never widened. */
  private instanceChildArn(instance: ConnectArnParts | undefined, child: string): string {
    if (instance) {
      return `arn:${instance.partition}:connect:${instance.region}:${instance.account}:instance/${instance.instanceId}/${child}`;
    }
    return `${this.instanceArn}/${child}`;
  }

  /** Phone numbers of the instance's account and region (the queue's caller ID number). */
  private phoneNumberArns(): string {
    const parts = Arn.split(this.instanceArn, ArnFormat.SLASH_RESOURCE_NAME);
    return `arn:${parts.partition}:connect:${parts.region}:${parts.account}:phone-number/*`;
  }
}

/** The id aws-cdk-lib gives the one function behind every AwsCustomResource of a stack (a child of the stack). */
const AWS_CUSTOM_RESOURCE_SINGLETON_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

const KMS_WILDCARD_REASON = 'kms:GenerateDataKey* and kms:ReEncrypt* come from grantEncryptDecrypt on the one customer-managed '
  + 'key given as encryptionKey (the resource is that key, never *): the table and the dead-letter queue are encrypted '
  + 'with it, and DynamoDB and SQS use these actions on the caller\'s behalf.';
const DLQ_REASON = 'This queue is itself a dead-letter queue (of the CTR event source mapping or of the contact event '
  + 'rule and processor); a dead-letter queue of a dead-letter queue would only move the same messages again.';

/**
 * Records an acknowledged cdk-nag (v3) finding on `scope` (Validations.acknowledge, which cdk-nag reads from the
 * construct's metadata and its ancestors'), with the reason a reviewer reads. An id built from an unresolved token
 * could never match a finding, so it is not recorded.
 */
function acknowledge(scope: IConstruct | undefined, id: string, reason: string): void {
  if (!scope || Token.isUnresolved(id)) return;
  Validations.of(scope).acknowledge({ id, reason });
}

/** The runtime of a function aws-cdk-lib's custom-resource frameworks create is theirs to choose, not ours. */
function acknowledgeFrameworkRuntime(fn: IConstruct | undefined): void {
  acknowledge(fn, 'AwsSolutions-L1', 'This function is created by aws-cdk-lib\'s custom-resource framework, which '
    + 'chooses its runtime and updates it with aws-cdk-lib; it runs only during deployments.');
}

/** Flow ARNs end in `.../contact-flow/<id>`. */
function flowIdOf(flowArn: string): string {
  return Fn.select(3, Fn.split('/', flowArn));
}

function setInitialCallDelay(flow: any, delay: Duration): void {
  for (const action of flow.Actions ?? []) {
    if (action.Type === 'CreateCallbackContact') {
      action.Parameters = { ...action.Parameters, InitialCallDelaySeconds: String(delay.toSeconds()) };
    }
  }
}

function validateDurationRange(value: Duration, propName: string, minSeconds: number, maxSeconds: number, rangeText: string): void {
  const seconds = value.toSeconds();
  if (Token.isUnresolved(seconds)) {
    throw new Error(`${propName} must be a fixed duration, not a token`);
  }
  if (seconds < minSeconds || seconds > maxSeconds) {
    throw new Error(`${propName} must be between ${rangeText}, got ${value.toHumanString()}`);
  }
}

function validateCountry(country: string): string {
  if (!SUPPORTED_PHONE_REGIONS.has(country)) {
    throw new Error(`defaultCountry must be an ISO 3166-1 alpha-2 code in upper case with a telephone numbering plan, e.g. 'US' or 'GB', got '${country}'`);
  }
  return country;
}

function validateTimeZone(timeZone: string): string {
  try {
    Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`timeZone must be an IANA time zone such as 'UTC' or 'America/New_York', got '${timeZone}'`);
  }
  return timeZone;
}

function validateNamePrefix(prefix: string): string {
  if (Token.isUnresolved(prefix) || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(prefix)) {
    throw new Error(`namePrefix must be 1 to 64 letters, digits, '-' or '_' starting with a letter or digit, got '${prefix}'`);
  }
  return prefix;
}
