/**
 * 2a. Cold start: a fresh Node.js process loads a handler bundle and serves one event, against a fresh
 * process that loads a minimal handler (bundled the same way) that only builds a DynamoDB client and makes
 * the same request. Runs alternate handler and baseline; medians over the runs.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { BenchBuild, MinimalHandler } from '../lib/build';
import { adminClient, putItems } from '../lib/dynamodb-local';
import { callbackItems, connectEvent, nextPhone } from '../lib/events';
import { awsEnv, bundlePath, CONSTRUCT_ENV, type HandlerName, TABLE_NAME } from '../lib/handlers';
import type { Goal, SectionReport } from '../lib/report';
import { median, ms, ratio } from '../lib/stats';

export interface ColdOptions {
  readonly dynamodb: string;
  readonly connect: string;
  readonly runs: number;
  readonly build: BenchBuild;
  readonly progress: (message: string) => void;
}

interface ColdCase {
  readonly handler: HandlerName;
  readonly work: string;
  readonly baseline: MinimalHandler;
  readonly baselineWork: string;
  /** The reply's `result` of a successful run, for the handler and for the baseline. */
  readonly expect: string;
  readonly expectBaseline: string;
  /** False for a probe shown to explain the others. */
  readonly goal?: boolean;
  /** One event per run; the same shape goes to the handler and to its baseline, with separate keys. */
  events(runs: number): Promise<{ handler: object[]; baseline: object[] }>;
}

/** Not a handler: bench/cold/probe-intl-time-zone.ts, bundled like the baselines. */
const PROBE = '(probe) Intl time zone';

interface Measurement {
  /** Spawn to exit, measured by the parent. */
  readonly wallMs: number;
  /** Module load plus the first call, measured inside the child. */
  readonly loadMs: number;
  readonly invokeMs: number;
  readonly ok: boolean;
}

export interface ColdRow {
  readonly handler: HandlerName;
  readonly work: string;
  readonly baseline: MinimalHandler;
  readonly baselineWork: string;
  readonly runs: number;
  readonly handlerWall: number;
  readonly baselineWall: number;
  readonly handlerLoad: number;
  readonly baselineLoad: number;
  readonly handlerInvoke: number;
  readonly baselineInvoke: number;
  readonly wallRatio: number;
  readonly initRatio: number;
  readonly failures: number;
  readonly goal: boolean;
}

function runOnce(runner: string, modulePath: string, event: object, env: NodeJS.ProcessEnv, expect: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [runner, modulePath], {
      env: { ...env, BENCH_EVENT: JSON.stringify(event) },
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      try {
        const report = JSON.parse(output.trim()) as { loadStart: number; loadEnd: number; invokeEnd: number; reply?: Record<string, string> };
        resolve({
          wallMs,
          loadMs: report.loadEnd - report.loadStart,
          invokeMs: report.invokeEnd - report.loadEnd,
          ok: code === 0 && report.reply?.result === expect,
        });
      } catch {
        resolve({ wallMs, loadMs: Number.NaN, invokeMs: Number.NaN, ok: false });
      }
    });
  });
}

