/**
 * 2. Cold start: a fresh Node.js process loads a handler bundle and serves one event, against a fresh process that
 * loads a minimal handler (bench/cold/, bundled the same way) that sends only the same requests, with its clients
 * built at load. Handler and baseline runs alternate; the runs are grouped in rounds, each round's ratio is the
 * median of its handler ÷ baseline pairs, and the goal's figure is the median over rounds (their spread is what the
 * regression gate forgives). Before anything is timed, one launch of each goes through the counting pass-through to
 * check that the baseline sends the handler's requests: a baseline that drifted from its handler would flatter it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { describeRequests } from './flow-paths';
import type { BenchBuild, MinimalHandler } from '../lib/build';
import type { ConnectStub } from '../lib/connect-stub';
import { adminClient, type CountingProxy, putItems } from '../lib/dynamodb-local';
import { bookedAttributes, callbackItems, connectEvent, contactEvent, ctr, kinesisRecords, nextPhone, type SeedRecord } from '../lib/events';
import { awsEnv, bundlePath, CONSTRUCT_ENV, TABLE_NAME } from '../lib/handlers';
import { gateFigure, type Goal, type SectionReport } from '../lib/report';
import { median, ms, ratio, ratioSpread } from '../lib/stats';

/** The section's title, also its key in the regression gate's data: keep it stable. */
export const COLD_TITLE = '2. Cold start';

/** Goals: a function a flow calls within 10% of its floor; the processors (a stream batch, an asynchronous event) within 25%. */
const FLOW_LIMIT = 1.10;
const PROCESSOR_LIMIT = 1.25;

export interface ColdOptions {
  readonly dynamodb: string;
  readonly connect: ConnectStub;
  readonly proxy: CountingProxy;
  readonly rounds: number;
  /** Runs of each side per round. */
  readonly runs: number;
  readonly build: BenchBuild;
  readonly progress: (message: string) => void;
}

type Reply = Record<string, unknown> | undefined;

interface ColdCase {
  /** The goal's name after "cold start ". */
  readonly id: string;
  /** A bundle in assets/lambda/, or a probe in bench/cold/. */
  readonly module: { readonly handler: string } | { readonly probe: MinimalHandler };
  readonly work: string;
  readonly baseline: MinimalHandler;
  readonly baselineWork: string;
  /** Undefined for a probe (shown to explain the others, no goal). */
  readonly limit?: number;
  readonly ok: (reply: Reply) => boolean;
  /** One event per run, for the handler and for its baseline (separate records). */
  events(count: number): Promise<{ handler: object[]; baseline: object[] }>;
}

interface Measurement {
  /** Spawn to exit, measured by the parent. */
  readonly wallMs: number;
  /** Module load, and the first call, measured inside the child. */
  readonly loadMs: number;
  readonly invokeMs: number;
  readonly ok: boolean;
}

export interface ColdRow {
  readonly id: string;
  readonly work: string;
  readonly baseline: MinimalHandler;
  readonly baselineWork: string;
  readonly limit?: number;
  readonly runs: number;
  readonly handlerWall: number;
  readonly baselineWall: number;
  readonly handlerLoad: number;
  readonly baselineLoad: number;
  readonly handlerInvoke: number;
  readonly baselineInvoke: number;
  /** Per round: the median handler ÷ baseline ratio of process time, and of load + first call. */
  readonly wallRatios: number[];
  readonly initRatios: number[];
  readonly failures: number;
  readonly bytes: number;
  /** The requests one handler call and one baseline call sent (counted), and whether they are the same. */
  readonly requests: { readonly handler: string; readonly baseline: string; readonly same: boolean };
}

