/**
 * The benchmarks: `npx projen bench` (or `npm run bench`). Prints each table and writes bench/RESULTS.md.
 * Benchmarks, not tests: nothing here passes or fails on a timing; goals are reported as met or not met.
 *
 * Sections: 1 warm latency, 2 cold start and bundle sizes, 3 invocations per caller path, 4 CTR processor,
 * 5 synthesis, 6 cost model. Sizes can be turned down for a quick look (never for RESULTS.md worth keeping):
 * BENCH_WARM_ROUNDS, BENCH_WARM_INVOCATIONS, BENCH_COLD_RUNS, BENCH_CTR_ROUNDS, BENCH_SYNTH_ROUNDS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBench } from './lib/build';
import { startConnectStub } from './lib/connect-stub';
import { type DeployedDesign, readDesign } from './lib/design';
import { createCallbackTable, startCountingProxy, startDynamoDbLocal } from './lib/dynamodb-local';
import { bundleProblem, ROOT, TABLE_NAME } from './lib/handlers';
import type { Goal, SectionReport } from './lib/report';
import { markdownTable, textTable } from './lib/stats';
import { synthesize } from './lib/synth';
import { runBundleSize } from './sections/bundle-size';
import { runColdStart } from './sections/cold-start';
import { runCostModel } from './sections/cost-model';
import { type CtrResult, runCtrProcessor } from './sections/ctr-processor';
import { type FlowPathsResult, runFlowPaths } from './sections/flow-paths';
import { runSynth } from './sections/synth';
import { runWarmLatency, type WarmResult } from './sections/warm-latency';

const RESULTS_FILE = path.join(ROOT, 'bench', 'RESULTS.md');

function setting(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`${name} must be a whole number ≥ ${minimum}, got ${raw}`);
  return value;
}

const SETTINGS = {
  warmRounds: setting('BENCH_WARM_ROUNDS', 3, 1),
  warmInvocations: setting('BENCH_WARM_INVOCATIONS', 2000, 100),
  warmup: 200,
  coldRuns: setting('BENCH_COLD_RUNS', 15, 3),
  ctrRecords: 10_000,
  ctrCallbackShare: 0.01,
  ctrRounds: setting('BENCH_CTR_ROUNDS', 3, 1),
  synthRounds: setting('BENCH_SYNTH_ROUNDS', 3, 1),
  synthCounts: [1, 5, 20],
};

const benchStart = Date.now();
const elapsed = () => `${((Date.now() - benchStart) / 1000).toFixed(0).padStart(4)} s`;
const say = (message: string) => process.stdout.write(`${message}\n`);
const progress = (message: string) => process.stderr.write(`[${elapsed()}] ${message}\n`);

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function ensureBundles(): void {
  const problem = bundleProblem();
  if (!problem) return;
  progress(`${problem}: running \`npx projen bundle\``);
  const result = spawnSync('npx', ['projen', 'bundle'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('`npx projen bundle` failed');
  const still = bundleProblem();
  if (still) throw new Error(`after bundling: ${still}`);
}

function renderSection(section: SectionReport): string {
  const parts = [`## ${section.title}`, '', section.method, ''];
  for (const { caption, table } of section.tables) {
    if (caption) parts.push(`**${caption}**`, '');
    parts.push(markdownTable(table), '');
  }
  for (const note of section.notes) parts.push(`- ${note}`);
  if (section.notes.length > 0) parts.push('');
  parts.push(`_Section time: ${section.seconds.toFixed(0)} s._`, '');
  return parts.join('\n');
}

function printSection(section: SectionReport): void {
  say(`\n=== ${section.title} (${section.seconds.toFixed(0)} s)`);
  for (const { caption, table } of section.tables) {
    if (caption) say(`\n${caption}`);
    say(textTable(table));
  }
}

function goalTable(goals: readonly Goal[]) {
  return {
    headers: ['goal', 'target', 'measured', 'met', 'what limits it'],
    rows: goals.map((goal) => [goal.name, goal.target, goal.measured, goal.met ? 'met' : 'not met', goal.limitedBy]),
  };
}

function failedSection(title: string, error: unknown): SectionReport {
  const message = error instanceof Error ? `${error.message}` : String(error);
  return {
    title,
    method: `This section failed and measured nothing: ${message.split('\n')[0]}`,
    tables: [],
    notes: [],
    goals: [],
    seconds: 0,
  };
}

async function main(): Promise<void> {
  const date = new Date();
  progress(`bench settings: ${JSON.stringify(SETTINGS)}`);
  ensureBundles();
  const build = buildBench();
  progress('synthesizing a stack with the construct to read the deployed design');
  const design: DeployedDesign = readDesign(synthesize(1).template);

  const sections: SectionReport[] = [];
  const run = async <T>(title: string, body: () => Promise<T> | T, report: (value: T) => SectionReport): Promise<T | undefined> => {
    try {
      const value = await body();
      const section = report(value);
      sections.push(section);
      printSection(section);
      return value;
    } catch (error) {
      progress(`${title} failed: ${error instanceof Error ? error.stack : String(error)}`);
      sections.push(failedSection(title, error));
      return undefined;
    }
  };

  progress('starting DynamoDB Local');
  const db = await startDynamoDbLocal();
  const connect = await startConnectStub();
  const proxy = await startCountingProxy(db.endpoint);
  let warm: WarmResult | undefined;
  let flows: FlowPathsResult | undefined;
  let ctr: CtrResult | undefined;
  try {
    await createCallbackTable(db.endpoint, TABLE_NAME);
    warm = await run('1. Handler warm latency', () => runWarmLatency({
      dynamodb: db.endpoint,
      connect: connect.endpoint,
      rounds: SETTINGS.warmRounds,
      contextRounds: 1,
      invocations: SETTINGS.warmInvocations,
      warmup: SETTINGS.warmup,
      build,
      progress,
    }), (value) => value.report);
    await run('2. Cold start', () => runColdStart({ dynamodb: db.endpoint, connect: connect.endpoint, runs: SETTINGS.coldRuns, build, progress }), (value) => value.report);
    await run('2b. Bundle sizes', () => runBundleSize(build), (value) => value.report);
    flows = await run('3. Lambda invocations per caller path', () => runFlowPaths({ proxy, connect, dynamodb: db.endpoint, design }), (value) => value.report);
    ctr = await run('4. CTR processor', () => runCtrProcessor({
      dynamodb: db.endpoint,
      connect: connect.endpoint,
      proxy,
      design,
      records: SETTINGS.ctrRecords,
      callbackShare: SETTINGS.ctrCallbackShare,
      rounds: SETTINGS.ctrRounds,
      progress,
    }), (value) => value.report);
  } finally {
    await proxy.close();
    await connect.close();
    await db.stop();
  }
  await run('5. Synthesis', () => runSynth({ rounds: SETTINGS.synthRounds, counts: SETTINGS.synthCounts, progress }), (value) => value.report);
  await run('6. Cost model', () => {
    if (!flows) throw new Error('section 3 failed, so there are no counts to cost');
    return runCostModel({ steps: flows.steps, design, warm: warm?.rows ?? [], ctr });
  }, (value) => value);

  const totalSeconds = (Date.now() - benchStart) / 1000;
  const goals = sections.flatMap((section) => section.goals.filter((goal) => !goal.comparison));
  const comparisons = sections.flatMap((section) => section.goals.filter((goal) => goal.comparison));
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'src', 'lambda-src', 'flows']) !== '';
  const cpus = os.cpus();
  const header = [
    '# Benchmark results',
    '',
    `_Generated by \`npx projen bench\` (bench/run.ts) on ${date.toISOString()}; do not edit by hand. Total run time ${totalSeconds.toFixed(0)} s._`,
    '',
    `- Machine: ${os.availableParallelism()} CPUs (nproc) — ${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} ${os.arch()}; shared and noisy, so medians over repeated runs and ratios within one run.`,
    `- Node.js ${process.version} (the Lambda functions run Node.js 24 on arm64; absolute times here are not Lambda's).`,
    `- DynamoDB Local ${db.version} in memory on this machine; a local HTTP endpoint for the Connect API.`,
    `- Code: commit ${commit || 'unknown'}${dirty ? ', with uncommitted changes in src/, lambda-src/ or flows/' : ''}; bundles from assets/lambda/.`,
    `- Settings: ${Object.entries(SETTINGS).map(([key, value]) => `${key} ${Array.isArray(value) ? value.join('/') : value}`).join(', ')}.`,
    '',
    '## Goals',
    '',
    markdownTable(goalTable(goals)),
    '',
    ...(comparisons.length > 0 ? ['**Comparisons with the published sample and other checks**', '', markdownTable(goalTable(comparisons)), ''] : []),
  ].join('\n');
  fs.writeFileSync(RESULTS_FILE, `${header}\n${sections.map(renderSection).join('\n')}`);

  say('\n=== Goals');
  say(textTable(goalTable(goals)));
  if (comparisons.length > 0) {
    say('\n=== Comparisons and checks');
    say(textTable(goalTable(comparisons)));
  }
  say(`\nWrote ${path.relative(ROOT, RESULTS_FILE)} in ${totalSeconds.toFixed(0)} s.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
