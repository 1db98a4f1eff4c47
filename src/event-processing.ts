import {
  Duration,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_kinesis as kinesis,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_lambda_destinations as destinations,
  aws_lambda_event_sources as eventSources,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CallbackMode } from './callback-mode';
import { HandlerFunctions } from './handler-functions';
import { DLQ_REASON, acknowledge } from './nag';

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
 * The contact events of a customer-first callback's legs (CUSTOMER_FIRST_CONTACT_EVENT in lambda-src/shared/contract.ts,
 * checked by a test): the creation of the queued leg C2 and of the dialled leg C3, and the end of C3. The initiation
 * methods are those of "Use customer first callback mode" (adminguide/customer-first-cb.html); the contact-events page
 * lists neither.
 */
const CUSTOMER_FIRST_CONTACT_EVENT = {
  INITIATION_METHODS: ['CALLBACK_CUSTOMER_FIRST_QUEUED', 'CALLBACK_CUSTOMER_FIRST_DIALED'],
  EVENT_TYPES: ['INITIATED', 'DISCONNECTED'],
} as const;

/** The marker the set-callback flow sets on a booked contact, and clears on a booking it undoes (BOOKED_ATTRIBUTE). */
const BOOKED_ATTRIBUTE = 'callbackBooked';
const BOOKED_VALUE = 'true';

export interface EventProcessingProps {
  readonly functions: HandlerFunctions;
  readonly instanceArn: string;
  readonly stream: kinesis.IStream;
  readonly encryptionKey?: kms.IKey;
  readonly learnCallbackIdFromContactEvents: boolean;
  readonly callbackMode: CallbackMode;
}

/**
 * How Amazon Connect tells the construct what became of a callback: the CTR stream (every callback, a minute or
 * more after the inbound call ends) and, optionally, contact events (seconds after the callback is created). Both
 * store the callback's contact id on its record and remove a callback that was cancelled before the id was known.
 */
export class EventProcessing extends Construct {
  public readonly ctrProcessor: lambda.Function;
  public readonly ctrDeadLetterQueue: sqs.Queue;
  public readonly contactEventProcessor?: lambda.Function;
  public readonly contactEventRule?: events.Rule;
  public readonly contactEventDeadLetterQueue?: sqs.Queue;

  constructor(scope: Construct, id: string, props: EventProcessingProps) {
    super(scope, id);
    const { functions } = props;

    this.ctrProcessor = functions.create(this, 'CtrProcessor', 'ctr-processor', {
      description: 'Records each callback\'s contact id from the contact trace record stream',
      timeout: Duration.seconds(60),
    });
    functions.grantTable(this.ctrProcessor, 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    functions.allowStopContact(this.ctrProcessor);

    this.ctrDeadLetterQueue = this.deadLetterQueue('CtrDeadLetterQueue', props.encryptionKey);
    this.ctrProcessor.addEventSource(new eventSources.KinesisEventSource(props.stream, {
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
      onFailure: new eventSources.SqsDlq(this.ctrDeadLetterQueue),
      // Only CTRs that matter to callbacks: the inbound call that booked one and the callback contact it created,
      // which inherits the inbound contact's attributes, both marked by the set-callback flow. A booking it undid
      // carries the marker cleared; the callbacks of other flows of the instance carry none. Nothing else invokes it.
      // A customer-first callback's legs are let through by initiation method as well: whether they inherit the inbound
      // contact's attributes is not documented (that C4 "inherits the user-defined attributes set on C3" is the nearest
      // statement, adminguide/customer-first-cb.html), and without them the CTR processor still finds the record by the
      // legs' PreviousContactId / InitialContactId. Filters are ORed.
      filters: [
        lambda.FilterCriteria.filter({ data: { Attributes: { [BOOKED_ATTRIBUTE]: lambda.FilterRule.isEqual(BOOKED_VALUE) } } }),
        ...(props.callbackMode === CallbackMode.CUSTOMER_FIRST
          ? [lambda.FilterCriteria.filter({ data: { InitiationMethod: [...CUSTOMER_FIRST_CONTACT_EVENT.INITIATION_METHODS] } })]
          : []),
      ],
    }));

    if (props.learnCallbackIdFromContactEvents) {
      this.contactEventProcessor = functions.create(this, 'ContactEventProcessor', 'contact-event-processor', {
        description: 'Records each callback\'s contact id from the Amazon Connect contact event of its creation',
        timeout: Duration.seconds(30),
      });
      // learnCallbackId, and completeRemovedByApi after a StopContact: single-item updates only. A customer-first
      // dialled leg's end also closes a PENDING record, which deletes its active pointer in the same transaction.
      if (props.callbackMode === CallbackMode.CUSTOMER_FIRST) functions.grantTable(this.contactEventProcessor, 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
      else functions.grantTable(this.contactEventProcessor, 'dynamodb:UpdateItem');
      functions.allowStopContact(this.contactEventProcessor);
      const { rule, deadLetterQueue } = this.learnIdsFromContactEvents(
        this.contactEventProcessor, props.instanceArn, props.encryptionKey, props.callbackMode);
      this.contactEventRule = rule;
      this.contactEventDeadLetterQueue = deadLetterQueue;
    }
  }

  /**
   * The fast path to a callback's contact id: a rule for the contact event of each new callback contact of this
   * instance, sending it to a function that stores the id on the record of the inbound contact (the event's
   * previousContactId, which is the record id: no index, one keyed write) and stops the callback at once if the
   * caller has cancelled already. The CTR processor stays the fallback, and the two are idempotent together.
   */
  private learnIdsFromContactEvents(processor: lambda.Function, instanceArn: string, encryptionKey: kms.IKey | undefined, mode: CallbackMode) {
    const deadLetterQueue = this.deadLetterQueue('ContactEventDeadLetterQueue', encryptionKey);
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

    // Customer-first: both legs' INITIATED events and the dialled leg's DISCONNECTED one. The pattern also lets the
    // queued leg's DISCONNECTED event through (one pattern is a product of its lists), which the processor ignores.
    const customerFirst = mode === CallbackMode.CUSTOMER_FIRST;
    const rule = new events.Rule(this, 'ContactEventRule', {
      description: customerFirst
        ? 'The legs of customer-first callbacks of one Amazon Connect instance, for the callback management construct'
        : 'New callback contacts of one Amazon Connect instance, for the callback management construct',
      // No eventBus: Amazon Connect sends contact events to the account's default bus.
      eventPattern: {
        source: [CALLBACK_CONTACT_EVENT.SOURCE],
        detailType: [CALLBACK_CONTACT_EVENT.DETAIL_TYPE],
        detail: {
          instanceArn: [instanceArn],
          initiationMethod: customerFirst ? [...CUSTOMER_FIRST_CONTACT_EVENT.INITIATION_METHODS] : [CALLBACK_CONTACT_EVENT.INITIATION_METHOD],
          eventType: customerFirst ? [...CUSTOMER_FIRST_CONTACT_EVENT.EVENT_TYPES] : [CALLBACK_CONTACT_EVENT.EVENT_TYPE],
        },
      },
    });
    // The target adds the function's resource policy for events.amazonaws.com, limited to this rule's ARN.
    rule.addTarget(new targets.LambdaFunction(processor, {
      deadLetterQueue,
      retryAttempts: 4,
      maxEventAge: Duration.hours(1),
    }));
    return { rule, deadLetterQueue };
  }

  private deadLetterQueue(id: string, encryptionKey: kms.IKey | undefined): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      encryption: encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(queue, 'AwsSolutions-SQS3', DLQ_REASON);
    return queue;
  }
}
