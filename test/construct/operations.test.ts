/**
 * Operating the construct, as synthesized: the default alarms and their thresholds, the alarm topic, the dashboard,
 * the reconciler's schedule, the index of open records, and the callbacks API with its grants and URL output. (cdk-nag
 * runs over a stack with all of them in test/construct/security.test.ts.)
 */
import { Duration, Stack, aws_iam as iam, aws_sns as sns } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addConstruct, newStack, resourcesOf, synth } from './fixtures';
import { CALLBACKS_API_URL_OUTPUT_DESCRIPTION } from '../../src/callbacks-api';

const alarmsOf = (template: Template) => resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => ({ id, ...alarm.Properties }));
const byId = (template: Template, pattern: RegExp) => {
  const found = alarmsOf(template).filter((alarm) => pattern.test(alarm.id));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('alarms (on by default)', () => {
  const { construct, template, stack } = synth();

  test('a default stack has the alarms: both DLQs, CTR iterator age, errors and throttles per function, table, StopContact, reconciler', () => {
    const ids = alarmsOf(template).map((alarm) => alarm.id.replace(/[0-9A-F]{8}$/, '').replace(/^CallbacksAlarms/, ''));
    expect(ids.sort()).toEqual([
      'CTRDeadLetterQueue', 'ContactEventDeadLetterQueue', 'CtrIteratorAge',
      'WriteCallbackErrors', 'WriteCallbackThrottles', 'UpdateCallbackErrors', 'UpdateCallbackThrottles',
      'CtrProcessorErrors', 'CtrProcessorThrottles', 'ContactEventProcessorErrors', 'ContactEventProcessorThrottles',
      'ReconcilerErrors', 'ReconcilerThrottles',
      'TableThrottles', 'TableSystemErrors', 'StopContactFailures', 'ReconcilerRepairs',
    ].sort());
    expect(construct.alarms).toHaveLength(17);
    for (const alarm of alarmsOf(template)) {
      expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      expect(alarm.AlarmDescription).toMatch(/See "Alarms" in the cdk-connect-callback-management README/);
      expect(alarm.AlarmActions).toBeUndefined();
    }
  });

  test('default thresholds: 1 message, 10 minutes of iterator age, 1 error or throttle, 5 repairs an hour', () => {
    expect(byId(template, /CTRDeadLetterQueue/)).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Period: 300, Threshold: 1 });
    expect(byId(template, /CtrIteratorAge/)).toMatchObject({ MetricName: 'IteratorAge', Statistic: 'Maximum', Threshold: 600_000 });
    expect(byId(template, /WriteCallbackErrors/)).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1 });
    expect(byId(template, /StopContactFailures/)).toMatchObject({
      Namespace: 'CallbackManagement',
      MetricName: 'StopContactFailures',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      Dimensions: [{ Name: 'CallbackManagement', Value: construct.namePrefix }],
    });
    expect(byId(template, /ReconcilerRepairs/)).toMatchObject({ MetricName: 'ReconcilerRepairs', Period: 3600, Threshold: 5 });
    // Summed over the operations the handlers issue (a metric math expression).
    const throttles = byId(template, /TableThrottles/);
    expect(throttles.Metrics.map((m: any) => m.MetricStat?.Metric.Dimensions?.find((d: any) => d.Name === 'Operation')?.Value).filter(Boolean).sort())
      .toEqual(['DeleteItem', 'GetItem', 'PutItem', 'Query', 'TransactWriteItems', 'UpdateItem']);
    expect(stack.resolve(construct.alarms[0].alarmArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CallbacksAlarms/), 'Arn'] });
  });

  test('thresholds can be overridden, and a bad one is named', () => {
    const alarmThresholds = { deadLetterQueueMessages: 10, ctrIteratorAge: Duration.hours(2), stopContactFailures: 3, reconcilerRepairsPerHour: 50 };
    const tuned = synth({ alarmThresholds }).template;
    expect(byId(tuned, /CTRDeadLetterQueue/).Threshold).toBe(10);
    expect(byId(tuned, /CtrIteratorAge/).Threshold).toBe(7_200_000);
    expect(byId(tuned, /StopContactFailures/).Threshold).toBe(3);
    expect(byId(tuned, /ReconcilerRepairs/).Threshold).toBe(50);
    expect(() => synth({ alarmThresholds: { functionErrors: 0 } })).toThrow('alarmThresholds.functionErrors must be a whole number of at least 1, got 0');
    expect(() => synth({ alarmThresholds: { ctrIteratorAge: Duration.days(2) } })).toThrow(/alarmThresholds.ctrIteratorAge must be between 1 minute and 1 day/);
  });

  test('an alarm topic receives every alarm', () => {
    const withTopic = newStack();
    const topic = new sns.Topic(withTopic, 'Ops', { enforceSSL: true });
    addConstruct(withTopic, 'Callbacks', { alarmTopic: topic });
    const alarms = alarmsOf(Template.fromStack(withTopic));
    expect(alarms.length).toBe(17);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: withTopic.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }]);
  });

  test('createAlarms: false makes none; thresholds or a topic given then are refused', () => {
    const off = synth({ createAlarms: false });
    off.template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(off.construct.alarms).toEqual([]);
    expect(() => synth({ createAlarms: false, alarmThresholds: {} })).toThrow('alarmThresholds is given but createAlarms is false');
    const other = newStack();
    expect(() => addConstruct(other, 'Callbacks', { createAlarms: false, alarmTopic: new sns.Topic(other, 'T') })).toThrow('alarmTopic is given but createAlarms is false');
  });

  test('metricsNamespace is the namespace of every handler metric alarm and of the functions\' environment', () => {
    const { template: custom, construct: c } = synth({ metricsNamespace: 'Contoso/Callbacks' });
    expect(byId(custom, /StopContactFailures/).Namespace).toBe('Contoso/Callbacks');
    expect(c.metricsNamespace).toBe('Contoso/Callbacks');
    for (const [, fn] of resourcesOf(custom, 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.TABLE_NAME)) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ METRICS_NAMESPACE: 'Contoso/Callbacks', METRICS_SERVICE: c.namePrefix });
    }
    expect(() => synth({ metricsNamespace: 'AWS/Lambda' })).toThrow(/metricsNamespace must be .* not start with "AWS\/"/);
    expect(() => synth({ metricsNamespace: '' })).toThrow(/metricsNamespace must be/);
  });
});

