import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_events_targets as targets,
  aws_lambda as lambda,
  aws_sns as sns,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HandlerFunctions } from './handler-functions';
import { CallbackAlarmThresholds } from './operations-options';
import { validateDurationRange } from './validation';

/**
 * Names the handlers share with the construct (lambda-src/shared/contract.ts; src/ cannot import it, and
 * test/construct/contract.test.ts checks that the copies agree).
 */
export const OPEN_RECORDS_INDEX = { NAME: 'open-records', PARTITION_KEY: 'openQueueArn', SORT_KEY: 'createdAt' } as const;
/** Values of METRICS.REASON_DIMENSION on ADMISSION_REFUSALS: the admission policy's refusals. */
export const ADMISSION_REASONS = ['AT_CAPACITY', 'LIMIT_REACHED', 'CLOSING', 'CLOSED'] as const;
/** Values of METRICS.REASON_DIMENSION on ADMISSION_INPUT_MISSING: the checks that can lack their input. */
export const ADMISSION_UNCHECKED = ['AT_CAPACITY', 'HOURS_OF_OPERATION'] as const;
export const METRICS_ENV = { NAMESPACE: 'METRICS_NAMESPACE', SERVICE: 'METRICS_SERVICE' } as const;
export const RECONCILER_ENV = { INTERVAL_SECONDS: 'RECONCILE_INTERVAL_SECONDS', CALL_SPACING_MS: 'RECONCILE_CALL_SPACING_MS' } as const;
export const METRICS = {
  DIMENSION: 'CallbackManagement',
  PATH_DIMENSION: 'Path',
  RESOLUTION_DIMENSION: 'Resolution',
  REASON_DIMENSION: 'Reason',
  BOOKINGS: 'Bookings',
  DUPLICATE_BOOKINGS: 'DuplicateBookings',
  DEFERRED_BOOKINGS: 'DeferredBookings',
  ADMISSION_REFUSALS: 'AdmissionRefusals',
  ADMISSION_INPUT_MISSING: 'AdmissionInputMissing',
  CANCELS: 'Cancels',
  REMOVALS: 'Removals',
  AGENT_HANG_UPS: 'AgentHangUps',
  OUTCOMES: 'Outcomes',
  STOP_CONTACT_FAILURES: 'StopContactFailures',
  CALLBACK_ID_LAG: 'CallbackIdLag',
  OPEN_CALLBACKS: 'OpenCallbacks',
  RECONCILER_REPAIRS: 'ReconcilerRepairs',
  RECONCILER_FLAGS: 'ReconcilerFlags',
  RECONCILER_LOOKUPS: 'ReconcilerLookups',
  RECONCILER_BACKLOG: 'ReconcilerBacklog',
} as const;
export const METRIC_PATHS = {
  CALLER: 'caller',
  OPERATOR: 'operator',
  CONTACT_EVENT: 'contact-event',
  CTR: 'ctr',
  RECONCILER: 'reconciler',
  WHISPER: 'whisper',
  /** A customer-first callback's creation flow, which stops a cancelled callback before it is queued. */
  CREATION_FLOW: 'creation-flow',
} as const;
/** Every resolution a record can reach (CallbackResolution in lambda-src/shared/contract.ts). */
export const RESOLUTIONS = ['CONNECTED', 'REMOVED_BY_API', 'HUNG_UP_BY_AGENT', 'ENDED', 'RELEASED', 'STOP_REFUSED', 'EXPIRED',
  'NOT_ANSWERED', 'VOICEMAIL', 'DIAL_STOPPED', 'CANCELLED_ON_ANSWER'] as const;

/** The default namespace of the handlers' metrics. */
export const DEFAULT_METRICS_NAMESPACE = 'CallbackManagement';

/**
 * Milliseconds between two Amazon Connect calls of a reconciler run: at most one call a second, half of the default
 * rate of most Connect APIs ("a RateLimit of 2 per second, and a BurstLimit of 5 per second", the API reference's
 * throttling note), which the account's other users of DescribeContact and StopContact share.
 */
const RECONCILER_CALL_SPACING_MS = 1000;

