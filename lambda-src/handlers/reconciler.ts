/**
 * Repairs drift between the callback table and Amazon Connect, on a schedule (an EventBridge rule every
 * reconcileInterval): what it does to each open record is in lambda-src/shared/reconciler.ts.
 *
 * Scheduled invocations are asynchronous, and the construct retries none: the next run reads the same open records
 * again. A failure (DynamoDB or Connect unreachable, throttled) ends the run with an error, after whatever it had
 * already repaired; every repair is a conditional write, so a run cut short leaves nothing half done.
 */
import { missingSettings } from '../shared/config';
import { createDescriber } from '../shared/contact-describer';
import { RECONCILER_ENV } from '../shared/contract';
import { createDynamoDbClient } from '../shared/dynamodb-client';
import { describeError } from '../shared/log';
import { createOpenRecordsReader } from '../shared/open-records';
import { type ReconcileSummary, reconcileOpenRecords } from '../shared/reconciler';
import { createRuntime, createStopper, createStore, runInvocation } from '../shared/runtime';
import type { RemainingTime } from '../shared/time-budget';

const runtime = createRuntime('reconciler');
const { config, log, metrics } = runtime;
const store = createStore(runtime);
const stopContact = createStopper(runtime);
const describeContact = createDescriber(runtime);
const listOpen = config.tableName === undefined ? undefined
  : createOpenRecordsReader({ client: createDynamoDbClient(), tableName: config.tableName, abortSignal: () => runtime.budget.signal });

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}
const intervalSeconds = positive(RECONCILER_ENV.INTERVAL_SECONDS, 600) || 600;
const callSpacingMs = positive(RECONCILER_ENV.CALL_SPACING_MS, 1000);
/** Left of the function's time when the run stops starting new work: the work in flight must still finish. */
const STOP_MARGIN_MS = 15_000;

export function handler(_event: unknown, context?: RemainingTime): Promise<ReconcileSummary> {
  return runInvocation(runtime, context, () => run(context));
}

async function run(context: RemainingTime | undefined): Promise<ReconcileSummary> {
  const problems = missingSettings(config, ['tableName', 'queueArn', 'instanceId']);
  if (!store || !listOpen || !stopContact || !describeContact || config.queueArn === undefined || problems.length > 0) {
    log.error('configuration invalid', { problems });
    throw new Error(`configuration invalid: ${problems.join('; ')}`);
  }
  const started = Date.now();
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Infinity;
  // Never into the next scheduled run, nor past the function's own time.
  const deadlineMs = started + Math.min(remaining - STOP_MARGIN_MS, intervalSeconds * 1000 - STOP_MARGIN_MS);
  try {
    const summary = await reconcileOpenRecords({
      store,
      listOpen,
      stopContact,
      describeContact,
      metrics,
      log,
      queueArn: config.queueArn,
      intervalSeconds,
      callSpacingMs,
      deadlineMs,
    });
    const { actions: _actions, ...counts } = summary;
    log.info('reconciler run', { ...counts, seconds: (Date.now() - started) / 1000 });
    return summary;
  } catch (error) {
    const described = describeError(error);
    log.error('reconciler run failed', { error: described });
    throw new Error(`reconciler run failed: ${described.name}: ${described.message}`);
  }
}
