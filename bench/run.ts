/**
 * The benchmarks: `npx projen bench` (or `npm run bench`). Prints each table and writes bench/RESULTS.md.
 *
 * Sections: 1 warm latency, 2 cold start and bundle sizes, 3 invocations and requests per caller path, 4 CTR
 * processor, 5 side by side with the published sample's design, 6 synthesis, 7 cost model.
 *
 * The regression gate (bench/lib/gate.ts): the run is compared with the gate data of the previous bench/RESULTS.md;
 * a goal that held there and is now missed by more than the spread between its rounds fails the bench (exit code 1)
 * after one automatic rerun of its section, and bench/RESULTS.md is then left unchanged. BENCH_GATE=warn reports
 * the failures and exits 0 (for a deliberate change of a goal, say so in the commit).
 *
 * Sizes can be turned down for a quick look: BENCH_WARM_ROUNDS, BENCH_WARM_INVOCATIONS, BENCH_COLD_ROUNDS,
 * BENCH_COLD_RUNS, BENCH_CTR_ROUNDS, BENCH_SAMPLE_ROUNDS, BENCH_SYNTH_ROUNDS. A run with any of them set is
 * gated all the same but written to bench/RESULTS.quick.md (not committed), never to bench/RESULTS.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBench } from './lib/build';
import { startConnectStub } from './lib/connect-stub';
import { type DeployedDesign, readDesign } from './lib/design';
import { createCallbackTable, startCountingProxy, startDynamoDbLocal } from './lib/dynamodb-local';
import { compareWithPrevious, describeFinding, failing, type GateData, gateRecords, readGateData, renderGateData } from './lib/gate';
import { bundleProblem, ROOT, TABLE_NAME } from './lib/handlers';
import type { Goal, SectionReport } from './lib/report';
import { markdownTable, textTable } from './lib/stats';
import { synthesize } from './lib/synth';
import { BUNDLE_TITLE, runBundleSize } from './sections/bundle-size';
import { COLD_TITLE, runColdStart } from './sections/cold-start';
import { COST_TITLE, runCostModel } from './sections/cost-model';
import { CTR_TITLE, type CtrResult, runCtrProcessor } from './sections/ctr-processor';
import { FLOWS_TITLE, type FlowPathsResult, runFlowPaths } from './sections/flow-paths';
import { runSideBySide, SAMPLE_TITLE, type SideBySideResult } from './sections/side-by-side';
import { runSynth, SYNTH_TITLE } from './sections/synth';
import { runWarmLatency, WARM_TITLE, type WarmResult } from './sections/warm-latency';

const RESULTS_FILE = path.join(ROOT, 'bench', 'RESULTS.md');

const SIZE_SETTINGS = ['BENCH_WARM_ROUNDS', 'BENCH_WARM_INVOCATIONS', 'BENCH_COLD_ROUNDS', 'BENCH_COLD_RUNS', 'BENCH_CTR_ROUNDS', 'BENCH_SAMPLE_ROUNDS', 'BENCH_SYNTH_ROUNDS'];
const QUICK = SIZE_SETTINGS.some((name) => (process.env[name] ?? '') !== '');

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
  coldRounds: setting('BENCH_COLD_ROUNDS', 3, 1),
  coldRuns: setting('BENCH_COLD_RUNS', 7, 3),
  ctrRecords: 10_000,
  ctrCallbackShare: 0.01,
  ctrRounds: setting('BENCH_CTR_ROUNDS', 3, 1),
  sampleRounds: setting('BENCH_SAMPLE_ROUNDS', 3, 1),
  sampleInvocations: 500,
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

/** Where this run's report goes: bench/RESULTS.md for a full run that passes the gate, else a file beside it that git ignores. */
function outputFile(quick: boolean, failed: boolean): string {
  if (quick) return path.join(ROOT, 'bench', 'RESULTS.quick.md');
  if (failed) return path.join(ROOT, 'bench', 'RESULTS.regressed.md');
  return RESULTS_FILE;
}

function previousGateData(): GateData | undefined {
  if (!fs.existsSync(RESULTS_FILE)) return undefined;
  return readGateData(fs.readFileSync(RESULTS_FILE, 'utf8'));
}

