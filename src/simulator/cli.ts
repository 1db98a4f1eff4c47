#!/usr/bin/env node
/**
 * `cdk-connect-callback-management simulate`: runs every simulator scenario (the construct's synthesized flows
 * with the shipped handler bundles, offline) and prints each transcript and a summary.
 * `cdk-connect-callback-management callbacks ...`: lists and cancels waiting callbacks through a deployed construct's
 * callbacks API (cli-src/callbacks-cli.ts, bundled with its signer and credential chain into assets/cli/callbacks.js).
 */
import * as fs from 'fs';
import * as path from 'path';
import { defaultDynamoDbLocalDir, hasDynamoDbLocal, startDynamoDbLocal } from './dynamodb-local';
import { startEmbeddedDynamoDb } from './embedded-dynamodb';
import { type ScenarioRun, runAllScenarios, summarize } from './scenarios';
import { type SynthesizedCallbackStack, readApp, readTemplateFile } from './stack-flows';

const USAGE = `usage: cdk-connect-callback-management simulate [--app CDK_OUT_DIR | --template FILE]
         [--dynamodb-endpoint URL | --dynamodb-local-dir DIR] [--ctr-delay SECONDS] [--contact-event-delay SECONDS] [--quiet]
       cdk-connect-callback-management callbacks list|show|cancel ... (see: callbacks --help)

Runs the offline contact-center scenarios against the construct's synthesized flows and bundled handlers.
By default they run against a sample stack; with --app or --template, against every CallbackManagement of your own
synthesized app: its own flows, prompts (in their language), voices and settings, and its own staged handler assets.
By default the handlers' table lives in a DynamoDB-compatible store inside this process (Node.js only).
  --app CDK_OUT_DIR         the cdk.out folder of your synthesized app (after cdk synth)
  --template FILE           one synthesized stack template (its assets are looked for beside it)
  --dynamodb-endpoint URL   use this DynamoDB endpoint instead (e.g. DynamoDB Local: docker run -p 8000:8000 amazon/dynamodb-local)
  --dynamodb-local-dir DIR  start DynamoDB Local (Java 17+) from the jars in DIR instead
  --ctr-delay SECONDS        simulated delay before a CTR reaches the CTR processor (default 60)
  --contact-event-delay SECONDS  simulated delay before a contact event reaches its processor (default 2)
  --quiet                   print the summaries only, not the transcripts`;

interface DynamoDbForRun {
  readonly endpoint: string;
  readonly description: string;
  stop(): Promise<void>;
}

async function dynamoDbFor(args: string[]): Promise<DynamoDbForRun> {
  const endpoint = option(args, '--dynamodb-endpoint');
  const localDir = option(args, '--dynamodb-local-dir');
  if (endpoint !== undefined && localDir !== undefined) throw new UsageError('give --dynamodb-endpoint or --dynamodb-local-dir, not both');
  if (endpoint !== undefined) {
    if (!/^https?:\/\/[^/]+/.test(endpoint)) throw new UsageError(`--dynamodb-endpoint must be an http(s) URL, got ${endpoint}`);
    return { endpoint, description: `the DynamoDB endpoint ${endpoint}`, stop: async () => {} };
  }
  if (localDir !== undefined) {
    if (!hasDynamoDbLocal(localDir)) throw new UsageError(`no DynamoDBLocal-*.jar in ${localDir} (default location: ${defaultDynamoDbLocalDir()})`);
    const local = await startDynamoDbLocal({ libDir: localDir });
    return { endpoint: local.endpoint, description: `DynamoDB Local ${local.version} at ${local.endpoint}`, stop: () => local.stop() };
  }
  const embedded = await startEmbeddedDynamoDb();
  return { endpoint: embedded.endpoint, description: `the embedded DynamoDB-compatible store at ${embedded.endpoint}`, stop: () => embedded.stop() };
}

