/**
 * The live integration test of CallbackManagement, shared by the test files next to it:
 * - integ.callback-management.ts: the construct's defaults;
 * - integ.callback-management-hardened.ts: the options most likely to be refused by Amazon Connect.
 *
 * Each file is one integ-runner test, run one after the other (one Connect instance alive at a time). Its test-case
 * stack creates everything it needs, so no existing instance is used:
 *   1. AWS::Connect::Instance (Connect-managed identities, inbound and outbound calls on)
 *   2. AWS::Connect::HoursOfOperation (open all week)
 *   3. AWS::Connect::Queue, with an outbound caller config that names the caller ID but claims no number
 *   4. AWS::Kinesis::Stream (one shard)
 *   5. AWS::Connect::InstanceStorageConfig: the instance streams its contact trace records (CTRs) to that stream
 *   6. a customer-managed AWS::KMS::Key (hardened case only)
 *   7. CallbackManagement on top, its table's RETAIN overridden, and DESTROY on everything else too
 * and its assertion stack checks, in this order of the file (see `assertConnectAccepted` and `assertProcessing`):
 *   A. every flow: DescribeContactFlow says ACTIVE, and each CreateCallbackContact in it has
 *      MaximumConnectionAttempts "0" (README, "Retries = 0");
 *   B. the queue: DescribeQueue names our outbound whisper flow, and the caller ID name the queue had is kept;
 *   C. ListIntegrationAssociations lists both flow functions;
 *   D. ListInstanceStorageConfigs: Connect accepted the CTR stream;
 *   E. the contact event rule, as deployed: DescribeRule, ListTargetsByRule, and TestEventPattern with a well-formed
 *      Amazon Connect contact event (matches) and the same event of another instance (does not);
 *   F. the contact event processor: a booking (write-callback), then the sample event delivered the way EventBridge
 *      delivers it (an asynchronous invocation), then the record has learned the callback's contact id; then a cancel
 *      (update-callback), whose StopContact on that id is answered by the real Connect API;
 *   G. the CTR stream: a booking, then PutRecord of the inbound call's CTR (the id is learned), then PutRecord of the
 *      callback contact's CTR (the record is completed ENDED), read through the real event source mapping and filter;
 *   H. both dead-letter queues are empty at the end.
 *
 * Why F and G do not go through EventBridge and Connect themselves: EventBridge refuses PutEvents with a source that
 * begins with "aws." ("Customer-generated events can have any value here, as long as it doesn't begin with aws.",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html; PutEvents answers such an entry
 * with NotAuthorizedForSourceException, https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html),
 * so no test can put an `aws.connect` event on the default bus; and a real contact needs a phone call. The closest
 * honest checks are made instead: the rule's deployed pattern is tested against the sample with TestEventPattern, its
 * target is read back, and the processor is invoked asynchronously (as EventBridge invokes its Lambda targets) with
 * that very sample. CTRs do go through the real stream and event source mapping. What needs a phone call or an agent
 * is listed in the README ("Verify on your own AWS account"), each with a manual check.
 *
 * Nothing claims a phone number. Run it with `bash scripts/integ-deploy.sh` (or `npx projen integ:deploy`); CI runs
 * `npx projen integ:snapshot`, which only compares the synthesized templates with the committed snapshots
 * (`npx projen integ:update` accepts a change).
 */