describe('dashboard (off by default)', () => {
  test('none by default; createDashboard shows the funnel, the latencies and the health', () => {
    synth().template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const { template, construct, stack } = synth({ createDashboard: true });
    const [[id, dashboard]] = resourcesOf(template, 'AWS::CloudWatch::Dashboard');
    expect(stack.resolve(construct.dashboard?.dashboardArn)).toBeDefined();
    const body = JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));
    for (const text of ['Callback funnel', 'Latencies', 'Health', 'Bookings', 'DuplicateBookings', 'Cancels', 'Outcomes', 'Removals', 'AgentHangUps',
      'CallbackIdLag', 'IteratorAge', 'StopContactFailures', 'ReconcilerRepairs', 'OpenCallbacks', 'ApproximateNumberOfMessagesVisible',
      // The alarm status widget lists the construct's alarms.
      'CallbacksAlarmsStopContactFailures']) {
      expect({ id, text, shown: body.includes(text) }).toEqual({ id, text, shown: true });
    }
    for (const resolution of ['CONNECTED', 'REMOVED_BY_API', 'HUNG_UP_BY_AGENT', 'ENDED', 'RELEASED', 'STOP_REFUSED', 'EXPIRED']) expect(body).toContain(resolution);
  });
});

describe('reconciler (on by default)', () => {
  const { construct, template, stack } = synth();
  const [[ruleId, rule]] = resourcesOf(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression);
  const fnId = resourcesOf(template, 'AWS::Lambda::Function').map(([id]) => id).find((id) => id.startsWith('CallbacksReconcilerFunction'))!;

  test('runs every 10 minutes, nothing retried (the next run reads the same records), with its interval in its environment', () => {
    expect(rule.Properties.ScheduleExpression).toBe('rate(10 minutes)');
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })]);
    const [[, invokeConfig]] = resourcesOf(template, 'AWS::Lambda::EventInvokeConfig').filter(([id]) => id.startsWith('CallbacksReconcilerFunction'));
    expect(invokeConfig.Properties.MaximumRetryAttempts).toBe(0);
    const fn = template.toJSON().Resources[fnId].Properties;
    expect(fn.Environment.Variables).toMatchObject({ RECONCILE_INTERVAL_SECONDS: '600', RECONCILE_CALL_SPACING_MS: '1000' });
    expect(fn.Timeout).toBe(300);
    expect(fn.MemorySize).toBe(128);
    expect(stack.resolve(construct.reconcilerFunction?.functionArn)).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(stack.resolve(construct.reconcilerRule?.ruleArn)).toEqual({ 'Fn::GetAtt': [ruleId, 'Arn'] });
  });

  test('reconcileInterval sets the schedule; a bad one is named', () => {
    const hourly = synth({ reconcileInterval: Duration.hours(1) }).template;
    expect(resourcesOf(hourly, 'AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression)?.[1].Properties.ScheduleExpression).toBe('rate(1 hour)');
    expect(() => synth({ reconcileInterval: Duration.seconds(30) })).toThrow(/reconcileInterval must be between 1 minute and 1 day, got 30 seconds/);
    expect(() => synth({ reconcileInterval: Duration.days(2) })).toThrow(/reconcileInterval must be between 1 minute and 1 day/);
    expect(() => synth({ reconcileInterval: Duration.seconds(90) })).toThrow(/reconcileInterval must be a whole number of minutes, got 1 minute 30 seconds/);
  });

  test('enableReconciler: false removes it, its rule, its alarms and (with the API off) the index', () => {
    const off = synth({ enableReconciler: false });
    expect(off.construct.reconcilerFunction).toBeUndefined();
    expect(off.construct.reconcilerRule).toBeUndefined();
    expect(resourcesOf(off.template, 'AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression)).toEqual([]);
    expect(alarmsOf(off.template).map((a) => a.id).filter((id) => id.includes('Reconciler'))).toEqual([]);
    const [[, table]] = resourcesOf(off.template, 'AWS::DynamoDB::Table');
    expect(table.Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(() => synth({ enableReconciler: false, reconcileInterval: Duration.hours(1) })).toThrow('reconcileInterval is given but enableReconciler is false');
    // The API needs the index too.
    const apiOnly = synth({ enableReconciler: false, enableCallbacksApi: true });
    expect(resourcesOf(apiOnly.template, 'AWS::DynamoDB::Table')[0][1].Properties.GlobalSecondaryIndexes).toHaveLength(1);
  });
});

describe('callbacks API (off by default)', () => {
  test('none by default: no API, no output, and the grants say why they cannot be made', () => {
    const { template, construct } = synth();
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    expect(Object.keys(template.findOutputs('*'))).toEqual([]);
    expect(construct.callbacksApi).toBeUndefined();
    expect(construct.callbacksApiUrl).toBeUndefined();
    const role = new iam.Role(Stack.of(construct), 'Op', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => construct.grantList(role)).toThrow('grantList() needs the callbacks API: set enableCallbacksApi to true');
    expect(() => construct.grantCancel(role)).toThrow('grantCancel() needs the callbacks API: set enableCallbacksApi to true');
  });

  const { template, construct, stack } = synth({ enableCallbacksApi: true });

  test('an HTTP API with IAM authorization on exactly two routes, throttled, with access logs, its URL a stack output', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => [r.RouteKey, r.AuthorizationType]).sort()).toEqual([['GET /callbacks', 'AWS_IAM'], ['POST /callbacks/cancel', 'AWS_IAM']]);
    const [[, stage]] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^CallbacksCallbacksApiAccessLogs/), 'Arn'] }, Format: expect.stringContaining('$context.requestId') },
    });
    const outputs = Object.values(template.findOutputs('*'));
    expect(outputs).toEqual([expect.objectContaining({ Description: CALLBACKS_API_URL_OUTPUT_DESCRIPTION })]);
    expect(stack.resolve(construct.callbacksApiUrl)).toEqual(stack.resolve(outputs[0].Value));
    expect(JSON.stringify(stack.resolve(construct.callbacksApiUrl))).toMatch(/execute-api/);
  });

  test('grantList and grantCancel allow execute-api:Invoke on one route of its one stage each, no wildcard', () => {
    const stack2 = newStack();
    const c = addConstruct(stack2, 'Callbacks', { enableCallbacksApi: true });
    const reader = new iam.Role(stack2, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const canceller = new iam.Role(stack2, 'Canceller', { assumedBy: new iam.AccountRootPrincipal() });
    expect(c.grantList(reader).success).toBe(true);
    expect(c.grantCancel(canceller).success).toBe(true);
    const policies = Template.fromStack(stack2).findResources('AWS::IAM::Policy');
    const statementOf = (role: string) => Object.entries(policies).find(([id]) => id.startsWith(role))![1].Properties.PolicyDocument.Statement;
    const apiRef = { Ref: expect.stringMatching(/^CallbacksCallbacksApi[0-9A-F]{8}$/) };
    const arn = (route: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:eu-west-2:123456789012:', apiRef, route]] });
    expect(statementOf('Reader')).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: arn('/$default/GET/callbacks') }]);
    expect(statementOf('Canceller')).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: arn('/$default/POST/callbacks/cancel') }]);
  });

  test('its two functions are alarmed like the others', () => {
    const ids = alarmsOf(template).map((alarm) => alarm.id);
    for (const name of ['ListCallbacksErrors', 'ListCallbacksThrottles', 'CancelCallbackErrors', 'CancelCallbackThrottles']) {
      expect(ids.some((id) => id.startsWith(`CallbacksAlarms${name}`))).toBe(true);
    }
    expect(construct.listCallbacksFunction).toBeDefined();
    expect(construct.cancelCallbackFunction).toBeDefined();
  });
});
