import { App, Duration, RemovalPolicy, Stack, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  ACCOUNT, INSTANCE_ARN, OTHER_QUEUE_ARN, PHONE_NUMBER_ARN, QUEUE_ARN, STREAM_ARN,
  addConstruct, flowContent, newStack, resourcesOf, synth,
} from './fixtures';

const FLOW_FUNCTIONS = ['WriteCallback', 'UpdateCallback'];
const ALL_HANDLERS = [...FLOW_FUNCTIONS, 'CtrProcessor', 'ContactEventProcessor'];

/** Logical id of the construct's function `name` (e.g. 'WriteCallback'). */
function functionId(template: Template, name: string): string {
  const ids = resourcesOf(template, 'AWS::Lambda::Function').map(([id]) => id)
    .filter((id) => new RegExp(`^Callbacks(?:Flows|Events)?${name}[0-9A-F]{8}$`).test(id));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** All `{ 'Fn::GetAtt': [id, 'Arn'] }` objects anywhere in a JSON value. */
function getAttArns(node: any, found: string[] = []): string[] {
  if (Array.isArray(node)) {node.forEach((child) => getAttArns(child, found));} else if (node && typeof node === 'object') {
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn') found.push(getAtt[0]);
    else Object.values(node).forEach((child) => getAttArns(child, found));
  }
  return found;
}

describe('CallbackManagement with default props', () => {
  const { construct, template } = synth();

  test('creates an on-demand table keyed by pk, with TTL, point-in-time recovery and encryption, retained on delete', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'openQueueArn', AttributeType: 'S' },
          { AttributeName: 'createdAt', AttributeType: 'S' },
        ],
        // The sparse index of open records, for the reconciler (on by default) and the callbacks API.
        GlobalSecondaryIndexes: [{
          IndexName: 'open-records',
          KeySchema: [{ AttributeName: 'openQueueArn', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'ALL' },
        }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('creates one arm64 Node.js 24 function per handler, each with its own log group with retention', () => {
    for (const name of ALL_HANDLERS) {
      const id = functionId(template, name);
      const fn = template.toJSON().Resources[id];
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 256, Handler: 'index.handler' });
      const logGroupRef = fn.Properties.LoggingConfig.LogGroup.Ref;
      expect(template.toJSON().Resources[logGroupRef]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    }
    // A flow function's timeout is the time its flow blocks give it (Connect waits at most 8 s).
    const limits = new Map<string, Set<number>>();
    for (const [, flow] of resourcesOf(template, 'AWS::Connect::ContactFlow')) {
      for (const action of flowContent(flow).Actions.filter((a: any) => a.Type === 'InvokeLambdaFunction')) {
        const id = action.Parameters.LambdaFunctionARN['Fn::GetAtt'][0];
        limits.set(id, new Set([...(limits.get(id) ?? []), Number(action.Parameters.InvocationTimeLimitSeconds)]));
      }
    }
    for (const name of FLOW_FUNCTIONS) {
      const id = functionId(template, name);
      expect([...limits.get(id)!]).toEqual([template.toJSON().Resources[id].Properties.Timeout]);
      expect(template.toJSON().Resources[id].Properties.Timeout).toBeLessThanOrEqual(8);
    }
  });

  test('gives every handler the table name, queue, instance, country, TTL, time zone, locale, metrics settings and callback mode', () => {
    const env = template.toJSON().Resources[functionId(template, 'WriteCallback')].Properties.Environment.Variables;
    expect(env).toEqual({
      TABLE_NAME: { Ref: expect.stringMatching(/^CallbacksTable/) },
      QUEUE_ARN: QUEUE_ARN,
      INSTANCE_ARN: INSTANCE_ARN,
      DEFAULT_COUNTRY: 'US',
      COMPLETED_RECORD_TTL_SECONDS: '86400',
      ALLOW_CANCEL_FOR_OTHER_NUMBER: 'false',
      TIME_ZONE: 'UTC',
      METRICS_NAMESPACE: 'CallbackManagement',
      METRICS_SERVICE: construct.namePrefix,
      LOCALE: 'en-US',
      CALLBACK_MODE: 'AGENT_FIRST',
    });
  });

  test('associates exactly the functions the synthesized flows invoke with the instance, each invocable only by that instance', () => {
    // Which functions a flow can call is read from the flow content itself, not from a list kept here.
    const invokedByFlows = new Set<string>();
    for (const [, flow] of resourcesOf(template, 'AWS::Connect::ContactFlow')) {
      for (const action of flowContent(flow).Actions.filter((a: any) => a.Type === 'InvokeLambdaFunction')) {
        invokedByFlows.add(action.Parameters.LambdaFunctionARN['Fn::GetAtt'][0]);
      }
    }
    expect(invokedByFlows.size).toBeGreaterThan(0);
    const associations = resourcesOf(template, 'AWS::Connect::IntegrationAssociation');
    expect(associations).toHaveLength(invokedByFlows.size);
    const associated = associations.map(([, r]) => {
      expect(r.Properties.InstanceId).toBe(INSTANCE_ARN);
      expect(r.Properties.IntegrationType).toBe('LAMBDA_FUNCTION');
      return r.Properties.IntegrationArn['Fn::GetAtt'][0];
    }).sort();
    expect(associated).toEqual([...invokedByFlows].sort());

    const permissions = resourcesOf(template, 'AWS::Lambda::Permission')
      .filter(([, r]) => r.Properties.Principal === 'connect.amazonaws.com');
    expect(permissions.map(([, r]) => r.Properties.FunctionName['Fn::GetAtt'][0]).sort()).toEqual([...invokedByFlows].sort());
    for (const [, permission] of permissions) {
      expect(permission.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', SourceAccount: ACCOUNT, SourceArn: INSTANCE_ARN });
    }
  });

  test('reads the CTR stream with bounded retries, bisection, partial batch failures, a DLQ and a callback-only filter', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    const [, mapping] = resourcesOf(template, 'AWS::Lambda::EventSourceMapping')[0];
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: STREAM_ARN,
      FunctionName: { Ref: functionId(template, 'CtrProcessor') },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 86400,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^CallbacksEventsCtrDeadLetterQueue/), 'Arn'] } } },
    });
    const patterns = mapping.Properties.FilterCriteria.Filters.map((f: any) => JSON.parse(f.Pattern));
    // The booked marker: the inbound call that booked and its callback contact carry it; an undone booking does not.
    expect(patterns).toEqual([{ data: { Attributes: { callbackBooked: ['true'] } } }]);
  });

  test('encrypts the dead-letter queue and refuses plain HTTP to it', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('creates the four flows with their types, derived names, and a dependency on every association', () => {
    const flows = resourcesOf(template, 'AWS::Connect::ContactFlow');
    const byName: Record<string, any> = Object.fromEntries(flows.map(([, r]) => [r.Properties.Name, r]));
    expect(Object.fromEntries(Object.entries(byName).map(([name, r]) => [name, r.Properties.Type]))).toEqual({
      [`${construct.namePrefix}-set-callback`]: 'CONTACT_FLOW',
      [`${construct.namePrefix}-agent-whisper`]: 'AGENT_WHISPER',
      [`${construct.namePrefix}-outbound-whisper`]: 'OUTBOUND_WHISPER',
      [`${construct.namePrefix}-transferred-caller-whisper`]: 'AGENT_WHISPER',
    });
    const associationIds = resourcesOf(template, 'AWS::Connect::IntegrationAssociation').map(([id]) => id);
    for (const r of Object.values(byName)) {
      expect(r.Properties.InstanceArn).toBe(INSTANCE_ARN);
      expect(r.Properties.State).toBe('ACTIVE');
      expect(r.DependsOn).toEqual(expect.arrayContaining(associationIds));
    }
  });

  test('every Lambda ARN inside every flow is one of the construct\'s own flow functions, and every callback flow invokes one', () => {
    const ownFlowFunctions = new Set(FLOW_FUNCTIONS.map((name) => functionId(template, name)));
    const lambdaIds = new Set(resourcesOf(template, 'AWS::Lambda::Function').map(([id]) => id));
    for (const [, flow] of resourcesOf(template, 'AWS::Connect::ContactFlow')) {
      const content = flowContent(flow);
      const invoked = content.Actions.filter((a: any) => a.Type === 'InvokeLambdaFunction')
        .map((a: any) => a.Parameters.LambdaFunctionARN);
      // The transferred caller's whisper only speaks: that caller has no callback to look up.
      if (!flow.Properties.Name.endsWith('-transferred-caller-whisper')) expect(invoked.length).toBeGreaterThan(0);
      for (const arn of invoked) {
        expect(arn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
        expect(ownFlowFunctions.has(arn['Fn::GetAtt'][0])).toBe(true);
      }
      // No GetAtt in a flow may point anywhere but to our functions and flows.
      for (const id of getAttArns(content)) {
        expect(lambdaIds.has(id) || /Flow[0-9A-F]{8}$/.test(id)).toBe(true);
      }
      // Nothing of the template's placeholders may survive into the deployed content.
      expect(JSON.stringify(content)).not.toMatch(/\$\{[A-Za-z]+(:[a-z0-9-]+)?\}/);
    }
  });

  test('the set-callback flow works the construct\'s queue, hooks the agent whisper flow, and creates callbacks with zero retries', () => {
    const [, setCallback] = resourcesOf(template, 'AWS::Connect::ContactFlow').find(([, r]) => r.Properties.Type === 'CONTACT_FLOW')!;
    const [agentWhisperId] = resourcesOf(template, 'AWS::Connect::ContactFlow').find(([, r]) => r.Properties.Name.endsWith('-agent-whisper'))!;
    const content = flowContent(setCallback);
    expect(JSON.stringify(content)).toContain(QUEUE_ARN);
    const hooks = content.Actions.filter((a: any) => a.Type === 'UpdateContactEventHooks');
    expect(hooks.some((a: any) => JSON.stringify(a.Parameters).includes(JSON.stringify({ 'Fn::GetAtt': [agentWhisperId, 'ContactFlowArn'] })))).toBe(true);
    const callbacks = content.Actions.filter((a: any) => a.Type === 'CreateCallbackContact');
    expect(callbacks.length).toBeGreaterThan(0);
    for (const action of callbacks) {
      // Retries = 0, as the console writes it (see ZERO_RETRIES in src/flows/flow-checker.ts).
      expect(action.Parameters.MaximumConnectionAttempts).toBe('0');
      expect(action.Parameters.InitialCallDelaySeconds).toBe('10');
    }
  });

  test('sets the queue\'s outbound whisper flow through a custom resource that knows the queue and the flow', () => {
    const [, outbound] = resourcesOf(template, 'AWS::Connect::ContactFlow').find(([, r]) => r.Properties.Type === 'OUTBOUND_WHISPER')!;
    expect(outbound).toBeDefined();
    template.hasResourceProperties('Custom::ConnectQueueOutboundWhisper', {
      InstanceArn: INSTANCE_ARN,
      QueueArn: QUEUE_ARN,
      QueueId: '11111111-2222-4333-8444-555555555555',
      OutboundFlowArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CallbacksFlowsOutboundWhisperFlow'), 'ContactFlowArn'] },
    });
  });

  test('exposes every generated name and ARN', () => {
    const stack = Stack.of(construct);
    const resolved = (value: string) => stack.resolve(value);
    expect(resolved(construct.tableName)).toEqual({ Ref: expect.stringMatching(/^CallbacksTable/) });
    expect(resolved(construct.writeCallbackFunctionName)).toEqual({ Ref: functionId(template, 'WriteCallback') });
    expect(resolved(construct.ctrProcessorFunctionName)).toEqual({ Ref: functionId(template, 'CtrProcessor') });
    expect(resolved(construct.setCallbackFlowArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/SetCallbackFlow/), 'ContactFlowArn'] });
    expect(resolved(construct.agentWhisperFlowId)).toEqual({
      'Fn::Select': [3, { 'Fn::Split': ['/', { 'Fn::GetAtt': [expect.stringMatching(/AgentWhisperFlow/), 'ContactFlowArn'] }] }],
    });
    expect(resolved(construct.deadLetterQueue.queueArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'Arn'] });
    expect(Object.keys(template.toJSON().Outputs ?? {})).toHaveLength(0);
  });
});