import { ExpectedResult, IntegTest, InvocationType, Match, type AwsApiCall, type IApiCall } from '@aws-cdk/integ-tests-alpha';
import {
  App, Aws, CfnResource, Duration, Fn, RemovalPolicies, RemovalPolicy, Stack,
  aws_connect as connect,
  aws_kinesis as kinesis,
  aws_kms as kms,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { BOOKED_ATTRIBUTE, BOOKED_VALUE, CALLBACK_CONTACT_EVENT, RECORD_ID_ATTRIBUTE, TABLE_KEY } from '../../lambda-src/shared/contract';
import { CallbackManagement, type CallbackManagementProps } from '../../src';

/** What distinguishes one test case from the other. */
export interface CallbackIntegCase {
  /** The test's name: its stacks are `<name>` and `<name>Assertions`. */
  readonly name: string;
  /** A short word for the instance alias and the flows' name prefix (lower case, letters and digits). */
  readonly shortName: string;
  /** Encrypt everything the construct stores with a customer-managed key created in the stack. */
  readonly customerManagedKey: boolean;
  /** The construct's contactFlowLogging; flow logs are then enabled on the instance too. */
  readonly contactFlowLogging: boolean;
  /**
   * Further construct props of this case. Customer-first mode is in neither case: its callback parameters must come
   * from a console export of the user's own instance (customerFirstCallbackParameters), which no public source gives.
   */
  readonly props?: Partial<CallbackManagementProps>;
}

/** Every day of the week, as AWS::Connect::HoursOfOperation names them. */
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** The caller ID name the queue is created with; the construct's custom resource must keep it (check B). */
const CALLER_ID_NAME = 'Callback integ test';

/**
 * Fixed contact ids: every run creates a new instance and a new table, so they never meet an older record, and fixed
 * values keep the snapshot the same from one synthesis to the next.
 */
const CONTACTS = {
  /** F: the inbound call that books a callback, and the callback contact Connect would create for it. */
  eventBooking: '0a1b2c3d-0000-4000-8000-00000000f001',
  eventCallback: '0a1b2c3d-0000-4000-8000-00000000f002',
  /** F: the caller's second call, which cancels. */
  eventCanceller: '0a1b2c3d-0000-4000-8000-00000000f003',
  /** G: the inbound call that books a callback, and its callback contact. */
  ctrBooking: '0a1b2c3d-0000-4000-8000-00000000c001',
  ctrCallback: '0a1b2c3d-0000-4000-8000-00000000c002',
} as const;

/** Fictional numbers (555-01xx), one per booking so the two never meet as duplicates. */
const EVENT_CALLER = '+12025550143';
const CTR_CALLER = '+12025550144';

/** How long an assertion that waits for an asynchronous effect polls before it fails. */
const WAIT = { totalTimeout: Duration.minutes(5), interval: Duration.seconds(10) };

/** Builds the app of one test case: the test-case stack, its assertion stack and the IntegTest that ties them. */
export function defineCallbackIntegTest(testCase: CallbackIntegCase): App {
  // Without creation stack traces: they would put this machine's absolute paths into the committed snapshot.
  const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
  const stack = new Stack(app, testCase.name, {
    description: `Live integration test of cdk-connect-callback-management (${testCase.shortName}): a throwaway Amazon Connect instance`,
  });

  // 1. The instance. Its alias becomes the access URL's name, which must be unique: the stack's own id makes it so.
  //    Alias: 1 to 45 characters, letters, digits and inner hyphens, not starting with "d-" (API_Instance.html).
  const stackUuidHead = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
  const instance = new connect.CfnInstance(stack, 'Instance', {
    identityManagementType: 'CONNECT_MANAGED',
    instanceAlias: Fn.join('-', ['cbm-integ', testCase.shortName, stackUuidHead]),
    attributes: {
      inboundCalls: true,
      outboundCalls: true,
      contactflowLogs: testCase.contactFlowLogging,
    },
  });

  // 2. Hours of operation, open all week (the queue needs some).
  const hours = new connect.CfnHoursOfOperation(stack, 'Hours', {
    instanceArn: instance.attrArn,
    name: 'callbacks-always-open',
    timeZone: 'UTC',
    config: DAYS.map((day) => ({ day, startTime: { hours: 0, minutes: 0 }, endTime: { hours: 23, minutes: 59 } })),
  });

  // 3. The queue callbacks wait in. Every OutboundCallerConfig field is optional in CloudFormation
  //    (aws-properties-connect-queue-outboundcallerconfig.html): a caller ID name without a number claims nothing.
  //    The outbound whisper flow is left to the construct's custom resource, which is what is under test.
  const queue = new connect.CfnQueue(stack, 'Queue', {
    instanceArn: instance.attrArn,
    name: 'callbacks',
    description: 'The queue of the callback management integration test',
    hoursOfOperationArn: hours.attrHoursOfOperationArn,
    outboundCallerConfig: { outboundCallerIdName: CALLER_ID_NAME },
  });

  // 4. The CTR stream: one provisioned shard (the cheapest while idle), the Kinesis-managed key, which Connect can
  //    write with "no additional setup" (enable-contact-analysis-segment-streams.html, step 2, option 1).
  const stream = new kinesis.Stream(stack, 'CtrStream', {
    shardCount: 1,
    retentionPeriod: Duration.hours(24),
    encryption: kinesis.StreamEncryption.MANAGED,
    removalPolicy: RemovalPolicy.DESTROY,
  });

  // 5. Connect streams the instance's contact trace records to it (Data streaming, Contact Trace Records).
  new connect.CfnInstanceStorageConfig(stack, 'CtrStreaming', {
    instanceArn: instance.attrArn,
    resourceType: 'CONTACT_TRACE_RECORDS',
    storageType: 'KINESIS_STREAM',
    kinesisStreamConfig: { streamArn: stream.streamArn },
  });

  // 6. The customer-managed key of the hardened case: its deletion is scheduled on tear-down, after the shortest
  //    waiting period KMS allows (7 days).
  const key = testCase.customerManagedKey
    ? new kms.Key(stack, 'Key', {
      description: 'Customer-managed key of the callback management integration test',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    })
    : undefined;

  // 7. The construct under test, on the objects above.
  const callbacks = new CallbackManagement(stack, 'Callbacks', {
    instanceArn: instance.attrArn,
    queueArn: queue.attrQueueArn,
    stream,
    namePrefix: `cbm-integ-${testCase.shortName}`,
    // The table's default is RETAIN (a user's callbacks outlive a mistaken removal); a test leaves nothing behind.
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: logs.RetentionDays.ONE_DAY,
    encryptionKey: key,
    contactFlowLogging: testCase.contactFlowLogging,
    ...testCase.props,
  });
  // The construct's log groups are RETAIN by default, as every LogGroup: DESTROY here, and on anything else.
  RemovalPolicies.of(stack).destroy();

  const assertionStack = new Stack(app, `${testCase.name}Assertions`, {
    description: 'Assertions of the live integration test of cdk-connect-callback-management',
  });
  const integ = new IntegTest(app, `${testCase.name}Test`, {
    testCases: [stack],
    assertionStack,
    // The handlers' bundles are assets: a change to a handler is a snapshot change too.
    diffAssets: true,
    // The update workflow would first deploy the committed snapshot and then update it in place. Every assertion
    // here books records under fixed contact ids and expects a fresh table, and every run must start from a new
    // instance anyway (Connect checks a flow's content when the flow is created).
    stackUpdateWorkflow: false,
    cdkCommandOptions: { destroy: { args: { force: true } } },
  });

  const checks = new Checks(integ, { instance, queue, stream, callbacks, key });
  checks.assertConnectAccepted();
  checks.assertProcessing();
  reproducibleSalts(assertionStack);
  ownLogGroups(assertionStack);
  return app;
}

interface TestedObjects {
  readonly instance: connect.CfnInstance;
  readonly queue: connect.CfnQueue;
  readonly stream: kinesis.Stream;
  readonly callbacks: CallbackManagement;
  readonly key?: kms.IKey;
}

/** The construct's flows, by name: the customer queue flow too when the case offers callbacks in the queue. */
function flowsOf(callbacks: CallbackManagement): Array<{ name: string; flow: connect.CfnContactFlow; id: string }> {
  const flows = [
    { name: 'set-callback', flow: callbacks.setCallbackFlow, id: callbacks.setCallbackFlowId },
    { name: 'agent-whisper', flow: callbacks.agentWhisperFlow, id: callbacks.agentWhisperFlowId },
    { name: 'outbound-whisper', flow: callbacks.outboundWhisperFlow, id: callbacks.outboundWhisperFlowId },
    { name: 'transferred-caller-whisper', flow: callbacks.transferredCallerWhisperFlow, id: callbacks.transferredCallerWhisperFlowId },
  ];
  if (callbacks.customerQueueFlow && callbacks.customerQueueFlowId) {
    flows.push({ name: 'customer-queue', flow: callbacks.customerQueueFlow, id: callbacks.customerQueueFlowId });
  }
  return flows;
}

class Checks {
  constructor(
    private readonly integ: IntegTest,
    private readonly objects: TestedObjects,
  ) {}

  /** A to E: what Amazon Connect (and EventBridge) accepted, read back from their APIs. */
  public assertConnectAccepted(): void {
    const { instance, queue, stream, callbacks } = this.objects;
    const assertions = this.integ.assertions;

    // A. Each flow is ACTIVE, and each of its callbacks is created with retries = 0. A flow's content is too long for
    //    a custom resource's 4 KB response, so each value is read at its path: the Actions index comes from the
    //    content we synthesized, and the action's Type is checked at that index too, so that content Connect stored in
    //    another order fails as such rather than as a wrong retry count.
    for (const { name, flow, id } of flowsOf(callbacks)) {
      const describe = { InstanceId: instance.attrId, ContactFlowId: id };
      assertions.awsApiCall('Connect', 'describeContactFlow', describe)
        .assertAtPath('ContactFlow.State', ExpectedResult.exact('ACTIVE'));
      for (const index of callbackActionIndices(flow, name)) {
        const action = `ContactFlow.Content.Actions.${index}`;
        assertions.awsApiCall('Connect', 'describeContactFlow', describe)
          .assertAtPath(`${action}.Type`, ExpectedResult.exact('CreateCallbackContact'));
        assertions.awsApiCall('Connect', 'describeContactFlow', describe)
          .assertAtPath(`${action}.Parameters.MaximumConnectionAttempts`, ExpectedResult.exact('0'));
      }
    }

    // B. The queue's outbound whisper flow is ours, and the caller ID name it had is kept.
    assertions.awsApiCall('Connect', 'describeQueue', { InstanceId: instance.attrId, QueueId: queueIdOf(queue) })
      .expect(ExpectedResult.objectLike({
        Queue: {
          OutboundCallerConfig: { OutboundFlowId: callbacks.outboundWhisperFlowId, OutboundCallerIdName: CALLER_ID_NAME },
        },
      }));

    // C. Connect lists an integration association for each function a flow calls.
    for (const fn of [callbacks.writeCallbackFunction, callbacks.updateCallbackFunction]) {
      assertions.awsApiCall('Connect', 'listIntegrationAssociations', { InstanceId: instance.attrId, IntegrationType: 'LAMBDA_FUNCTION' })
        .expect(ExpectedResult.objectLike({
          IntegrationAssociationSummaryList: Match.arrayWith([Match.objectLike({ IntegrationArn: fn.functionArn })]),
        }));
    }

    // D. Connect accepted the CTR stream.
    assertions.awsApiCall('Connect', 'listInstanceStorageConfigs', { InstanceId: instance.attrId, ResourceType: 'CONTACT_TRACE_RECORDS' })
      .expect(ExpectedResult.objectLike({
        StorageConfigs: [Match.objectLike({ StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: stream.streamArn } })],
      }));

    // E. The contact event rule as EventBridge holds it: on the default bus, enabled, with this pattern (written out
    //    here rather than read from the construct, so that a change to it must change the test too) ...
    const rule = required(callbacks.contactEventRule, 'contactEventRule');
    const processor = required(callbacks.contactEventProcessorFunction, 'contactEventProcessorFunction');
    const pattern = {
      'source': [CALLBACK_CONTACT_EVENT.SOURCE],
      'detail-type': [CALLBACK_CONTACT_EVENT.DETAIL_TYPE],
      'detail': {
        instanceArn: [instance.attrArn],
        initiationMethod: [CALLBACK_CONTACT_EVENT.INITIATION_METHOD],
        eventType: [CALLBACK_CONTACT_EVENT.EVENT_TYPE],
      },
    };
    assertions.awsApiCall('EventBridge', 'describeRule', { Name: rule.ruleName })
      .expect(ExpectedResult.objectLike({ State: 'ENABLED', EventBusName: 'default', EventPattern: Match.serializedJson(pattern) }));
    // ... whose target is the processor, with the construct's dead-letter queue ...
    assertions.awsApiCall('EventBridge', 'listTargetsByRule', { Rule: rule.ruleName })
      .expect(ExpectedResult.objectLike({
        Targets: [Match.objectLike({
          Arn: processor.functionArn,
          DeadLetterConfig: { Arn: required(callbacks.contactEventDeadLetterQueue, 'contactEventDeadLetterQueue').queueArn },
        })],
      }));
    // ... and which matches a well-formed contact event of a new callback of this instance, and not one of another.
    assertions.awsApiCall('EventBridge', 'testEventPattern', {
      EventPattern: JSON.stringify(pattern),
      Event: JSON.stringify(callbackContactEvent(instance.attrArn, CONTACTS.eventBooking, CONTACTS.eventCallback)),
    }).expect(ExpectedResult.objectLike({ Result: true }));
    const otherInstance = `arn:${Aws.PARTITION}:connect:${Aws.REGION}:${Aws.ACCOUNT_ID}:instance/ffffffff-0000-4000-8000-000000000000`;
    assertions.awsApiCall('EventBridge', 'testEventPattern', {
      EventPattern: JSON.stringify(pattern),
      Event: JSON.stringify(callbackContactEvent(otherInstance, CONTACTS.eventBooking, CONTACTS.eventCallback)),
    }).expect(ExpectedResult.objectLike({ Result: false }));
  }

  /** F to H: the deployed handlers, on the real table, stream and Connect API. */
  public assertProcessing(): void {
    const { instance, queue, stream, callbacks } = this.objects;
    const assertions = this.integ.assertions;
    const processor = required(callbacks.contactEventProcessorFunction, 'contactEventProcessorFunction');

    // F. The contact event path. A caller books a callback ...
    const eventBooking = this.bookCallback(CONTACTS.eventBooking, EVENT_CALLER, instance, queue);
    // ... Connect's contact event of its callback contact reaches the processor, invoked as EventBridge invokes a
    // Lambda target (asynchronously, so its retries and dead-letter queue apply) ...
    const eventDelivered = eventBooking.next(assertions.invokeFunction({
      functionName: processor.functionName,
      invocationType: InvocationType.EVENT,
      payload: JSON.stringify(callbackContactEvent(instance.attrArn, CONTACTS.eventBooking, CONTACTS.eventCallback)),
    }).expect(ExpectedResult.objectLike({ StatusCode: 202 })));
    // ... and the record learns the callback's contact id.
    const idLearned = eventDelivered.next(this.waitForRecord(CONTACTS.eventBooking, {
      status: { S: 'PENDING' },
      callbackContactId: { S: CONTACTS.eventCallback },
    }));
    // The caller calls again and cancels: update-callback removes the callback with StopContact on the real Connect
    // API. That contact never existed on this instance, and StopContact documents ContactNotFoundException ("not
    // active or does not exist") for it, which the handler reads as already gone (REMOVED_BY_API). STOP_REFUSED here
    // would mean Connect answers an unknown contact otherwise; an authorization error would mean the role's
    // instance/<id>/contact/* resource is wrong.
    const cancelled = idLearned.next(assertions.invokeFunction({
      functionName: callbacks.updateCallbackFunctionName,
      payload: JSON.stringify(flowEvent(CONTACTS.eventCanceller, EVENT_CALLER, instance, queue, {
        recordId: CONTACTS.eventBooking,
        transition: 'CANCEL',
      })),
    }).expect(ExpectedResult.objectLike({
      Payload: Match.serializedJson(Match.objectLike({
        result: 'APPLIED', status: 'COMPLETED', resolution: 'REMOVED_BY_API', removedFromQueue: 'true',
      })),
    })));

    // G. The CTR path, through the real stream, event source mapping and filter. A caller books a callback ...
    const ctrBooking = this.bookCallback(CONTACTS.ctrBooking, CTR_CALLER, instance, queue);
    // ... the inbound call's CTR names the callback contact (NextContactId): the record learns its id ...
    const inboundCtr = ctrBooking.next(this.putCtr(stream, {
      ContactId: CONTACTS.ctrBooking,
      InitiationMethod: 'INBOUND',
      NextContactId: CONTACTS.ctrCallback,
    }, instance));
    const ctrIdLearned = inboundCtr.next(this.waitForRecord(CONTACTS.ctrBooking, {
      status: { S: 'PENDING' },
      callbackContactId: { S: CONTACTS.ctrCallback },
    }));
    // ... and the callback contact's own CTR, sent when it ended unanswered, completes the record as ENDED.
    const callbackCtr = ctrIdLearned.next(this.putCtr(stream, {
      ContactId: CONTACTS.ctrCallback,
      InitiationMethod: 'CALLBACK',
      PreviousContactId: CONTACTS.ctrBooking,
    }, instance));
    const ended = callbackCtr.next(this.waitForRecord(CONTACTS.ctrBooking, {
      status: { S: 'COMPLETED' },
      resolution: { S: 'ENDED' },
    }));

    // H. Nothing went to either dead-letter queue.
    const queues = [callbacks.deadLetterQueue, required(callbacks.contactEventDeadLetterQueue, 'contactEventDeadLetterQueue')];
    for (const deadLetterQueue of queues) {
      const empty = assertions.awsApiCall('SQS', 'getQueueAttributes', {
        QueueUrl: deadLetterQueue.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }).expect(ExpectedResult.objectLike({
        Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' },
      }));
      cancelled.next(empty);
      ended.next(empty);
    }
  }

  /** write-callback, called as the set-callback flow calls it, books a PENDING record under the contact's id. */
  private bookCallback(contactId: string, caller: string, instance: connect.CfnInstance, queue: connect.CfnQueue): IApiCall {
    return this.integ.assertions.invokeFunction({
      functionName: this.objects.callbacks.writeCallbackFunctionName,
      payload: JSON.stringify(flowEvent(contactId, caller, instance, queue, {})),
    }).expect(ExpectedResult.objectLike({
      Payload: Match.serializedJson(Match.objectLike({ result: 'CREATED', recordId: contactId, status: 'PENDING' })),
    }));
  }

  /** One CTR on the stream, carrying the attributes the set-callback flow puts on a booked contact. */
  private putCtr(stream: kinesis.IStream, fields: Record<string, string>, instance: connect.CfnInstance): IApiCall {
    const recordId = CONTACTS.ctrBooking;
    const ctr = {
      ...fields,
      Channel: 'VOICE',
      InstanceARN: instance.attrArn,
      Attributes: { [RECORD_ID_ATTRIBUTE]: recordId, [BOOKED_ATTRIBUTE]: BOOKED_VALUE },
      CustomerEndpoint: { Address: CTR_CALLER, Type: 'TELEPHONE_NUMBER' },
    };
    return this.integ.assertions.awsApiCall('Kinesis', 'putRecord', {
      StreamName: stream.streamName,
      PartitionKey: fields.ContactId,
      Data: JSON.stringify(ctr),
    }).expect(ExpectedResult.objectLike({ ShardId: Match.stringLikeRegexp('^shardId-') }));
  }

  /** Polls the record until it has these attributes (DynamoDB JSON), or fails after WAIT. */
  private waitForRecord(recordId: string, item: Record<string, unknown>): IApiCall {
    const call = this.integ.assertions.awsApiCall('DynamoDB', 'getItem', {
      TableName: this.objects.callbacks.tableName,
      Key: { [TABLE_KEY.PARTITION_KEY]: { S: `${TABLE_KEY.RECORD_PREFIX}${recordId}` } },
      ConsistentRead: true,
    }).expect(ExpectedResult.objectLike({ Item: item })).waitForAssertions(WAIT) as AwsApiCall;
    const key = this.objects.key;
    if (key) {
      // A table encrypted with a customer-managed key is read with that key.
      call.waiterProvider?.addToRolePolicy({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [key.keyArn] });
    }
    return call;
  }
}