function runOnce(runner: string, modulePath: string, event: object, env: NodeJS.ProcessEnv, ok: (reply: Reply) => boolean): Promise<Measurement> {
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
        const report = JSON.parse(output.trim()) as { loadStart: number; loadEnd: number; invokeEnd: number; reply?: Reply };
        const loadMs = report.loadEnd - report.loadStart;
        resolve({ wallMs, loadMs, invokeMs: report.invokeEnd - report.loadEnd, ok: code === 0 && ok(report.reply) });
      } catch {
        resolve({ wallMs, loadMs: Number.NaN, invokeMs: Number.NaN, ok: false });
      }
    });
  });
}

export async function runColdStart(options: ColdOptions): Promise<{ rows: ColdRow[]; report: SectionReport }> {
  const started = Date.now();
  const admin = adminClient(options.dynamodb);
  const seed = async (count: number, seedOf: () => SeedRecord) => {
    const records = Array.from({ length: count }, seedOf);
    await putItems(admin, TABLE_NAME, records.flatMap(callbackItems));
    return records;
  };
  const pending = (extra: Partial<SeedRecord> = {}) => () => ({ recordId: randomUUID(), phoneE164: nextPhone(), status: 'PENDING' as const, ...extra });
  /** A pending callback whose id a processor has learnt: on the record and on its active pointer. */
  const knownId = () => pending({ callbackContactId: randomUUID(), pointerKnowsId: true })();
  const booking = () => connectEvent({ contactId: randomUUID(), callerNumber: nextPhone() });
  const result = (expected: string) => (reply: Reply) => reply?.result === expected;
  const twice = async (count: number, make: (n: number) => Promise<object[]>) => ({ handler: await make(count), baseline: await make(count) });

  const cases: ColdCase[] = [
    {
      id: 'write-callback',
      module: { handler: 'write-callback' },
      work: 'book a new callback for the calling number',
      baseline: 'minimal-transact-write',
      baselineWork: 'TransactWriteItems (2 Puts)',
      limit: FLOW_LIMIT,
      ok: result('CREATED'),
      events: (count) => twice(count, async (n) => Array.from({ length: n }, booking)),
    },
    {
      id: 'update-callback CONNECT',
      module: { handler: 'update-callback' },
      work: 'CONNECT: the outbound whisper of a pending callback',
      baseline: 'minimal-connect',
      baselineWork: 'GetItem, TransactWriteItems',
      limit: FLOW_LIMIT,
      ok: result('APPLIED'),
      events: (count) => twice(count, async (n) => (await seed(n, pending())).map((record) => connectEvent({
        contactId: randomUUID(),
        initiationMethod: 'CALLBACK',
        previousContactId: record.recordId,
        attributes: bookedAttributes(record.recordId),
        parameters: { recordId: record.recordId, transition: 'CONNECT' },
      }))),
    },
    {
      id: 'update-callback CANCEL',
      module: { handler: 'update-callback' },
      work: 'CANCEL with the callback id known, with what the flow passes',
      baseline: 'minimal-cancel',
      baselineWork: 'TransactWriteItems, StopContact, UpdateItem',
      limit: FLOW_LIMIT,
      ok: (reply) => reply?.result === 'APPLIED' && reply.removedFromQueue !== 'false',
      events: (count) => twice(count, async (n) => (await seed(n, knownId)).map((record) => connectEvent({
        callerNumber: record.phoneE164,
        parameters: { recordId: record.recordId, transition: 'CANCEL', phoneE164: record.phoneE164, callbackContactId: record.callbackContactId! },
      }))),
    },
    {
      id: 'contact-event-processor',
      module: { handler: 'contact-event-processor' },
      work: 'the INITIATED event of a new callback contact: learn its id',
      baseline: 'minimal-learn',
      baselineWork: 'UpdateItem, UpdateItem',
      limit: PROCESSOR_LIMIT,
      ok: (reply) => reply?.outcome === 'ID_LEARNED',
      events: (count) => twice(count, async (n) => (await seed(n, pending())).map((record) => contactEvent({
        contactId: randomUUID(), initiationMethod: 'CALLBACK', eventType: 'INITIATED', previousContactId: record.recordId,
      }))),
    },
    {
      id: 'ctr-processor',
      module: { handler: 'ctr-processor' },
      work: 'a batch of one inbound CTR naming the new callback contact: learn its id',
      baseline: 'minimal-learn',
      baselineWork: 'UpdateItem, UpdateItem',
      limit: PROCESSOR_LIMIT,
      ok: (reply) => Array.isArray(reply?.batchItemFailures) && (reply.batchItemFailures as unknown[]).length === 0,
      events: (count) => twice(count, async (n) => (await seed(n, pending())).map((record) => ({
        Records: kinesisRecords([ctr({ contactId: record.recordId, initiationMethod: 'INBOUND', attributes: bookedAttributes(record.recordId), nextContactId: randomUUID(), callerNumber: record.phoneE164 })]),
      }))),
    },
    {
      id: '(probe) Intl time zone',
      module: { probe: 'probe-intl-time-zone' },
      work: 'a module whose first call creates one Intl.DateTimeFormat for TIME_ZONE and formats the time',
      baseline: 'minimal-noop',
      baselineWork: 'nothing',
      ok: result('OK'),
      events: (count) => twice(count, async (n) => Array.from({ length: n }, () => ({}))),
    },
    {
      id: '(probe) Connect client carried, not run',
      module: { probe: 'probe-lazy-connect' },
      work: 'minimal-connect\'s CONNECT, carrying the Connect client as update-callback does: bundled, required on first use, never used here',
      baseline: 'minimal-connect',
      baselineWork: 'GetItem, TransactWriteItems',
      ok: result('APPLIED'),
      events: (count) => twice(count, async (n) => (await seed(n, pending())).map((record) => connectEvent({
        contactId: randomUUID(),
        initiationMethod: 'CALLBACK',
        previousContactId: record.recordId,
        attributes: bookedAttributes(record.recordId),
        parameters: { recordId: record.recordId, transition: 'CONNECT' },
      }))),
    },
    {
      id: '(probe) phone metadata',
      module: { probe: 'probe-phone' },
      work: 'a module whose first call normalizes one number with libphonenumber-js/min',
      baseline: 'minimal-noop',
      baselineWork: 'nothing',
      ok: result('OK'),
      events: (count) => twice(count, async (n) => Array.from({ length: n }, () => ({}))),
    },
  ];

  const env = (dynamodb: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // The Lambda runtime (Node.js 24) prints no SDK deprecation warning for its Node version; neither should this.
    NODE_NO_WARNINGS: '1',
    ...CONSTRUCT_ENV,
    ...Object.fromEntries(Object.entries(awsEnv({ dynamodb, connect: options.connect.endpoint })).filter(([, value]) => value !== undefined)),
  });
  const direct = env(options.dynamodb);
  const counted = env(options.proxy.endpoint);
  const moduleOf = (coldCase: ColdCase) => ('handler' in coldCase.module ? bundlePath(coldCase.module.handler) : options.build.minimal[coldCase.module.probe].file);
  const baselineOf = (coldCase: ColdCase) => options.build.minimal[coldCase.baseline].file;
  const stopCalls = () => [...options.connect.calls.values()].reduce((sum, count) => sum + count, 0);
  /** One launch through the pass-through: what it sent, as "2 UpdateItem, 1 StopContact". */
  const requestsOf = async (file: string, event: object, ok: (reply: Reply) => boolean) => {
    options.proxy.count.reset();
    options.connect.calls.clear();
    await runOnce(options.build.runner, file, event, counted, ok);
    const stops = stopCalls();
    return [describeRequests(options.proxy.count.snapshot()), ...(stops > 0 ? [`${stops} Connect`] : [])].join(', ');
  };

  const total = options.rounds * options.runs;
  const rows: ColdRow[] = [];
  try {
    const prepared = [];
    for (const coldCase of cases) prepared.push({ coldCase, events: await coldCase.events(total + 1) });
    // One unmeasured launch of each, through the counting pass-through: the OS file cache then holds every bundle,
    // and the handler's requests are compared with its baseline's.
    const requests = new Map<string, ColdRow['requests']>();
    for (const { coldCase, events } of prepared) {
      const handler = await requestsOf(moduleOf(coldCase), events.handler[total], coldCase.ok);
      const baseline = await requestsOf(baselineOf(coldCase), events.baseline[total], () => true);
      requests.set(coldCase.id, { handler, baseline, same: handler === baseline });
    }
    const measured = new Map(cases.map((coldCase) => [coldCase.id, { handler: [] as Measurement[], baseline: [] as Measurement[] }]));
    for (let run = 0; run < total; run++) {
      options.progress(`cold start: round ${Math.floor(run / options.runs) + 1}/${options.rounds}, run ${(run % options.runs) + 1}/${options.runs}`);
      for (const { coldCase, events } of prepared) {
        const slot = measured.get(coldCase.id)!;
        const handlerRun = () => runOnce(options.build.runner, moduleOf(coldCase), events.handler[run], direct, coldCase.ok);
        const baselineRun = () => runOnce(options.build.runner, baselineOf(coldCase), events.baseline[run], direct, () => true);
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
      const { handler, baseline } = measured.get(coldCase.id)!;
      const med = (list: Measurement[], pick: (m: Measurement) => number) => median(list.map(pick));
      // Each handler run is paired with the baseline run next to it (same moment, same noise).
      const roundRatios = (pick: (m: Measurement) => number) => Array.from({ length: options.rounds }, (_, round) => {
        const from = round * options.runs;
        return median(handler.slice(from, from + options.runs).map((m, i) => pick(m) / pick(baseline[from + i])));
      });
      rows.push({
        id: coldCase.id,
        work: coldCase.work,
        baseline: coldCase.baseline,
        baselineWork: coldCase.baselineWork,
        limit: coldCase.limit,
        runs: total,
        handlerWall: med(handler, (m) => m.wallMs),
        baselineWall: med(baseline, (m) => m.wallMs),
        handlerLoad: med(handler, (m) => m.loadMs),
        baselineLoad: med(baseline, (m) => m.loadMs),
        handlerInvoke: med(handler, (m) => m.invokeMs),
        baselineInvoke: med(baseline, (m) => m.invokeMs),
        wallRatios: roundRatios((m) => m.wallMs),
        initRatios: roundRatios((m) => m.loadMs + m.invokeMs),
        failures: [...handler, ...baseline].filter((m) => !m.ok).length,
        bytes: fs.statSync(moduleOf(coldCase)).size,
        requests: requests.get(coldCase.id)!,
      });
    }
  } finally {
    admin.destroy();
  }

  const probe = (id: string) => rows.find((row) => row.id === id);
  const probeCost = (row: ColdRow | undefined) => (row ? row.handlerLoad + row.handlerInvoke - row.baselineLoad - row.baselineInvoke : Number.NaN);
  const intl = probe('(probe) Intl time zone');
  const phone = probe('(probe) phone metadata');
  const lazyConnect = probe('(probe) Connect client carried, not run');
  const goals: Goal[] = rows.filter((row) => row.limit !== undefined).map((row) => {
    const value = median(row.wallRatios);
    const clean = row.requests.same && row.failures === 0;
    const limits = [
      `process ${ms(row.handlerWall)} vs ${ms(row.baselineWall)}: ${ms(row.handlerWall - row.baselineWall)} more, of which module load `
        + `${ms(row.handlerLoad - row.baselineLoad)} (bundle ${(row.bytes / 1024).toFixed(0)} KB vs ${(options.build.minimal[row.baseline].bytes / 1024).toFixed(0)} KB) `
        + `and first call ${ms(row.handlerInvoke - row.baselineInvoke)}`,
    ];
    if (row.id === 'update-callback CONNECT' || row.id.endsWith('processor')) {
      limits.push('of that, carrying the Connect client (@aws-sdk/client-connect, run only on a first StopContact, but parsed at load) '
        + `${ms(probeCost(lazyConnect))} (probe)`);
    }
    if (row.id === 'write-callback') {
      limits.push(`of that, Node.js's first Intl.DateTimeFormat (ICU data, for the spoken booking time) ${ms(probeCost(intl))} and libphonenumber-js's metadata and first parse ${ms(probeCost(phone))} (probes)`);
    }
    if (!row.requests.same) limits.push(`NOT the same requests: handler ${row.requests.handler}, baseline ${row.requests.baseline}`);
    if (row.failures > 0) limits.push(`${row.failures} failed runs`);
    limits.push(`ratio per round: ${row.wallRatios.map((r) => r.toFixed(2)).join(', ')}`);
    return {
      name: `cold start ${row.id}`,
      target: `process ratio ≤ ${row.limit!.toFixed(2)}`,
      measured: `${ratio(value)} (load + first call alone: ${ratio(median(row.initRatios))})`,
      met: clean && value <= row.limit!,
      limitedBy: limits.join('; '),
      gate: gateFigure(clean ? row.wallRatios : [Number.POSITIVE_INFINITY], row.limit!),
    };
  });
  return {
    rows,
    report: {
      title: COLD_TITLE,
      method: [
        `${options.rounds} rounds of ${options.runs} runs. In each run a fresh \`node\` process (${process.version}) loads a shipped bundle and serves one event`,
        'against DynamoDB Local and the local Connect endpoint, next to a fresh process that loads a minimal handler (bench/cold/) sending the same',
        'requests (built by bench/lib/requests.ts, as the store builds them) with its clients built at module load: the floor for that work.',
        'The order alternates run by run. The minimal handlers are bundled with the shipped bundles\' esbuild options'
          + `${options.build.optionsMatchShipped ? ' (verified: rebuilding update-callback with them reproduces its asset byte for byte)' : ' (NOT verified: rebuilding update-callback with them did not reproduce its asset)'}.`,
        'Before any timing, one launch of each goes through the counting pass-through, and the requests it sent are shown: a goal counts as met',
        'only when handler and baseline sent the same. "process" is spawn to exit as the parent sees it (Node.js start-up included, the same',
        'for both); "load" and "first call" are measured inside the child. Times are medians over all runs; a round\'s ratio is the median of',
        'its handler ÷ baseline pairs, and the goal\'s figure the median of the rounds\' (range in brackets).',
      ].join(' '),
      tables: [{
        table: {
          headers: ['handler', 'event', 'baseline', 'requests (handler / baseline)', 'runs', 'process (handler)', 'process (baseline)', 'process ratio',
            'load', 'baseline load', 'first call', 'baseline first call', 'load + call ratio', 'failed runs'],
          right: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
          rows: rows.map((row) => [
            row.id, row.work, `${row.baseline} (${row.baselineWork})`,
            row.requests.same ? `${row.requests.handler} (same)` : `${row.requests.handler} / ${row.requests.baseline} (DIFFERENT)`,
            String(row.runs),
            ms(row.handlerWall), ms(row.baselineWall), ratioSpread(row.wallRatios),
            ms(row.handlerLoad), ms(row.baselineLoad), ms(row.handlerInvoke), ms(row.baselineInvoke), ratioSpread(row.initRatios),
            String(row.failures),
          ]),
        },
      }],
      notes: [
        'In Lambda the runtime\'s own start-up is added to both sides, as Node.js start-up is to the process times here.',
        'The probe rows are no handlers: modules that do one piece of a handler\'s cold start against a module without it (the Intl formatter and '
          + 'the phone metadata of write-callback\'s first booking, against nothing; the Connect client carried but not run, against minimal-connect), '
          + 'to show what that piece costs a fresh process.',
        'queue-outbound-whisper is a CloudFormation custom resource (a deployment, not a caller or an event): it has no cold start goal.',
      ],
      goals,
      seconds: (Date.now() - started) / 1000,
    },
  };
}