/** The user's deployments to run the scenarios against, or the sample stack (undefined). */
function deploymentsFor(args: string[]): Array<SynthesizedCallbackStack | undefined> {
  const app = option(args, '--app');
  const template = option(args, '--template');
  if (app !== undefined && template !== undefined) throw new UsageError('give --app or --template, not both');
  if (app === undefined && template === undefined) return [undefined];
  const where = (app ?? template)!;
  if (!fs.existsSync(where)) throw new UsageError(`${where} does not exist`);
  let found: SynthesizedCallbackStack[];
  try {
    found = app !== undefined ? readApp(app) : readTemplateFile(template!);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (found.length === 0) throw new UsageError(`no CallbackManagement found in ${where}`);
  return found;
}

/** A mistake in the command line: usage is printed and the exit code is 2. */
class UsageError extends Error {}

function seconds(args: string[], name: string): number | undefined {
  const value = option(args, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) throw new UsageError(`${name} must be a number of seconds, got ${value}`);
  return parsed;
}

const VALUE_OPTIONS = ['--dynamodb-endpoint', '--dynamodb-local-dir', '--ctr-delay', '--contact-event-delay', '--app', '--template'];
const FLAGS = ['--quiet'];

/** Refuses what `simulate` does not know, so that a mistyped option is never silently ignored. */
function checkArguments(args: string[]): void {
  for (let index = 1; index < args.length; index++) {
    const arg = args[index];
    if (FLAGS.includes(arg)) continue;
    if (!VALUE_OPTIONS.includes(arg)) throw new UsageError(`unknown argument: ${arg}`);
    const value = args[index + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
    if (args.indexOf(arg) !== index) throw new UsageError(`${arg} is given twice`);
    index++;
  }
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

/** What assets/cli/callbacks.js exports (cli-src/callbacks-cli.ts). */
interface CallbacksCli {
  runCallbacksCommand(args: readonly string[], io: { env: NodeJS.ProcessEnv; out(line: string): void; err(line: string): void }): Promise<number>;
}

/** assets/ sits beside lib/ (published) and src/ (tests), as the handler bundles do. */
export function callbacksCliPath(): string {
  return path.join(__dirname, '..', '..', 'assets', 'cli', 'callbacks.js');
}

function callbacks(args: string[]): Promise<number> {
  const file = callbacksCliPath();
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npx projen bundle\` first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require(file) as CallbacksCli;
  return cli.runCallbacksCommand(args, { out: (line) => console.log(line), err: (line) => console.error(line), env: process.env });
}

export async function main(args: string[]): Promise<number> {
  if (args[0] === 'callbacks') return callbacks(args.slice(1));
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let delays: { ctrDelaySeconds?: number; contactEventDelaySeconds?: number };
  let dynamoDb: DynamoDbForRun;
  let deployments: Array<SynthesizedCallbackStack | undefined>;
  try {
    if (args[0] !== 'simulate') throw new UsageError(args[0] === undefined ? 'no command given' : `unknown command: ${args[0]}`);
    checkArguments(args);
    delays = { ctrDelaySeconds: seconds(args, '--ctr-delay'), contactEventDelaySeconds: seconds(args, '--contact-event-delay') };
    deployments = deploymentsFor(args);
    dynamoDb = await dynamoDbFor(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  const quiet = args.includes('--quiet');
  const started = Date.now();
  console.log(`DynamoDB: ${dynamoDb.description}`);
  try {
    let count = 0;
    for (const deployment of deployments) {
      if (deployment) console.log(`\n##### ${deployment.source} #####`);
      const runs = await runAllScenarios({ dynamoDbEndpoint: dynamoDb.endpoint, ...delays, deployment }, (run: ScenarioRun) => {
        console.log(`\n=== ${run.name} ===`);
        if (!quiet) console.log(run.transcript);
        console.log(summarize(run));
      });
      count += runs.length;
    }
    const across = deployments.length > 1 ? ` across ${deployments.length} deployments` : '';
    console.log(`\n${count} scenario runs${across} in ${((Date.now() - started) / 1000).toFixed(1)} s (real time)`);
    return 0;
  } finally {
    await dynamoDb.stop();
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