async function main(): Promise<void> {
  const date = new Date();
  progress(`bench settings: ${JSON.stringify(SETTINGS)}${QUICK ? ' (sizes turned down: a quick look, written to bench/RESULTS.quick.md)' : ''}`);
  const previous = previousGateData();
  progress(previous ? `regression gate: comparing with bench/RESULTS.md of commit ${previous.commit} (${previous.date})` : 'regression gate: bench/RESULTS.md has no gate data; this run sets the baseline');
  ensureBundles();
  const build = await buildBench();
  progress('synthesizing a stack with the construct to read the deployed design');
  const design: DeployedDesign = readDesign(synthesize(1).template);

  const sections: SectionReport[] = [];
  const reruns: string[] = [];
  /**
   * Runs one section; when one of its goals regressed against the previous run, runs it once more and keeps the
   * second run (the gate's one automatic rerun), so one unlucky round on a shared machine does not fail the bench.
   */
  const run = async <T>(title: string, body: () => Promise<T> | T, report: (value: T) => SectionReport): Promise<T | undefined> => {
    let outcome: { value?: T; section: SectionReport } | undefined;
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const value = await body();
        outcome = { value, section: report(value) };
      } catch (error) {
        progress(`${title} failed: ${error instanceof Error ? error.stack : String(error)}`);
        outcome = { section: failedSection(title, error) };
      }
      const findings = failing(compareWithPrevious(previous, gateRecords(title, outcome.section.goals), [title]));
      if (findings.length === 0 || attempt === 2) break;
      const why = findings.map(describeFinding).join('; ');
      progress(`regression gate: ${title}: ${why}; running the section once more`);
      reruns.push(`${title} (first run: ${why})`);
    }
    sections.push(outcome!.section);
    printSection(outcome!.section);
    return outcome!.value;
  };

  progress('starting DynamoDB Local');
  const db = await startDynamoDbLocal();
  const connect = await startConnectStub();
  const proxy = await startCountingProxy(db.endpoint);
  let warm: WarmResult | undefined;
  let flows: FlowPathsResult | undefined;
  let ctr: CtrResult | undefined;
  let sample: SideBySideResult | undefined;
  try {
    await createCallbackTable(db.endpoint, TABLE_NAME);
    warm = await run(WARM_TITLE, () => runWarmLatency({
      dynamodb: db.endpoint,
      connect,
      proxy,
      rounds: SETTINGS.warmRounds,
      invocations: SETTINGS.warmInvocations,
      warmup: SETTINGS.warmup,
      build,
      progress,
    }), (value) => value.report);
    await run(COLD_TITLE, () => runColdStart({
      dynamodb: db.endpoint, connect, proxy, rounds: SETTINGS.coldRounds, runs: SETTINGS.coldRuns, build, progress,
    }), (value) => value.report);
    await run(BUNDLE_TITLE, () => runBundleSize(build), (value) => value.report);
    flows = await run(FLOWS_TITLE, () => runFlowPaths({ proxy, connect, dynamodb: db.endpoint, design }), (value) => value.report);
    ctr = await run(CTR_TITLE, () => runCtrProcessor({
      dynamodb: db.endpoint,
      connect: connect.endpoint,
      proxy,
      design,
      records: SETTINGS.ctrRecords,
      callbackShare: SETTINGS.ctrCallbackShare,
      rounds: SETTINGS.ctrRounds,
      progress,
    }), (value) => value.report);
    sample = await run(SAMPLE_TITLE, () => {
      if (!flows) throw new Error('section 3 failed, so there are no counts of this design to set beside the sample\'s');
      return runSideBySide({
        dynamodb: db.endpoint,
        connect: connect.endpoint,
        proxy,
        steps: flows.steps,
        rounds: SETTINGS.sampleRounds,
        invocations: SETTINGS.sampleInvocations,
        progress,
      });
    }, (value) => value.report);
  } finally {
    await proxy.close();
    await connect.close();
    await db.stop();
  }
  await run(SYNTH_TITLE, () => runSynth({ rounds: SETTINGS.synthRounds, counts: SETTINGS.synthCounts, progress }), (value) => value.report);
  await run(COST_TITLE, () => {
    if (!flows) throw new Error('section 3 failed, so there are no counts to cost');
    return runCostModel({ steps: flows.steps, design, warm: warm?.rows ?? [], ctr, sample });
  }, (value) => value);

  const totalSeconds = (Date.now() - benchStart) / 1000;
  const goals = sections.flatMap((section) => section.goals.filter((goal) => !goal.comparison));
  const comparisons = sections.flatMap((section) => section.goals.filter((goal) => goal.comparison));
  const records = sections.flatMap((section) => gateRecords(section.title, section.goals));
  const findings = compareWithPrevious(previous, records);
  const failures = failing(findings);
  const gateOff = process.env.BENCH_GATE === 'warn';
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'src', 'lambda-src', 'flows', 'bench']) !== '';
  const cpus = os.cpus();
  const gateLines = [
    previous
      ? `Compared with bench/RESULTS.md of commit ${previous.commit} (${previous.date}): ${previous.goals.filter((g) => g.met).length} goals held there.`
      : 'bench/RESULTS.md had no gate data before this run: nothing to compare with; this run is the baseline of the next.',
    ...(reruns.length > 0 ? reruns.map((line) => `Rerun once: ${line}.`) : previous ? ['No section needed its rerun.'] : []),
    ...findings.map((finding) => `${finding.kind === 'WITHIN_SPREAD' ? 'Within noise' : 'FAILED'}: ${describeFinding(finding)}.`),
    ...(previous && findings.length === 0 ? ['Every goal that held on the previous run holds.'] : []),
    ...(failures.length > 0 && gateOff ? ['BENCH_GATE=warn was set: the failures above are reported and the bench exits 0.'] : []),
  ];
  const header = [
    '# Benchmark results',
    '',
    `_Generated by \`npx projen bench\` (bench/run.ts) on ${date.toISOString()}; do not edit by hand. Total run time ${totalSeconds.toFixed(0)} s._`,
    '',
    `- Machine: ${os.availableParallelism()} CPUs (nproc) — ${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} ${os.arch()}; shared with other work and noisy (load average ${os.loadavg()[0].toFixed(1)} at the end), so medians over repeated rounds, and ratios taken within one run, never across runs.`,
    `- Node.js ${process.version} (the Lambda functions run Node.js 24 on arm64; absolute times here are not Lambda's).`,
    `- DynamoDB Local ${db.version} in memory on this machine; a local HTTP endpoint for the Connect API.`,
    `- Code: commit ${commit || 'unknown'}${dirty ? ', with uncommitted changes in src/, lambda-src/, flows/ or bench/' : ''}; bundles from assets/lambda/.`,
    `- Settings: ${Object.entries(SETTINGS).map(([key, value]) => `${key} ${Array.isArray(value) ? value.join('/') : value}`).join(', ')}.`,
    '',
    '## Goals',
    '',
    markdownTable(goalTable(goals)),
    '',
    ...(comparisons.length > 0 ? ['**Comparisons with the published sample and other checks**', '', markdownTable(goalTable(comparisons)), ''] : []),
    '## Regression gate',
    '',
    ...gateLines.map((line) => `- ${line}`),
    '',
  ].join('\n');
  const gateData: GateData = { version: 1, commit: commit || 'unknown', date: date.toISOString(), goals: records };
  const failed = failures.length > 0 && !gateOff;
  const file = outputFile(QUICK, failed);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${header}\n${sections.map(renderSection).join('\n')}\n${renderGateData(gateData)}\n`);

  say('\n=== Goals');
  say(textTable(goalTable(goals)));
  if (comparisons.length > 0) {
    say('\n=== Comparisons and checks');
    say(textTable(goalTable(comparisons)));
  }
  say('\n=== Regression gate');
  for (const line of gateLines) say(`- ${line}`);
  say(`\nWrote ${path.relative(ROOT, file)} in ${totalSeconds.toFixed(0)} s.`);
  if (failed) {
    say(`\nThe regression gate failed: bench/RESULTS.md is left as it was (the run's report is ${path.relative(ROOT, file)}).`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
