/** What every handler builds once per cold start: its settings, logger, invocation budget and (if configured) the store. */
import { CallbackStore } from './callback-store';
import { type HandlerConfig, loadConfig } from './config';
import { type ContactStopper, createLazyContactStopper } from './contact-stopper';
import { METRICS } from './contract';
import { createDynamoDbClient } from './dynamodb-client';
import { createLogger, type Logger } from './log';
import { createMetrics, type Metrics } from './metrics';
import { InvocationBudget, type RemainingTime } from './time-budget';

export interface HandlerRuntime {
  readonly config: HandlerConfig;
  readonly log: Logger;
  /** The deadline every AWS call of the current invocation shares. */
  readonly budget: InvocationBudget;
  /** Embedded-format metrics, written once at the end of each invocation (runInvocation). */
  readonly metrics: Metrics;
}

export function createRuntime(component: string): HandlerRuntime {
  return { config: loadConfig(process.env), log: createLogger(component), budget: new InvocationBudget(), metrics: createMetrics(process.env) };
}

/** One invocation: `work` under the invocation's deadline, then the one metrics flush of the invocation. */
export async function runInvocation<T>(runtime: HandlerRuntime, context: Partial<RemainingTime> | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await runtime.budget.run(context, work);
  } finally {
    runtime.metrics.flush();
  }
}

/** Undefined without TABLE_NAME; the handler then replies ERROR on every call and logs why. */
export function createStore(runtime: HandlerRuntime): CallbackStore | undefined {
  const { config, budget } = runtime;
  if (config.tableName === undefined) return undefined;
  return new CallbackStore({
    client: createDynamoDbClient(),
    tableName: config.tableName,
    completedRecordTtlSeconds: config.completedRecordTtlSeconds,
    abortSignal: () => budget.signal,
  });
}

/**
 * Undefined without a usable INSTANCE_ARN; the handler then replies ERROR (or throws) and logs why. The Connect client
 * is built on the first StopContact, not here (contact-stopper.ts).
 */
export function createStopper(runtime: HandlerRuntime): ContactStopper | undefined {
  const { config, budget } = runtime;
  if (config.instanceId === undefined) return undefined;
  const stop = createLazyContactStopper(config.instanceId, () => budget.signal);
  // Every StopContact failure of every path is counted here, whichever handler made the call.
  return async (contactId) => {
    try {
      return await stop(contactId);
    } catch (error) {
      runtime.metrics.count(METRICS.STOP_CONTACT_FAILURES);
      throw error;
    }
  };
}
