/** One DynamoDB Local per test file (test/support), shared by the file's scenarios, each with its own table. */
import type { ScenarioRun } from '../../src/simulator/scenarios';
import { type DynamoDbServer, startDynamoDbServer } from '../support/dynamodb-server';

export function useDynamoDb(): { readonly endpoint: string } {
  let db: DynamoDbServer | undefined;
  beforeAll(async () => {
    db = await startDynamoDbServer();
  });
  afterAll(async () => {
    await db?.stop();
  });
  return {
    get endpoint() {
      if (!db) throw new Error('DynamoDB Local is used before beforeAll ran');
      return db.endpoint;
    },
  };
}

/** The one callback record of a run whose label is `label` (call#1, ...). */
export function recordOf(run: ScenarioRun, label: string) {
  const record = run.records.find((candidate) => candidate.label === label);
  if (!record) throw new Error(`no record for ${label} in:\n${run.transcript}`);
  return record;
}

/** Every prompt a call heard, joined. */
export function heard(run: ScenarioRun, callIndex: number): string {
  return run.calls[callIndex].heard.join(' | ');
}
