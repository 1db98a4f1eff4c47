/** What every handler builds once per cold start: its settings, logger and (if configured) the store. */
import { CallbackStore } from './callback-store';
import { type HandlerConfig, loadConfig } from './config';
import { createDynamoDbClient } from './dynamodb-client';
import { createLogger, type Logger } from './log';

export interface HandlerRuntime {
  readonly config: HandlerConfig;
  readonly log: Logger;
}

export function createRuntime(component: string): HandlerRuntime {
  return { config: loadConfig(process.env), log: createLogger(component) };
}

/** Undefined without TABLE_NAME; the handler then replies ERROR on every call and logs why. */
export function createStore(config: HandlerConfig): CallbackStore | undefined {
  if (config.tableName === undefined) return undefined;
  return new CallbackStore({
    client: createDynamoDbClient(),
    tableName: config.tableName,
    completedRecordTtlSeconds: config.completedRecordTtlSeconds,
  });
}
