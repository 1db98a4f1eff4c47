#!/usr/bin/env node
/**
 * `cdk-connect-callback-management simulate`: runs every simulator scenario (the construct's synthesized flows
 * with the shipped handler bundles, offline) and prints each transcript and a summary.
 */
import { type RunningDynamoDbLocal, defaultDynamoDbLocalDir, hasDynamoDbLocal, startDynamoDbLocal } from './dynamodb-local';
import { type ScenarioRun, runAllScenarios, summarize } from './scenarios';

const USAGE = `usage: cdk-connect-callback-management simulate [--dynamodb-endpoint URL] [--dynamodb-local-dir DIR]
         [--ctr-delay SECONDS] [--contact-event-delay SECONDS] [--quiet]

Runs the offline contact-center scenarios against the construct's synthesized flows and bundled handlers.
  --dynamodb-endpoint URL   a DynamoDB endpoint with transactions (e.g. DynamoDB Local: docker run -p 8000:8000 amazon/dynamodb-local)
  --dynamodb-local-dir DIR  start DynamoDB Local (Java 17+) from the jars in DIR (default: .cache/dynamodb-local/lib of a checkout)
  --ctr-delay SECONDS        simulated delay before a CTR reaches the CTR processor (default 60)
  --contact-event-delay SECONDS  simulated delay before a contact event reaches its processor (default 2)
  --quiet                   print the summaries only, not the transcripts`;

function seconds(args: string[], name: string): number | undefined {
  const value = option(args, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a number of seconds, got ${value}`);
  return parsed;
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

export async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (args[0] !== 'simulate') {
    console.error(USAGE);
    return 1;
  }
  let endpoint = option(args, '--dynamodb-endpoint');
  let local: RunningDynamoDbLocal | undefined;
  if (!endpoint) {
    const dir = option(args, '--dynamodb-local-dir') ?? defaultDynamoDbLocalDir();
    if (!hasDynamoDbLocal(dir)) {
      console.error(`No --dynamodb-endpoint given and no DynamoDB Local in ${dir}.
The handlers use TransactWriteItems with ReturnValuesOnConditionCheckFailure, which no embedded JavaScript store
implements (dynalite has no transactions), so the simulator needs DynamoDB Local, for example:
  docker run --rm -p 8000:8000 amazon/dynamodb-local
  npx cdk-connect-callback-management simulate --dynamodb-endpoint http://127.0.0.1:8000`);
      return 2;
    }
    local = await startDynamoDbLocal({ libDir: dir });
    endpoint = local.endpoint;
  }
  const quiet = args.includes('--quiet');
  const started = Date.now();
  try {
    const delays = { ctrDelaySeconds: seconds(args, '--ctr-delay'), contactEventDelaySeconds: seconds(args, '--contact-event-delay') };
    const runs = await runAllScenarios({ dynamoDbEndpoint: endpoint, ...delays }, (run: ScenarioRun) => {
      console.log(`\n=== ${run.name} ===`);
      if (!quiet) console.log(run.transcript);
      console.log(summarize(run));
    });
    console.log(`\n${runs.length} scenario runs in ${((Date.now() - started) / 1000).toFixed(1)} s (real time)`);
    return 0;
  } finally {
    await local?.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exitCode = 1;
  });
}
