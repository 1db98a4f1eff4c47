/**
 * 6. Cost per million callbacks for Lambda, DynamoDB and EventBridge, from the counts measured in sections 1, 3
 * and 4 and the unit prices below, for this design against the published sample's design; and what operating it adds
 * (the reconciler, the index of open records it and the callbacks API read, metrics, alarms), modelled from what each
 * writes and reads, since no request of theirs goes through section 3.
 */
import type { CtrResult } from './ctr-processor';
import { capacityUnits, type Stage, type StoryStep } from './flow-paths';
import type { SideBySideResult } from './side-by-side';
import type { WarmRow } from './warm-latency';
import type { DeployedDesign } from '../lib/design';
import { gateFigure, type Goal, type SectionReport } from '../lib/report';
import { fixed, usd } from '../lib/stats';

/** The section's title, also its key in the regression gate's data: keep it stable. */
export const COST_TITLE = '7. Cost model';

/**
 * Published on-demand unit prices, us-east-1, as I take them to stand on 2025-06-01 (after DynamoDB's on-demand
 * price cut of 2024-11-01). An assumption written down, not fetched: check the pricing pages before relying on it.
 */
export const PRICES = {
  date: '2025-06-01',
  region: 'us-east-1',
  lambdaPerMillionRequests: 0.20,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaX86PerGbSecond: 0.0000166667,
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  /** Custom events put on a bus. Events that AWS services (Amazon Connect contact events) send to the default bus are free. */
  eventBridgePerMillionCustomEvents: 1.00,
  eventBridgePerMillionServiceEvents: 0,
} as const;

/** Assumptions of the model, each stated in RESULTS.md. */
export const ASSUMPTIONS = {
  callbacks: 1_000_000,
  /** Share of booked callbacks that the caller cancels; the rest reach an agent and are answered. */
  cancelledShare: 0.10,
  sampleMemoryMb: 1024,
  /** The sample sets no architecture, so Lambda's default. */
  sampleArchitecture: 'x86_64',
  /** The sample's DynamoDB work per decision when section 5 did not run: one read and one single-item write. */
  sampleSetUnits: { reads: 1, writes: 1 },
  sampleCancelUnits: { reads: 1, writes: 1 },
} as const;

/**
 * The index of open records (OPEN_RECORDS_INDEX, projection ALL) and the reconciler, as the code has them, and what is
 * assumed about their use. Index writes follow the DynamoDB Developer Guide's rules for global secondary indexes
 * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Writes): a table write that puts an item into
 * the index, changes a projected attribute of an item in it, or removes it from it costs one write to the index; an
 * item in the index neither before nor after costs nothing. On demand, that is one write request unit per write of
 * an item under 1 KB. An index read is eventually consistent: half a read unit per 4 KB.
 */
export const OPERATIONS = {
  /** Index writes per callback, by what writes the record while it is open (or closes it). */
  indexWrites: {
    /** The record's Put carries openQueueArn. */
    booking: 1,
    /** The callback contact id stored (contact event or CTR, whichever comes first). */
    idLearned: 1,
    /** The other source storing the same id again while the record is open: an upper bound (it changes nothing). */
    idLearnedAgain: 1,
    /** A cancel (PENDING -> CANCELLED), for the cancelled share. */
    cancel: 1,
    /** The completion removes openQueueArn: the item leaves the index. */
    completion: 1,
  },
  /** The construct's default reconcileInterval. */
  reconcileIntervalMinutes: 10,
  /** The reconciler's memory and its pause between two Connect calls (src/operations.ts). */
  reconcilerMemoryMb: 128,
  callSpacingSeconds: 1,
  maxConnectCallsPerRun: 250,
  /** A record item as section 3 writes them, rounded up (its largestItemBytes is the measured one). */
  recordBytes: 600,
  /**
   * Assumed, for the monthly figures: callbacks a month, and how long a callback's record stays open on average (booked
   * to completed); the open records at any time follow (Little's law).
   */
  callbacksPerMonth: 1_000_000,
  meanOpenMinutes: 60,
  /** Assumed: a run without lookups (one Query page, no Connect call) takes this long, warm. */
  runWithoutLookupsMs: 150,
  /** CloudWatch, us-east-1, as I take them to stand (not fetched): per alarm, custom metric, dashboard a month; per GB of logs ingested. */
  cloudWatch: { alarmPerMonth: 0.10, metricPerMonth: 0.30, dashboardPerMonth: 3.00, logsPerGb: 0.50 },
  /** The default construct's alarms, and the custom metrics its handlers can write (names times dimension values). */
  defaultAlarms: 17,
  customMetrics: 26,
  /** An embedded-format metrics line, as the handlers write one per invocation (bytes). */
  metricsLineBytes: 350,
} as const;