/** A flow's synthesized content, with every CloudFormation reference in it replaced by a placeholder string. */
function synthesizedContent(flow: connect.CfnContactFlow): { Actions: Array<{ Type?: string }> } {
  const resolved = Stack.of(flow).resolve(flow.content);
  if (typeof resolved === 'string') return JSON.parse(resolved);
  const [separator, parts] = resolved['Fn::Join'] as [string, unknown[]];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REFERENCE')).join(separator));
}

/** Where the flow's CreateCallbackContact actions are in its Actions. */
function callbackActionIndices(flow: connect.CfnContactFlow, name: string): number[] {
  const indices = synthesizedContent(flow).Actions
    .map((action, index) => (action.Type === 'CreateCallbackContact' ? index : -1))
    .filter((index) => index >= 0);
  if (name === 'set-callback' && indices.length === 0) {
    throw new Error('the set-callback flow creates no callback: check A would check nothing');
  }
  return indices;
}

/** Queue ARNs end in `.../queue/<id>`. */
function queueIdOf(queue: connect.CfnQueue): string {
  return Fn.select(3, Fn.split('/', queue.attrQueueArn));
}

/**
 * The Lambda event a flow's "Invoke AWS Lambda function" block sends (Amazon Connect Administrator Guide,
 * "Grant Amazon Connect access to your AWS Lambda functions": Details.ContactData and Details.Parameters).
 */