export async function runColdStart(options: ColdOptions): Promise<{ rows: ColdRow[]; report: SectionReport }> {
  const started = Date.now();
  const admin = adminClient(options.dynamodb);
  const seed = async (status: 'PENDING' | 'CANCELLED', count: number) => {
    const records = Array.from({ length: count }, () => ({ recordId: randomUUID(), phoneE164: nextPhone(), status }));
    await putItems(admin, TABLE_NAME, records.flatMap(callbackItems));
    return records;
  };
  const byAttribute = (records: Array<{ recordId: string }>, extra: Record<string, string> = {}) =>
    records.map((record) => connectEvent({ attributes: { callbackRecordId: record.recordId }, parameters: { recordId: record.recordId, ...extra } }));

  const plainEvents = (runs: number) => Array.from({ length: runs }, () => connectEvent());

  const cases: ColdCase[] = [
    {
      handler: 'write-callback',
      work: 'book a new callback',
      baseline: 'minimal-transact-write',
      baselineWork: 'TransactWriteItems (2 Puts)',
      expect: 'CREATED',
      expectBaseline: 'CREATED',
      events: async (runs) => {
        const booking = () => connectEvent({ contactId: randomUUID(), callerNumber: nextPhone() });
        return { handler: Array.from({ length: runs }, booking), baseline: Array.from({ length: runs }, booking) };
      },
    },
    {
      handler: 'update-callback',
      work: 'AGENT_HANG_UP on a CANCELLED record',
      baseline: 'minimal-update-item',
      baselineWork: 'UpdateItem',
      expect: 'APPLIED',
      expectBaseline: 'APPLIED',
      events: async (runs) => ({
        handler: byAttribute(await seed('CANCELLED', runs), { transition: 'AGENT_HANG_UP' }),
        baseline: byAttribute(await seed('CANCELLED', runs)),
      }),
    },
    {
      handler: PROBE,
      work: 'a module that only creates an Intl.DateTimeFormat for TIME_ZONE at load',
      baseline: 'minimal-noop',
      baselineWork: 'nothing',
      expect: 'OK',
      expectBaseline: 'OK',
      goal: false,
      events: async (runs) => ({ handler: plainEvents(runs), baseline: plainEvents(runs) }),
    },
  ];

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // The Lambda runtime (Node.js 24) prints no SDK deprecation warning for its Node version; neither should this.
    NODE_NO_WARNINGS: '1',
    ...CONSTRUCT_ENV,
    ...Object.fromEntries(Object.entries(awsEnv({ dynamodb: options.dynamodb, connect: options.connect }))
      .filter(([, value]) => value !== undefined)),
  };

  const moduleOf = (handler: string) => (handler === PROBE ? options.build.minimal['probe-intl-time-zone'].file : bundlePath(handler));
  const rows: ColdRow[] = [];
  try {
    const prepared = [];
    for (const coldCase of cases) prepared.push({ coldCase, events: await coldCase.events(options.runs + 1) });
    // One unmeasured launch of each, so the OS file cache holds every bundle before the first measured run.
    for (const { coldCase, events } of prepared) {
      await runOnce(options.build.runner, moduleOf(coldCase.handler), events.handler[options.runs], env, coldCase.expect);
      await runOnce(options.build.runner, options.build.minimal[coldCase.baseline].file, events.baseline[options.runs], env, coldCase.expectBaseline);
    }
    const measured = new Map<HandlerName, { handler: Measurement[]; baseline: Measurement[] }>(
      cases.map((coldCase) => [coldCase.handler, { handler: [], baseline: [] }]));
    for (let run = 0; run < options.runs; run++) {
      options.progress(`cold start: run ${run + 1}/${options.runs}`);
      for (const { coldCase, events } of prepared) {
        const slot = measured.get(coldCase.handler)!;
        const handlerRun = () => runOnce(options.build.runner, moduleOf(coldCase.handler), events.handler[run], env, coldCase.expect);
        const baselineRun = () =>
          runOnce(options.build.runner, options.build.minimal[coldCase.baseline].file, events.baseline[run], env, coldCase.expectBaseline);
        if (run % 2 === 0) {
          slot.handler.push(await handlerRun());
          slot.baseline.push(await baselineRun());
        } else {
          slot.baseline.push(await baselineRun());
          slot.handler.push(await handlerRun());
        }
      }
    }
    for (const coldCase of cases) {
      const { handler, baseline } = measured.get(coldCase.handler)!;
      const med = (list: Measurement[], pick: (m: Measurement) => number) => median(list.map(pick));
      const handlerWall = med(handler, (m) => m.wallMs);
      const baselineWall = med(baseline, (m) => m.wallMs);
      // Each handler run is paired with the baseline run next to it (same moment, same noise); the ratio is the median pair's.
      const pairRatios = (pick: (m: Measurement) => number) => median(handler.map((m, i) => pick(m) / pick(baseline[i])));
      rows.push({
        handler: coldCase.handler,
        work: coldCase.work,
        baseline: coldCase.baseline,
        baselineWork: coldCase.baselineWork,
        runs: options.runs,
        handlerWall,
        baselineWall,
        handlerLoad: med(handler, (m) => m.loadMs),
        baselineLoad: med(baseline, (m) => m.loadMs),
        handlerInvoke: med(handler, (m) => m.invokeMs),
        baselineInvoke: med(baseline, (m) => m.invokeMs),
        wallRatio: pairRatios((m) => m.wallMs),
        initRatio: pairRatios((m) => m.loadMs + m.invokeMs),
        failures: [...handler, ...baseline].filter((m) => !m.ok).length,
        goal: coldCase.goal ?? true,
      });
    }
  } finally {
    admin.destroy();
  }

  const sizeOf = (row: ColdRow) => fs.statSync(row.handler === PROBE ? options.build.minimal['probe-intl-time-zone'].file : bundlePath(row.handler)).size;
  const probe = rows.find((row) => row.handler === PROBE);
  const goals: Goal[] = rows.filter((row) => row.goal).map((row) => ({
    name: `cold start ${row.handler}`,
    target: 'process ratio ≤ 1.25',
    measured: `${ratio(row.wallRatio)} (load + first call alone: ${ratio(row.initRatio)})`,
    met: row.wallRatio <= 1.25,
    limitedBy: `module load ${ms(row.handlerLoad)} vs ${ms(row.baselineLoad)} (bundle ${(sizeOf(row) / 1024).toFixed(0)} KB vs `
      + `${(options.build.minimal[row.baseline].bytes / 1024).toFixed(0)} KB); first call ${ms(row.handlerInvoke)} vs ${ms(row.baselineInvoke)}`
      + (probe ? `; creating an Intl.DateTimeFormat for TIME_ZONE alone takes ${ms(probe.handlerLoad - probe.baselineLoad)} of a fresh process's load (probe)` : ''),
  }));
  return {
    rows,
    report: {
      title: '2. Cold start',
      method: [
        `For each handler, ${options.runs} fresh \`node\` processes (${process.version}) each load the shipped bundle and serve one event against`,
        'DynamoDB Local, alternating with fresh processes that load a minimal handler doing only the same request with a DynamoDB client',
        'built at module load (or nothing, for the probe). The minimal handlers (bench/cold/) are bundled with the shipped',
        `bundles' esbuild options${options.build.optionsMatchShipped ? ' (verified: rebuilding write-callback with them reproduces its asset byte for byte)' : ' (NOT verified: rebuilding write-callback with them did not reproduce its asset)'}.`,
        '"process" is spawn to exit as the parent sees it (includes Node.js start-up, the same for both); "load + first call" is measured',
        'inside the child from before require() to the reply. Times are medians over the runs; each ratio is the median of the per-run ratios',
        '(each handler run against the baseline run next to it). One unmeasured launch of each first.',
      ].join(' '),
      tables: [{
        table: {
          headers: ['handler', 'event', 'baseline', 'runs', 'process (handler)', 'process (baseline)', 'process ratio', 'load', 'baseline load',
            'first call', 'baseline first call', 'load + call ratio', 'failed runs'],
          right: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
          rows: rows.map((row) => [
            row.handler, row.work, `${row.baseline} (${row.baselineWork})`, String(row.runs),
            ms(row.handlerWall), ms(row.baselineWall), ratio(row.wallRatio),
            ms(row.handlerLoad), ms(row.baselineLoad), ms(row.handlerInvoke), ms(row.baselineInvoke), ratio(row.initRatio),
            String(row.failures),
          ]),
        },
      }],
      notes: [
        'In Lambda the runtime\'s own start-up is added to both sides, as Node.js start-up is to the process times here.',
        'The probe row is no handler: a module that only creates an Intl.DateTimeFormat for the configured time zone, as a handler validating its '
          + 'TIME_ZONE setting at load does; Node.js loads the time zone data on that first use.',
        'The stream and event processors and queue-outbound-whisper are not callers\' latency (a stream batch, an asynchronous event, a deployment) '
          + 'and are left out here; their sizes are below.',
      ],
      goals,
      seconds: (Date.now() - started) / 1000,
    },
  };
}