/** Lookups a PENDING record gets if it stays open `minutes` (lambda-src/shared/reconciler.ts lookupDue: 30 min, then doubling, at most 12 h apart). */
function lookupsWithin(minutes: number): number {
  let count = 0;
  for (let slot = 30 * 60; slot <= minutes * 60; slot = Math.min(slot * 2, slot + 12 * 3600)) count += 1;
  return count;
}

interface Bill {
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly lambdaRequests: number;
  readonly lambdaDuration: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly dynamodb: number;
  readonly serviceEvents: number;
  readonly customEvents: number;
  readonly eventBridge: number;
  readonly total: number;
}

interface Usage {
  readonly invocations: number;
  /** arm64 GB-seconds. */
  readonly gbSeconds: number;
  readonly x86GbSeconds?: number;
  readonly reads: number;
  readonly writes: number;
  readonly serviceEvents: number;
  readonly customEvents: number;
}

function bill(parts: Usage): Bill {
  const lambdaRequests = (parts.invocations / 1e6) * PRICES.lambdaPerMillionRequests;
  const lambdaDuration = parts.gbSeconds * PRICES.lambdaArmPerGbSecond + (parts.x86GbSeconds ?? 0) * PRICES.lambdaX86PerGbSecond;
  const dynamodb = (parts.reads / 1e6) * PRICES.dynamoDbPerMillionReadUnits + (parts.writes / 1e6) * PRICES.dynamoDbPerMillionWriteUnits;
  const eventBridge = (parts.serviceEvents / 1e6) * PRICES.eventBridgePerMillionServiceEvents
    + (parts.customEvents / 1e6) * PRICES.eventBridgePerMillionCustomEvents;
  return {
    invocations: parts.invocations,
    gbSeconds: parts.gbSeconds + (parts.x86GbSeconds ?? 0),
    lambdaRequests,
    lambdaDuration,
    readUnits: parts.reads,
    writeUnits: parts.writes,
    dynamodb,
    serviceEvents: parts.serviceEvents,
    customEvents: parts.customEvents,
    eventBridge,
    total: lambdaRequests + lambdaDuration + dynamodb + eventBridge,
  };
}

export interface CostInput {
  readonly steps: StoryStep[];
  readonly design: DeployedDesign;
  readonly warm: WarmRow[];
  readonly ctr?: CtrResult;
  readonly sample?: SideBySideResult;
}