function flowEvent(contactId: string, caller: string, instance: connect.CfnInstance, queue: connect.CfnQueue, parameters: Record<string, string>) {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        ContactId: contactId,
        InitialContactId: contactId,
        Channel: 'VOICE',
        InstanceARN: instance.attrArn,
        InitiationMethod: 'INBOUND',
        CustomerEndpoint: { Address: caller, Type: 'TELEPHONE_NUMBER' },
        Queue: { ARN: queue.attrQueueArn, Name: 'callbacks' },
        Attributes: {},
      },
      Parameters: parameters,
    },
  };
}

/**
 * The contact event Amazon Connect sends to EventBridge when a flow creates a callback contact, with every field
 * TestEventPattern requires (id, account, source, time, region, resources, detail-type: API_TestEventPattern.html).
 * The detail's fields are those of "Amazon Connect contact events" (adminguide/contact-events.html), as in
 * lambda-src/shared/callback-contact-event.ts.
 */
function callbackContactEvent(instanceArn: string, bookingContactId: string, callbackContactId: string) {
  return {
    'version': '0',
    'id': '0a1b2c3d-0000-4000-8000-00000000e001',
    'detail-type': CALLBACK_CONTACT_EVENT.DETAIL_TYPE,
    'source': CALLBACK_CONTACT_EVENT.SOURCE,
    'account': Aws.ACCOUNT_ID,
    'time': '2030-01-01T12:00:00Z',
    'region': Aws.REGION,
    'resources': [`${instanceArn}/contact/${callbackContactId}`, instanceArn],
    'detail': {
      eventType: CALLBACK_CONTACT_EVENT.EVENT_TYPE,
      contactId: callbackContactId,
      initialContactId: bookingContactId,
      previousContactId: bookingContactId,
      channel: 'VOICE',
      instanceArn,
      initiationMethod: CALLBACK_CONTACT_EVENT.INITIATION_METHOD,
      initiationTimestamp: '2030-01-01T12:00:00Z',
    },
  };
}