describe('least privilege', () => {
  const { template } = synth({ phoneNumberArn: PHONE_NUMBER_ARN });
  const statements = resourcesOf(template, 'AWS::IAM::Policy')
    .flatMap(([id, r]) => r.Properties.PolicyDocument.Statement.map((s: any) => ({ policy: id, ...s })));
  const asList = (value: unknown) => (Array.isArray(value) ? value : [value]);

  test('no statement allows a wildcard action', () => {
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of asList(statement.Action)) {
        expect(action).not.toBe('*');
        expect(action).not.toMatch(/:\*$/);
      }
    }
  });

  test('no statement has a bare "*" resource, and every wildcard is bounded to the instance or account', () => {
    for (const statement of statements) {
      for (const resource of asList(statement.Resource)) {
        expect(resource).not.toBe('*');
        if (typeof resource === 'string' && resource.includes('*')) {
          expect([
            `${INSTANCE_ARN}/contact/*`,
            `${INSTANCE_ARN}/contact-flow/*`,
            `arn:aws:connect:eu-west-2:${ACCOUNT}:phone-number/*`,
          ]).toContain(resource);
        }
      }
    }
  });

  test('StopContact is allowed only on the instance\'s contacts, and only to the functions that stop callbacks', () => {
    const stopStatements = statements.filter((s) => asList(s.Action).includes('connect:StopContact'));
    expect(stopStatements.map((s) => s.policy).sort()).toEqual([
      expect.stringMatching(/^CallbacksEventsContactEventProcessorServiceRoleDefaultPolicy/),
      expect.stringMatching(/^CallbacksEventsCtrProcessorServiceRoleDefaultPolicy/),
      expect.stringMatching(/^CallbacksFlowsUpdateCallbackServiceRoleDefaultPolicy/),
      expect.stringMatching(/^CallbacksReconcilerFunctionServiceRoleDefaultPolicy/),
    ]);
    for (const s of stopStatements) expect(s.Resource).toBe(`${INSTANCE_ARN}/contact/*`);
  });

  test('each handler gets only the table actions it uses', () => {
    const tableActions = (fn: string) => statements
      .filter((s) => new RegExp(`^Callbacks(?:Flows|Events)?${fn}ServiceRoleDefaultPolicy`).test(s.policy))
      .flatMap((s) => asList(s.Action))
      .filter((a: string) => a.startsWith('dynamodb:'))
      .sort();
    expect(tableActions('WriteCallback')).toEqual(['dynamodb:PutItem']);
    expect(tableActions('UpdateCallback')).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(tableActions('CtrProcessor')).toEqual(['dynamodb:DeleteItem', 'dynamodb:UpdateItem']);
    expect(tableActions('ContactEventProcessor')).toEqual(['dynamodb:UpdateItem']);
  });

  test('only the processor may read the stream', () => {
    const readers = statements.filter((s) => asList(s.Action).some((a: string) => a.startsWith('kinesis:')));
    expect(new Set(readers.map((s) => s.policy.replace(/[0-9A-F]{8}$/, '')))).toEqual(new Set(['CallbacksEventsCtrProcessorServiceRoleDefaultPolicy']));
    for (const s of readers) expect(asList(s.Resource)).toEqual([STREAM_ARN]);
  });
});