const FIVE_MINUTES = Duration.minutes(5);

export interface MonitoredFunction {
  /** How the alarm and the dashboard name it (e.g. 'write-callback'). */
  readonly name: string;
  readonly fn: lambda.IFunction;
}

export interface ReconcilerProps {
  readonly functions: HandlerFunctions;
  readonly interval: Duration;
}

/** The scheduled reconciler: a function and the EventBridge rule that runs it every `interval`. */
export class Reconciler extends Construct {
  public readonly fn: lambda.Function;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ReconcilerProps) {
    super(scope, id);
    validateDurationRange(props.interval, 'reconcileInterval', 60, 24 * 3600, '1 minute and 1 day');
    // An EventBridge rate schedule counts in whole minutes.
    if (props.interval.toSeconds() % 60 !== 0) throw new Error(`reconcileInterval must be a whole number of minutes, got ${props.interval.toHumanString()}`);
    const { functions } = props;
    this.fn = functions.create(this, 'Function', 'reconciler', {
      description: 'Repairs callback records that Amazon Connect has finished with (lost contact events or CTRs)',
      // A run stops starting new work well before its time or the next run (lambda-src/handlers/reconciler.ts).
      timeout: Duration.minutes(5),
      // Its time is mostly the pause before each Connect call, billed by memory: the least Lambda offers.
      memorySize: 128,
    });
    this.fn.addEnvironment(RECONCILER_ENV.INTERVAL_SECONDS, String(props.interval.toSeconds()));
    this.fn.addEnvironment(RECONCILER_ENV.CALL_SPACING_MS, String(RECONCILER_CALL_SPACING_MS));
    // Completions and flags are conditional updates (with the pointer's DeleteItem in a transaction); the records
    // come from the index, never read one by one.
    functions.grantTable(this.fn, 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    functions.grantOpenRecordsQuery(this.fn);
    functions.allowStopContact(this.fn);
    functions.allowDescribeContact(this.fn);
    // A failed run is not retried: the next one reads the same open records again.
    this.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.seconds(Math.max(60, Math.min(props.interval.toSeconds(), 6 * 3600))) });
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the callback management reconciler',
      schedule: events.Schedule.rate(props.interval),
    });
    this.rule.addTarget(new targets.LambdaFunction(this.fn, { retryAttempts: 0 }));
  }
}

export interface AlarmsProps {
  readonly thresholds: CallbackAlarmThresholds;
  readonly namespace: string;
  /** The METRICS.DIMENSION value of this construct's metrics (its namePrefix). */
  readonly service: string;
  readonly functions: readonly MonitoredFunction[];
  readonly ctrProcessor: lambda.IFunction;
  readonly deadLetterQueues: ReadonlyArray<{ readonly name: string; readonly queue: sqs.IQueue }>;
  readonly table: dynamodb.Table;
  readonly reconciler: boolean;
  readonly alarmTopic?: sns.ITopic;
}

/** Table operations the handlers issue (throttles and system errors are summed over them). */
const TABLE_OPERATIONS = [
  dynamodb.Operation.GET_ITEM, dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM, dynamodb.Operation.TRANSACT_WRITE_ITEMS, dynamodb.Operation.QUERY,
];

/** A metric the handlers write (embedded metric format) with the construct's dimension and perhaps one more. */
export function handlerMetric(namespace: string, service: string, name: string, options: {
  statistic?: string; period?: Duration; label?: string; extra?: Record<string, string>;
} = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName: name,
    dimensionsMap: { [METRICS.DIMENSION]: service, ...options.extra },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? FIVE_MINUTES,
    label: options.label,
  });
}

/**
 * The alarms a user of this construct expects by default (cdk-monitoring-constructs and AWS Solutions Constructs ship
 * the same kind for these resources). Missing data never alarms: a quiet contact center is not a broken one.
 */