function required<T>(value: T | undefined, property: string): T {
  if (value === undefined) throw new Error(`the integ test needs CallbackManagement.${property}: keep learnCallbackIdFromContactEvents on`);
  return value;
}

/**
 * integ-tests-alpha gives every assertion a `salt` of Date.now(), so that an update re-runs it. Every run here creates
 * its stacks afresh (stackUpdateWorkflow: false, destroyed afterwards), so a fixed salt changes nothing on AWS and
 * keeps the committed snapshot free of the time it was synthesized.
 */
function reproducibleSalts(assertionStack: Stack): void {
  for (const child of assertionStack.node.findAll()) {
    if (child instanceof CfnResource && child.cfnResourceType.startsWith('Custom::DeployAssert@')) {
      child.addPropertyOverride('salt', 'fixed');
    }
  }
}

/**
 * The assertion functions would otherwise leave their log groups behind: Lambda creates /aws/lambda/<name> on the first
 * invocation, outside CloudFormation. Each gets its log group in the stack instead, created before any assertion runs
 * and deleted after the last one.
 */
function ownLogGroups(assertionStack: Stack): void {
  const resources = assertionStack.node.findAll().filter((child): child is CfnResource => child instanceof CfnResource);
  const logGroups = resources
    .filter((resource) => resource.cfnResourceType === 'AWS::Lambda::Function')
    .map((fn) => new logs.CfnLogGroup(assertionStack, `${fn.node.scope!.node.id}LogGroup`, {
      logGroupName: Fn.join('', ['/aws/lambda/', fn.ref]),
      retentionInDays: 1,
    }));
  for (const resource of resources) {
    if (resource.cfnResourceType.startsWith('Custom::')) {
      for (const logGroup of logGroups) resource.addDependency(logGroup);
    }
  }
}