export function runCostModel(input: CostInput): SectionReport {
  const started = Date.now();
  const warm = (id: string) => input.warm.find((row) => row.id === id)?.handlerP50;
  // The processors' learning step is two conditional writes; CONNECT (a read and a transaction) is the nearest measured work.
  const oneUpdate = warm('connect');
  const perCtrRecord = input.ctr && input.ctr.passed > 0
    ? (input.ctr.msPerFilteredBatch * input.ctr.filteredBatches) / input.ctr.passed : oneUpdate;
  /** Measured warm p50 of the matching case in section 1 (or 4), by invocation key ('<function>[ <transition>]'). */
  const durationSources: Record<string, { ms: number | undefined; from: string }> = {
    'write-callback': { ms: warm('write'), from: 'section 1, write-callback CREATED' },
    'update-callback CANCEL': { ms: warm('cancel-known'), from: 'section 1, update-callback CANCEL, id known' },
    'update-callback CONNECT': { ms: warm('connect'), from: 'section 1, update-callback CONNECT' },
    'update-callback AGENT_HANG_UP': { ms: warm('hang-up'), from: 'section 1, update-callback AGENT_HANG_UP' },
    'update-callback RELEASE': { ms: warm('release'), from: 'section 1, update-callback RELEASE' },
    'ctr-processor': { ms: perCtrRecord, from: 'section 4, per callback CTR' },
  };
  const durationOf = (key: string) => durationSources[key] ?? { ms: oneUpdate, from: 'section 1, update-callback CONNECT (two requests, assumed alike)' };
  const handlerOf = (key: string) => key.split(' ')[0];
  const memoryOf = (handler: string) => input.design.functions.find((fn) => fn.handler === handler)?.memoryMb ?? Number.NaN;
  const archOf = (handler: string) => input.design.functions.find((fn) => fn.handler === handler)?.architecture ?? 'unknown';
  /** Lambda bills each invocation's duration rounded up to the millisecond. */
  const billedSeconds = (key: string) => Math.ceil(durationOf(key).ms ?? Number.NaN) / 1000;

  const weights: Record<Exclude<Stage, 'other'>, number> = {
    booking: ASSUMPTIONS.callbacks,
    cancel: ASSUMPTIONS.callbacks * ASSUMPTIONS.cancelledShare,
    completion: ASSUMPTIONS.callbacks * (1 - ASSUMPTIONS.cancelledShare),
  };
  const ours = (filter: (step: StoryStep) => boolean) => {
    let invocations = 0;
    let armGbSeconds = 0;
    let x86GbSeconds = 0;
    let reads = 0;
    let writes = 0;
    let serviceEvents = 0;
    for (const step of input.steps.filter((s) => s.stage !== 'other' && filter(s))) {
      const weight = weights[step.stage as Exclude<Stage, 'other'>];
      for (const [key, count] of Object.entries(step.invocations)) {
        invocations += count * weight;
        const gbSeconds = count * weight * billedSeconds(key) * (memoryOf(handlerOf(key)) / 1024);
        if (archOf(handlerOf(key)) === 'arm64') armGbSeconds += gbSeconds; else x86GbSeconds += gbSeconds;
      }
      const units = capacityUnits(step.dynamodb);
      reads += units.reads * weight;
      writes += units.writes * weight;
      serviceEvents += (step.eventsMatched ?? 0) * weight;
    }
    return bill({ invocations, gbSeconds: armGbSeconds, x86GbSeconds, reads, writes, serviceEvents, customEvents: 0 });
  };
  const withoutIndex = ours((step) => step.kind === 'flow' && step.stage !== 'completion');
  const fullLifeWithoutIndex = ours(() => true);
  // The index of open records exists whenever the reconciler (on by default) or the callbacks API is on.
  const iw = OPERATIONS.indexWrites;
  const callerPathIndexWrites = weights.booking * iw.booking + weights.cancel * (iw.cancel + iw.completion);
  const fullLifeIndexWrites = ASSUMPTIONS.callbacks * (iw.booking + iw.idLearned + iw.idLearnedAgain + iw.completion) + weights.cancel * iw.cancel;
  const withIndexWrites = (b: Bill, writes: number): Bill => {
    const cost = (writes / 1e6) * PRICES.dynamoDbPerMillionWriteUnits;
    return { ...b, writeUnits: b.writeUnits + writes, dynamodb: b.dynamodb + cost, total: b.total + cost };
  };
  const callerPaths = withIndexWrites(withoutIndex, callerPathIndexWrites);
  const fullLife = withIndexWrites(fullLifeWithoutIndex, fullLifeIndexWrites);

  // The sample: 4 invocations per booking and 5 per cancel, 1 GB, billed for as long as our median flow-facing invocation.
  const flowDurations = input.steps.filter((s) => s.kind === 'flow' && s.stage !== 'other')
    .flatMap((s) => Object.keys(s.invocations)).map((key) => Math.ceil(durationOf(key).ms ?? Number.NaN));
  const sampleSeconds = (flowDurations.sort((a, b) => a - b)[Math.floor(flowDurations.length / 2)] ?? Number.NaN) / 1000;
  const sampleInvocations = 4 * weights.booking + 5 * weights.cancel;
  const sampleGbSeconds = sampleInvocations * sampleSeconds * (ASSUMPTIONS.sampleMemoryMb / 1024);
  const measuredUnits = (path: string) => input.sample?.rows.find((row) => row.path === path)?.sampleUnits;
  const setUnits = measuredUnits('new callback') ?? ASSUMPTIONS.sampleSetUnits;
  const cancelUnits = measuredUnits('cancel') ?? ASSUMPTIONS.sampleCancelUnits;
  const sample = bill({
    invocations: sampleInvocations,
    gbSeconds: ASSUMPTIONS.sampleArchitecture === 'x86_64' ? 0 : sampleGbSeconds,
    x86GbSeconds: ASSUMPTIONS.sampleArchitecture === 'x86_64' ? sampleGbSeconds : 0,
    reads: setUnits.reads * weights.booking + cancelUnits.reads * weights.cancel,
    writes: setUnits.writes * weights.booking + cancelUnits.writes * weights.cancel,
    serviceEvents: 0,
    customEvents: 0,
  });

  const column = (b: Bill) => [
    `${(b.invocations / 1e6).toFixed(2)} M`, `${fixed(b.gbSeconds, 0)} GB-s`, usd(b.lambdaRequests), usd(b.lambdaDuration),
    `${(b.readUnits / 1e6).toFixed(2)} M / ${(b.writeUnits / 1e6).toFixed(2)} M`, usd(b.dynamodb),
    `${(b.serviceEvents / 1e6).toFixed(2)} M service, ${(b.customEvents / 1e6).toFixed(2)} M custom`, usd(b.eventBridge), usd(b.total),
  ];
  const usedKeys = [...new Set(input.steps.filter((s) => s.stage !== 'other').flatMap((s) => Object.keys(s.invocations)))].sort();
  const goals: Goal[] = [{
    name: 'cost per 1 M callbacks, caller paths (Lambda + DynamoDB + EventBridge)',
    target: 'below the published sample\'s design',
    measured: `${usd(callerPaths.total)} vs ${usd(sample.total)}`,
    met: callerPaths.total < sample.total,
    limitedBy: `Lambda requests ${usd(callerPaths.lambdaRequests)} vs ${usd(sample.lambdaRequests)}; duration ${usd(callerPaths.lambdaDuration)} vs ${usd(sample.lambdaDuration)}; `
      + `DynamoDB ${usd(callerPaths.dynamodb)} vs ${usd(sample.dynamodb)} (transactions cost 2 WRU per item)`,
    comparison: true,
    gate: gateFigure([callerPaths.total], sample.total),
  }];

  return {
    title: COST_TITLE,
    method: [
      `Per ${ASSUMPTIONS.callbacks.toLocaleString('en-US')} callbacks booked, of which ${fixed(ASSUMPTIONS.cancelledShare * 100, 0)}% are cancelled by the caller and the rest`,
      'reach an agent and are answered. This design: the invocations, DynamoDB requests and matched contact events of each stage as counted in',
      'section 3; each function\'s memory and architecture from the synthesized template; each invocation billed for the warm p50 measured in',
      'section 1 (or 4) for the same work, rounded up to the millisecond as Lambda bills. Request units as in section 3.',
      `Published sample: 4 invocations per booking and 5 per cancel, ${ASSUMPTIONS.sampleMemoryMb} MB, ${ASSUMPTIONS.sampleArchitecture} (assumed; it sets no architecture),`,
      `each billed for ${fixed(sampleSeconds * 1000, 0)} ms (the median billed duration of this design's flow-facing invocations: the same kind of work),`,
      `and ${setUnits.reads} read + ${setUnits.writes} write units per booking and ${cancelUnits.reads} + ${cancelUnits.writes} per cancel${input.sample ? ' (section 5)' : ' (assumed: section 5 did not run)'};`,
      'it publishes no counts for its whisper or stream functions, so the like-for-like comparison is on the caller paths (booking and cancel calls) only.',
    ].join(' '),
    tables: [
      {
        caption: `Unit prices assumed (${PRICES.region}, as of ${PRICES.date}; written in bench/sections/cost-model.ts, not fetched)`,
        table: {
          headers: ['item', 'price'],
          rows: [
            ['Lambda requests', `$${PRICES.lambdaPerMillionRequests.toFixed(2)} per 1 M`],
            ['Lambda duration, arm64', `$${PRICES.lambdaArmPerGbSecond} per GB-s`],
            ['Lambda duration, x86_64', `$${PRICES.lambdaX86PerGbSecond} per GB-s`],
            ['DynamoDB on-demand writes', `$${PRICES.dynamoDbPerMillionWriteUnits.toFixed(3)} per 1 M write request units`],
            ['DynamoDB on-demand reads', `$${PRICES.dynamoDbPerMillionReadUnits.toFixed(3)} per 1 M read request units`],
            ['EventBridge custom events', `$${PRICES.eventBridgePerMillionCustomEvents.toFixed(2)} per 1 M`],
            ['EventBridge AWS service events (Amazon Connect contact events, default bus)', 'free'],
          ],
        },
      },
      {
        caption: 'Billed duration per invocation (this design)',
        table: {
          headers: ['invocation', 'memory', 'architecture', 'measured p50', 'billed', 'source'],
          right: [1, 3, 4],
          rows: usedKeys.map((key) => [key, `${memoryOf(handlerOf(key))} MB`, archOf(handlerOf(key)), `${fixed(durationOf(key).ms ?? Number.NaN, 2)} ms`,
            `${fixed(billedSeconds(key) * 1000, 0)} ms`, durationOf(key).from]),
        },
      },
      {
        caption: `Cost per ${ASSUMPTIONS.callbacks.toLocaleString('en-US')} callbacks`,
        table: {
          headers: ['design', 'invocations', 'compute', 'Lambda requests', 'Lambda duration', 'DynamoDB RRU / WRU', 'DynamoDB', 'EventBridge events', 'EventBridge', 'total'],
          right: [1, 2, 3, 4, 5, 6, 8, 9],
          rows: [
            ['this design, caller paths (booking + cancel calls), with the open-records index (the default)', ...column(callerPaths)],
            ['this design, caller paths, without the index (enableReconciler: false, no callbacks API)', ...column(withoutIndex)],
            ['published sample, caller paths (4 + 5 invocations, 1 GB)', ...column(sample)],
            ['this design, whole life (+ whispers, contact events, CTR processor), with the index', ...column(fullLife)],
            ['this design, whole life, without the index', ...column(fullLifeWithoutIndex)],
          ],
        },
      },
      operationsTable(),
    ],
    notes: [
      'Not included, being the same for both designs or not billed per callback: Amazon Connect itself, the Kinesis stream of CTRs (the instance streams '
        + 'them whatever the design), CloudWatch Logs, StopContact (no charge), storage (a few hundred bytes per record, deleted by TTL).',
      `Durations come from DynamoDB Local on this machine (the raw booking transaction took ${fixed(input.warm.find((row) => row.id === 'write')?.rawP50 ?? Number.NaN, 2)} ms `
        + 'at p50); DynamoDB from Lambda usually takes longer, which adds the same time per request to both designs\' billed duration.',
      'Cold starts (billed init duration) are left out for both designs; section 2 has this design\'s.',
      `Index writes per callback (${iw.booking} booking + ${iw.idLearned} id learned + up to ${iw.idLearnedAgain} id stored again + ${iw.completion} completion, `
        + `+ ${iw.cancel} for a cancel) follow DynamoDB's rules for a global secondary index with projection ALL; the second storing of the same id `
        + 'changes nothing and may cost nothing, so the whole-life figure is an upper bound. A KEYS_ONLY index would save the id and cancel writes '
        + 'but make the reconciler and the API read each open record by key.',
    ],
    goals,
    seconds: (Date.now() - started) / 1000,
  };
}