export class Alarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const ctrIteratorAge = t.ctrIteratorAge ?? Duration.minutes(10);
    validateDurationRange(ctrIteratorAge, 'alarmThresholds.ctrIteratorAge', 60, 24 * 3600, '1 minute and 1 day');
    const counts: Array<[keyof CallbackAlarmThresholds, number]> = [
      ['deadLetterQueueMessages', t.deadLetterQueueMessages ?? 1],
      ['functionErrors', t.functionErrors ?? 1],
      ['functionThrottles', t.functionThrottles ?? 1],
      ['tableThrottles', t.tableThrottles ?? 1],
      ['tableSystemErrors', t.tableSystemErrors ?? 1],
      ['stopContactFailures', t.stopContactFailures ?? 1],
      ['reconcilerRepairsPerHour', t.reconcilerRepairsPerHour ?? 5],
    ];
    for (const [name, value] of counts) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`alarmThresholds.${name} must be a whole number of at least 1, got ${value}`);
    }
    const threshold = Object.fromEntries(counts) as Record<keyof CallbackAlarmThresholds, number>;

    const add = (alarmId: string, metric: cloudwatch.IMetric, value: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: value,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${description} See "Alarms" in the cdk-connect-callback-management README for what to do.`,
      });
      if (props.alarmTopic) alarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
      this.alarms.push(alarm);
    };

    for (const { name, queue } of props.deadLetterQueues) {
      add(`${pascal(name)}DeadLetterQueue`, queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        threshold.deadLetterQueueMessages, `Messages are waiting in the ${name} dead-letter queue: events whose processing failed after every retry.`);
    }
    add('CtrIteratorAge', props.ctrProcessor.metric('IteratorAge', { period: FIVE_MINUTES, statistic: 'Maximum' }),
      ctrIteratorAge.toMilliseconds(), 'The CTR processor is falling behind the contact record stream.');
    for (const { name, fn } of props.functions) {
      add(`${pascal(name)}Errors`, fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), threshold.functionErrors,
        `The ${name} function failed.`);
      add(`${pascal(name)}Throttles`, fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), threshold.functionThrottles,
        `The ${name} function was throttled.`);
    }
    add('TableThrottles', props.table.metricThrottledRequestsForOperations({ operations: TABLE_OPERATIONS, period: FIVE_MINUTES }),
      threshold.tableThrottles, 'DynamoDB throttled requests to the callback table.');
    add('TableSystemErrors', props.table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period: FIVE_MINUTES }),
      threshold.tableSystemErrors, 'DynamoDB answered requests to the callback table with system errors.');
    add('StopContactFailures', handlerMetric(props.namespace, props.service, METRICS.STOP_CONTACT_FAILURES), threshold.stopContactFailures,
      'StopContact failed: a cancelled callback may still be queued.');
    if (props.reconciler) {
      add('ReconcilerRepairs', handlerMetric(props.namespace, props.service, METRICS.RECONCILER_REPAIRS, { period: Duration.hours(1) }),
        threshold.reconcilerRepairsPerHour, 'The reconciler repaired records that contact events and CTRs should have settled: something upstream loses them.');
    }
  }
}

export interface DashboardProps {
  readonly namespace: string;
  readonly service: string;
  readonly functions: readonly MonitoredFunction[];
  readonly ctrProcessor: lambda.IFunction;
  readonly deadLetterQueues: ReadonlyArray<{ readonly name: string; readonly queue: sqs.IQueue }>;
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly reconciler: boolean;
}

/** The callback funnel, the latencies and the health, on one CloudWatch dashboard. */
export function createDashboard(scope: Construct, id: string, props: DashboardProps): cloudwatch.Dashboard {
  const metric = (name: string, options: Parameters<typeof handlerMetric>[3] = {}) => handlerMetric(props.namespace, props.service, name, options);
  const dashboard = new cloudwatch.Dashboard(scope, id, { defaultInterval: Duration.days(1) });
  const width = 8;
  dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Callback funnel', width: 24, height: 1 }));
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Bookings, duplicates and cancels',
      width,
      left: [
        metric(METRICS.BOOKINGS, { label: 'booked' }),
        metric(METRICS.DUPLICATE_BOOKINGS, { label: 'already booked' }),
        metric(METRICS.DEFERRED_BOOKINGS, { label: 'booked for the next opening' }),
        metric(METRICS.CANCELS, { label: 'cancelled by the caller', extra: { [METRICS.PATH_DIMENSION]: METRIC_PATHS.CALLER } }),
        metric(METRICS.CANCELS, { label: 'cancelled by an operator', extra: { [METRICS.PATH_DIMENSION]: METRIC_PATHS.OPERATOR } }),
      ],
      // Zero without an admission policy; with one, what it refused and when it could not check (it books then).
      right: [
        ...ADMISSION_REASONS.map((reason) => metric(METRICS.ADMISSION_REFUSALS, { label: `refused: ${reason}`, extra: { [METRICS.REASON_DIMENSION]: reason } })),
        ...ADMISSION_UNCHECKED.map((reason) => metric(METRICS.ADMISSION_INPUT_MISSING, { label: `not checked: ${reason}`, extra: { [METRICS.REASON_DIMENSION]: reason } })),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Outcomes',
      width,
      stacked: true,
      left: RESOLUTIONS.map((resolution) => metric(METRICS.OUTCOMES, { label: resolution, extra: { [METRICS.RESOLUTION_DIMENSION]: resolution } })),
    }),
    new cloudwatch.GraphWidget({
      title: 'Removals from the queue, by path',
      width,
      stacked: true,
      left: [METRIC_PATHS.CALLER, METRIC_PATHS.CONTACT_EVENT, METRIC_PATHS.CTR, METRIC_PATHS.RECONCILER, METRIC_PATHS.OPERATOR,
        METRIC_PATHS.CREATION_FLOW]
        .map((path) => metric(METRICS.REMOVALS, { label: path, extra: { [METRICS.PATH_DIMENSION]: path } })),
      right: [metric(METRICS.AGENT_HANG_UPS, { label: 'agent hang-ups' })],
    }),
  );
  dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Latencies', width: 24, height: 1 }));
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Function duration (p99)',
      width,
      left: props.functions.map(({ name, fn }) => fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES, label: name })),
    }),
    new cloudwatch.GraphWidget({
      title: 'Booking to callback id learned',
      width,
      left: [METRIC_PATHS.CONTACT_EVENT, METRIC_PATHS.CTR].flatMap((path) => ['p50', 'p99'].map((statistic) =>
        metric(METRICS.CALLBACK_ID_LAG, { statistic, label: `${path} ${statistic}`, extra: { [METRICS.PATH_DIMENSION]: path } }))),
    }),
    new cloudwatch.GraphWidget({
      title: 'CTR processor iterator age (max)',
      width,
      left: [props.ctrProcessor.metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES, label: 'iterator age' })],
    }),
  );
  dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Health', width: 24, height: 1 }));
  const health: cloudwatch.IWidget[] = [];
  if (props.alarms.length > 0) health.push(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width, height: 6, alarms: [...props.alarms] }));
  health.push(
    new cloudwatch.GraphWidget({
      title: 'Errors, throttles, dead letters',
      width,
      left: props.functions.map(({ name, fn }) => fn.metricErrors({ period: FIVE_MINUTES, label: `${name} errors` })),
      right: props.deadLetterQueues.map(({ name, queue }) => queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum', label: `${name} DLQ` })),
    }),
    new cloudwatch.GraphWidget({
      title: props.reconciler ? 'StopContact failures and the reconciler' : 'StopContact failures',
      width,
      left: [
        metric(METRICS.STOP_CONTACT_FAILURES, { label: 'StopContact failures' }),
        ...(props.reconciler ? [
          metric(METRICS.RECONCILER_REPAIRS, { label: 'repairs' }),
          metric(METRICS.RECONCILER_FLAGS, { label: 'flagged' }),
          metric(METRICS.RECONCILER_BACKLOG, { label: 'backlog' }),
        ] : []),
      ],
      right: props.reconciler ? [metric(METRICS.OPEN_CALLBACKS, { statistic: 'Maximum', label: 'open callbacks' })] : [],
    }),
  );
  dashboard.addWidgets(...health);
  return dashboard;
}

function pascal(name: string): string {
  return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((part) => part[0].toUpperCase() + part.slice(1)).join('');
}