describe('contact events (learnCallbackIdFromContactEvents, on by default)', () => {
  const { construct, template } = synth();
  // The other rule is the reconciler's schedule.
  const [[ruleId, rule]] = resourcesOf(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern);
  const processorId = functionId(template, 'ContactEventProcessor');
  const queueId = resourcesOf(template, 'AWS::SQS::Queue').map(([id]) => id).find((id) => id.startsWith('CallbacksEventsContactEventDeadLetterQueue'))!;

  test('one rule on the default bus, for this instance\'s contacts created as callbacks (INITIATED) only', () => {
    expect(resourcesOf(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern)).toHaveLength(1);
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.EventPattern).toEqual({
      'source': ['aws.connect'],
      'detail-type': ['Amazon Connect Contact Event'],
      'detail': {
        instanceArn: [INSTANCE_ARN],
        initiationMethod: ['CALLBACK'],
        eventType: ['INITIATED'],
      },
    });
  });

  test('its only target is the contact event processor, with bounded retries, a maximum event age and a DLQ', () => {
    expect(rule.Properties.Targets).toHaveLength(1);
    const [target] = rule.Properties.Targets;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [processorId, 'Arn'] });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
    expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeLessThanOrEqual(3 * 3600);
    const fn = template.toJSON().Resources[processorId];
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
  });

  test('only EventBridge, for this rule alone, may invoke the processor', () => {
    const permissions = resourcesOf(template, 'AWS::Lambda::Permission')
      .filter(([, r]) => JSON.stringify(r.Properties.FunctionName).includes(processorId));
    expect(permissions).toHaveLength(1);
    expect(permissions[0][1].Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [processorId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
    // Not a flow function: Connect is neither associated with it nor allowed to call it.
    const associated = resourcesOf(template, 'AWS::Connect::IntegrationAssociation').map(([, r]) => r.Properties.IntegrationArn['Fn::GetAtt'][0]);
    expect(associated).not.toContain(processorId);
  });

  test('the DLQ is encrypted, refuses plain HTTP, and takes messages from EventBridge only for this rule', () => {
    expect(template.toJSON().Resources[queueId].Properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    const [[, policy]] = resourcesOf(template, 'AWS::SQS::QueuePolicy').filter(([, r]) => r.Properties.Queues[0].Ref === queueId);
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      }),
    ]));
    expect(statements.filter((s: any) => s.Effect === 'Allow')).toHaveLength(1);
  });

  test('the processor\'s own failures are retried a bounded number of times, then go to the same DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: processorId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  test('exposes the function, its name, the rule and the DLQ', () => {
    const stack = Stack.of(construct);
    expect(stack.resolve(construct.contactEventProcessorFunctionName)).toEqual({ Ref: processorId });
    expect(stack.resolve(construct.contactEventProcessorFunction?.functionArn)).toEqual({ 'Fn::GetAtt': [processorId, 'Arn'] });
    expect(stack.resolve(construct.contactEventRule?.ruleArn)).toEqual({ 'Fn::GetAtt': [ruleId, 'Arn'] });
    expect(stack.resolve(construct.contactEventDeadLetterQueue?.queueArn)).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });

  test('learnCallbackIdFromContactEvents: false removes the rule, the function, its permission and the DLQ', () => {
    const off = synth({ learnCallbackIdFromContactEvents: false });
    expect(resourcesOf(off.template, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern)).toEqual([]);
    // The reconciler's own async settings (no retries) remain.
    expect(resourcesOf(off.template, 'AWS::Lambda::EventInvokeConfig').map(([id]) => id)).toEqual([expect.stringMatching(/^CallbacksReconcilerFunction/)]);
    off.template.resourceCountIs('AWS::SQS::Queue', 1);
    const ids = resourcesOf(off.template, 'AWS::Lambda::Function').map(([id]) => id);
    expect(ids.filter((id) => id.includes('ContactEvent'))).toEqual([]);
    // EventBridge may invoke the reconciler only (from its schedule).
    expect(resourcesOf(off.template, 'AWS::Lambda::Permission').filter(([, r]) => r.Properties.Principal === 'events.amazonaws.com')
      .map(([, r]) => r.Properties.FunctionName['Fn::GetAtt'][0])).toEqual([expect.stringMatching(/^CallbacksReconcilerFunction/)]);
    expect(off.construct.contactEventProcessorFunction).toBeUndefined();
    expect(off.construct.contactEventProcessorFunctionName).toBeUndefined();
    expect(off.construct.contactEventRule).toBeUndefined();
    expect(off.construct.contactEventDeadLetterQueue).toBeUndefined();
    // The CTR path is untouched.
    off.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  test('with a customer-managed key defined in the app, the DLQ uses it and EventBridge may use it to write there', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    addConstruct(stack, 'Callbacks', { encryptionKey: key });
    const keyed = Template.fromStack(stack);
    const keyRef = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as any), 'Arn'] };
    for (const [, queue] of resourcesOf(keyed, 'AWS::SQS::Queue')) expect(queue.Properties.KmsMasterKeyId).toEqual(keyRef);
    keyed.resourceCountIs('AWS::SQS::Queue', 2);
    keyed.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        })]),
      },
    });
  });
});