/** The reconciler's reads, writes, calls and compute, and what metrics and alarms cost, under OPERATIONS' assumptions. */
function operationsTable(): { caption: string; table: { headers: string[]; right?: number[]; rows: string[][] } } {
  const o = OPERATIONS;
  const runsPerMonth = (30 * 24 * 60) / o.reconcileIntervalMinutes;
  const openRecords = (o.callbacksPerMonth / (30 * 24 * 60)) * o.meanOpenMinutes;
  // One Query page per run (and one more per 1 MB): half a read unit per 4 KB of open records.
  const readUnitsPerRun = Math.max(0.5, Math.ceil((openRecords * o.recordBytes) / 4096) * 0.5);
  const lookupsPerCallback = lookupsWithin(o.meanOpenMinutes);
  const lookupsPerMonth = o.callbacksPerMonth * lookupsPerCallback;
  // A lookup is billed for its pause too: the function waits callSpacingSeconds before each Connect call.
  const gbSeconds = (runsPerMonth * (o.runWithoutLookupsMs / 1000) + lookupsPerMonth * o.callSpacingSeconds) * (o.reconcilerMemoryMb / 1024);
  const lambda = (runsPerMonth / 1e6) * PRICES.lambdaPerMillionRequests + gbSeconds * PRICES.lambdaArmPerGbSecond;
  const reads = runsPerMonth * readUnitsPerRun;
  const dynamodb = (reads / 1e6) * PRICES.dynamoDbPerMillionReadUnits;
  const invocationsPerCallback = 5;
  const logsGb = (o.callbacksPerMonth * invocationsPerCallback * o.metricsLineBytes) / 1e9;
  const rows: string[][] = [
    ['reconciler runs', `${runsPerMonth.toLocaleString('en-US')} a month (every ${o.reconcileIntervalMinutes} min)`, usd((runsPerMonth / 1e6) * PRICES.lambdaPerMillionRequests)],
    ['open records read per run (index Query)', `${Math.round(openRecords).toLocaleString('en-US')} records × ${o.recordBytes} B: ${readUnitsPerRun} RRU a run, ${(reads / 1e6).toFixed(2)} M RRU a month`, usd(dynamodb)],
    ['DescribeContact lookups', `${lookupsPerCallback} per callback open ${o.meanOpenMinutes} min (${lookupsWithin(29)} if settled within 30 min; `
      + `${lookupsWithin(240)} at 4 h; ${lookupsWithin(17 * 24 * 60)} at 17 days): ${(lookupsPerMonth / 1e6).toFixed(2)} M a month, against room for `
      + `${((o.maxConnectCallsPerRun * runsPerMonth) / 1e6).toFixed(2)} M (${o.maxConnectCallsPerRun} Connect calls a run)`
      + (lookupsPerMonth > o.maxConnectCallsPerRun * runsPerMonth ? ': over it, the backlog grows (ReconcilerBacklog)' : ''), 'no charge'],
    ['reconciler compute', `${Math.round(gbSeconds).toLocaleString('en-US')} GB-s a month (arm64, ${o.reconcilerMemoryMb} MB; mostly the ${o.callSpacingSeconds} s pause before each Connect call)`, usd(gbSeconds * PRICES.lambdaArmPerGbSecond)],
    ['repairs (records it completes or stops)', 'the handlers\' own writes: ENDED or EXPIRED from PENDING, a refused UpdateItem (1 WRU) and the record\'s update with '
      + 'the pointer\'s delete in a transaction (4 WRU); REMOVED, one UpdateItem (1 WRU); a flag, one UpdateItem, once; each + 1 index write. Only '
      + 'for drifted records, which contact events and CTRs normally leave none of', '≈ 0'],
    ['metrics lines', `${invocationsPerCallback} invocations per callback × ${o.metricsLineBytes} B: ${logsGb.toFixed(2)} GB of logs a month`, usd(logsGb * o.cloudWatch.logsPerGb)],
    ['custom metrics', `up to ${o.customMetrics} (names × dimension values) × $${o.cloudWatch.metricPerMonth.toFixed(2)}`, usd(o.customMetrics * o.cloudWatch.metricPerMonth)],
    ['alarms', `${o.defaultAlarms} by default × $${o.cloudWatch.alarmPerMonth.toFixed(2)}`, usd(o.defaultAlarms * o.cloudWatch.alarmPerMonth)],
    ['dashboard (createDashboard)', `1 × $${o.cloudWatch.dashboardPerMonth.toFixed(2)}`, usd(o.cloudWatch.dashboardPerMonth)],
    ['total a month, reconciler (Lambda + DynamoDB)', '', usd(lambda + dynamodb)],
  ];
  return {
    caption: `Operating it, a month at ${o.callbacksPerMonth.toLocaleString('en-US')} callbacks (modelled: assumptions in bench/sections/cost-model.ts OPERATIONS; CloudWatch prices assumed, not fetched)`,
    table: { headers: ['item', 'what', 'cost'], right: [2], rows },
  };
}