describe('options', () => {
  test('callbackTtl, country, time zone, cancel-for-other-number and log retention reach the handlers', () => {
    const { template } = synth({
      callbackTtl: Duration.hours(6),
      defaultCountry: 'GB',
      timeZone: 'Europe/London',
      allowCancelForOtherNumber: true,
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    const env = template.toJSON().Resources[functionId(template, 'UpdateCallback')].Properties.Environment.Variables;
    expect(env).toMatchObject({ COMPLETED_RECORD_TTL_SECONDS: '21600', DEFAULT_COUNTRY: 'GB', TIME_ZONE: 'Europe/London', ALLOW_CANCEL_FOR_OTHER_NUMBER: 'true' });
    for (const [, logGroup] of resourcesOf(template, 'AWS::Logs::LogGroup')) expect(logGroup.Properties.RetentionInDays).toBe(7);
  });

  test('a customer-managed key encrypts the table and the dead-letter queue, and the handlers may use it', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:eu-west-2:${ACCOUNT}:key/12345678-1234-4234-8234-123456789012`);
    addConstruct(stack, 'Callbacks', { encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY, pointInTimeRecovery: false });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: key.keyArn },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      },
      DeletionPolicy: 'Delete',
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: key.keyArn });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['kms:Decrypt', 'kms:Encrypt']), Resource: key.keyArn })]) },
    });
  });

  test('phoneNumberArn associates the number with the set-callback flow and disassociates it on delete', () => {
    const { template } = synth({ phoneNumberArn: PHONE_NUMBER_ARN });
    const [, resource] = resourcesOf(template, 'Custom::AWS')[0];
    const create = JSON.stringify(resource.Properties.Create);
    expect(create).toContain('AssociatePhoneNumberContactFlow');
    expect(create).toContain('99999999-8888-4777-8666-555555555555');
    expect(create).toContain('SetCallbackFlow');
    expect(JSON.stringify(resource.Properties.Delete)).toContain('DisassociatePhoneNumberContactFlow');
  });

  test('configureQueueOutboundWhisper: false leaves the queue alone', () => {
    const { template } = synth({ configureQueueOutboundWhisper: false });
    template.resourceCountIs('Custom::ConnectQueueOutboundWhisper', 0);
  });

  test('createOutputs adds outputs for the generated names', () => {
    const { template } = synth({ createOutputs: true });
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs.some((o) => o.includes('TableName'))).toBe(true);
    expect(outputs.some((o) => o.includes('SetCallbackFlowArn'))).toBe(true);
    expect(outputs.some((o) => o.includes('ContactEventProcessorFunctionName'))).toBe(true);
    const off = synth({ createOutputs: true, learnCallbackIdFromContactEvents: false });
    expect(Object.keys(off.template.toJSON().Outputs).some((o) => o.includes('ContactEvent'))).toBe(false);
  });

  test('two constructs in one stack synthesize with distinct physical names', () => {
    const stack = newStack();
    const first = addConstruct(stack, 'First');
    const second = addConstruct(stack, 'Second', { queueArn: OTHER_QUEUE_ARN });
    const template = Template.fromStack(stack);
    const names = resourcesOf(template, 'AWS::Connect::ContactFlow').map(([, r]) => r.Properties.Name);
    expect(names).toHaveLength(8);
    expect(new Set(names).size).toBe(8);
    expect(first.namePrefix).not.toBe(second.namePrefix);
  });

  test('two constructs of one app may not both set one queue\'s outbound whisper flow', () => {
    const app = new App();
    const env = { account: ACCOUNT, region: 'eu-west-2' };
    addConstruct(new Stack(app, 'One', { env }), 'First');
    expect(() => addConstruct(new Stack(app, 'Two', { env }), 'Second')).toThrow(/queueArn .* is already used by the callback management construct at One\/First/);
    // Without the outbound whisper, sharing the queue is the user's choice.
    expect(() => addConstruct(new Stack(app, 'Three', { env }), 'Third', { configureQueueOutboundWhisper: false })).not.toThrow();
  });
});

describe('bad props fail at synth with a message naming the prop', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['instanceArn not an ARN', { instanceArn: 'my-instance' }, /instanceArn must be an Amazon Connect instance ARN/],
    ['instanceArn of a queue', { instanceArn: QUEUE_ARN }, /instanceArn/],
    ['queueArn not a queue', { queueArn: INSTANCE_ARN }, /queueArn must be an Amazon Connect queue ARN/],
    ['queueArn of another instance', { queueArn: QUEUE_ARN.replace('aaaaaaaa', 'bbbbbbbb') }, /queueArn must belong to the instance.*instanceId/],
    ['queueArn in another region', { queueArn: QUEUE_ARN.replace('eu-west-2', 'us-east-1') }, /queueArn must belong to the instance.*region/],
    ['callbackTtl too short', { callbackTtl: Duration.minutes(30) }, /callbackTtl must be between 1 hour and 7 days/],
    ['callbackTtl too long', { callbackTtl: Duration.days(8) }, /callbackTtl must be between 1 hour and 7 days/],
    ['initialCallDelay too long', { initialCallDelay: Duration.days(4) }, /initialCallDelay must be between/],
    ['defaultCountry not ISO', { defaultCountry: 'USA' }, /defaultCountry must be an ISO 3166-1 alpha-2 code/],
    ['defaultCountry lower case', { defaultCountry: 'us' }, /defaultCountry/],
    ['timeZone unknown', { timeZone: 'Mars/Olympus' }, /timeZone must be an IANA time zone/],
    ['namePrefix with spaces', { namePrefix: 'my callbacks' }, /namePrefix must be/],
    ['namePrefix too long', { namePrefix: 'x'.repeat(65) }, /namePrefix must be/],
    ['phoneNumberArn not a number', { phoneNumberArn: QUEUE_ARN }, /phoneNumberArn must be an Amazon Connect phone number ARN/],
    ['instanceArn in another region than the stack', {
      instanceArn: INSTANCE_ARN.replace('eu-west-2', 'us-east-1'), queueArn: QUEUE_ARN.replace('eu-west-2', 'us-east-1'),
    }, /instanceArn must be an instance in the stack's own region and account .*region us-east-1, not the stack's eu-west-2/],
    ['instanceArn in another account than the stack', {
      instanceArn: INSTANCE_ARN.replace(ACCOUNT, '210987654321'), queueArn: QUEUE_ARN.replace(ACCOUNT, '210987654321'),
    }, /instanceArn must be an instance in the stack's own region and account .*account 210987654321, not the stack's 123456789012/],
  ];
  test.each(cases)('%s', (_name, overrides, message) => {
    expect(() => addConstruct(newStack(), 'Callbacks', overrides as any)).toThrow(message);
  });

  test('a missing stream is named', () => {
    expect(() => addConstruct(newStack(), 'Callbacks', { stream: undefined as any })).toThrow(/stream is required/);
  });

  test('an environment-agnostic stack accepts an instance of any region and account', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => addConstruct(stack, 'Callbacks', {
      instanceArn: INSTANCE_ARN.replace('eu-west-2', 'us-east-1'), queueArn: QUEUE_ARN.replace('eu-west-2', 'us-east-1'),
    })).not.toThrow();
  });

  test('unresolved ARNs (tokens) are accepted and left to CloudFormation', () => {
    const stack = newStack();
    const { CfnParameter } = jest.requireActual('aws-cdk-lib');
    const instance = new CfnParameter(stack, 'Instance').valueAsString;
    const queue = new CfnParameter(stack, 'Queue').valueAsString;
    expect(() => addConstruct(stack, 'Callbacks', { instanceArn: instance, queueArn: queue })).not.toThrow();
  });
});
