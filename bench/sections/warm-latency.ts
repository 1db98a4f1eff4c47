/**
 * 1. Warm latency of each flow-facing handler and transition, loaded from its shipped bundle and invoked in-process
 * with a Connect event against DynamoDB Local, interleaved call by call with the raw SDK requests the same work comes
 * down to (bench/lib/raw-calls.ts), so that both see the same noise. Where a minimal handler with the same requests
 * exists (bench/cold/), a third arm splits the difference into "the handler's own work" and "the bundled SDK client
 * against a plain one". p50 and p99 per round; ratios are taken within a round and the median over rounds is the goal's
 * figure. Before any timing, one call of each arm goes through the counting pass-through: a goal counts as met only
 * when the handler and its raw arm sent the same requests.
 */
import { randomUUID } from 'node:crypto';
import { describeRequests } from './flow-paths';
import { spokenRequestTime } from '../../lambda-src/shared/local-time';
import { normalizePhone } from '../../lambda-src/shared/phone';
import type { BenchBuild, MinimalHandler } from '../lib/build';
import type { ConnectStub } from '../lib/connect-stub';
import { adminClient, type CountingProxy, putItems } from '../lib/dynamodb-local';
import { bookedAttributes, callbackItems, connectEvent, nextPhone, type SeedRecord } from '../lib/events';
import { applyEnv, awsEnv, CONSTRUCT_ENV, type FlowHandler, loadBundle, loadHandler, silenceHandlerLogs, TABLE_NAME } from '../lib/handlers';
import { RawCalls } from '../lib/raw-calls';
import { gateFigure, type Goal, type SectionReport } from '../lib/report';
import { median, ms, percentile, ratio, ratioSpread } from '../lib/stats';

/** The section's title, also its key in the regression gate's data: keep it stable. */
export const WARM_TITLE = '1. Handler warm latency';

/** The goal: a flow-facing handler's p99 within 10% of its own requests' p99. */
const LIMIT = 1.10;

export interface WarmOptions {
  readonly dynamodb: string;
  readonly connect: ConnectStub;
  readonly proxy: CountingProxy;
  readonly build: BenchBuild;
  readonly rounds: number;
  /** Measured invocations per round and case (after the warm-up). */
  readonly invocations: number;
  readonly warmup: number;
  readonly progress: (message: string) => void;
}

type Call = (i: number) => Promise<boolean>;
type Arm = 'handler' | 'raw' | 'minimal';

/** The handler bundles, raw client and minimal handlers one set of arms uses, all pointed at one DynamoDB endpoint. */
interface Instances {
  readonly handlers: Record<string, FlowHandler>;
  readonly raw: RawCalls;
  readonly minimal: Partial<Record<MinimalHandler, FlowHandler>>;
}

interface Case {
  readonly id: string;
  readonly handler: string;
  /** The transition or outcome, for the goal's name. */
  readonly path: string;
  readonly work: string;
  /** The raw requests it is compared with; undefined for a probe without I/O. */
  readonly baseline?: string;
  readonly minimal?: MinimalHandler;
  /** Arranges the table for `count` calls of each arm; returns the per-call functions. */
  prepare(count: number, use: Instances): Promise<Partial<Record<Arm, Call>> & { handler: Call }>;
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

export interface WarmRow {
  readonly id: string;
  readonly handler: string;
  readonly path: string;
  readonly work: string;
  readonly baseline?: string;
  readonly rounds: number;
  readonly invocations: number;
  /** Medians over rounds of each arm's p50 and p99. */
  readonly handlerP50: number;
  readonly handlerP99: number;
  readonly rawP50: number;
  readonly rawP99: number;
  readonly minimal?: Percentiles;
  readonly p50Ratios: number[];
  readonly p99Ratios: number[];
  /** handler ÷ minimal handler, p99, per round. */
  readonly p99OverMinimal: number[];
  /** Replies that were not the expected result (an ERROR, or a state the arrangement did not intend). */
  readonly unexpected: number;
  /** What one handler call and one raw call sent, counted at the pass-through. */
  readonly requests?: { readonly handler: string; readonly raw: string; readonly same: boolean };
}

export interface WarmResult {
  readonly report: SectionReport;
  readonly rows: WarmRow[];
}

const ARM_ORDER: readonly Arm[] = ['handler', 'raw', 'minimal'];
const FLOW_HANDLERS = ['write-callback', 'update-callback'];

export async function runWarmLatency(options: WarmOptions): Promise<WarmResult> {
  const started = Date.now();
  const restoreConsole = silenceHandlerLogs();
  const admin = adminClient(options.dynamodb);

  /** Loads a fresh set of instances with `dynamodb` as their endpoint (the handlers read it at load, the SDK on first use). */
  const instances = (dynamodb: string): Instances => {
    applyEnv({ ...CONSTRUCT_ENV, ...awsEnv({ dynamodb, connect: options.connect.endpoint }) });
    const handlers = Object.fromEntries(FLOW_HANDLERS.map((name) => [name, loadHandler(name)]));
    const minimal = Object.fromEntries((['minimal-transact-write', 'minimal-cancel', 'minimal-connect'] as const)
      .map((name) => [name, loadBundle<{ handler: FlowHandler }>(options.build.minimal[name].file).handler]));
    return { handlers, raw: new RawCalls({ dynamodb, connect: options.connect.endpoint }), minimal };
  };

  const seed = async (records: SeedRecord[]) => {
    await putItems(admin, TABLE_NAME, records.flatMap(callbackItems));
    return records;
  };
  const fresh = (count: number, status: SeedRecord['status'], extra: () => Partial<SeedRecord> = () => ({})) =>
    seed(Array.from({ length: count }, () => ({ recordId: randomUUID(), phoneE164: nextPhone(), status, ...extra() })));
  const bookings = (count: number) => Array.from({ length: count }, () => ({ contactId: randomUUID(), phone: nextPhone() }));
  /** The callback contact of a record, as a whisper flow's Lambda sees it. */
  const whisperEvent = (recordId: string, callbackContactId: string, transition: string) => connectEvent({
    contactId: callbackContactId,
    initiationMethod: 'CALLBACK',
    previousContactId: recordId,
    attributes: bookedAttributes(recordId),
    parameters: { recordId, transition },
  });
  /** The caller's cancel as the set-callback flow sends it: what the booking attempt's reply said. */
  const cancelEvent = (record: SeedRecord) => connectEvent({
    callerNumber: record.phoneE164,
    parameters: { recordId: record.recordId, transition: 'CANCEL', phoneE164: record.phoneE164, callbackContactId: record.callbackContactId ?? '' },
  });
  const told = (record: SeedRecord) => ({ recordId: record.recordId, phoneE164: record.phoneE164, callbackContactId: record.callbackContactId });
  const thirds = async <T>(count: number, make: (n: number) => Promise<T[]>) => {
    const all = await make(3 * count);
    return [all.slice(0, count), all.slice(count, 2 * count), all.slice(2 * count)];
  };

  const cases: Case[] = [
    {
      id: 'write',
      handler: 'write-callback',
      path: 'CREATED',
      work: 'book a new callback for the caller\'s number',
      baseline: 'TransactWriteItems, 2 conditional Puts',
      minimal: 'minimal-transact-write',
      prepare: async (count, use) => {
        const [calls, raws, minimals] = [bookings(count), bookings(count), bookings(count)];
        return {
          handler: async (i) => (await use.handlers['write-callback'](connectEvent({ contactId: calls[i].contactId, callerNumber: calls[i].phone }))).result === 'CREATED',
          raw: async (i) => {
            await use.raw.book(raws[i].contactId, raws[i].phone);
            return true;
          },
          minimal: async (i) => (await use.minimal['minimal-transact-write']!(connectEvent({ contactId: minimals[i].contactId, callerNumber: minimals[i].phone }))).result === 'CREATED',
        };
      },
    },
    {
      id: 'write-exists',
      handler: 'write-callback',
      path: 'EXISTS',
      work: 'a caller whose number has a pending callback: told of it (and offered the cancel)',
      baseline: 'TransactWriteItems, 2 conditional Puts, the pointer\'s condition failing',
      prepare: async (count, use) => {
        const [calls, raws] = await thirds(count, (n) => fresh(n, 'PENDING', () => ({ callbackContactId: randomUUID(), pointerKnowsId: true })));
        return {
          handler: async (i) => (await use.handlers['write-callback'](connectEvent({ callerNumber: calls[i].phoneE164 }))).result === 'EXISTS',
          raw: async (i) => {
            await use.raw.bookExisting(randomUUID(), raws[i].phoneE164);
            return true;
          },
        };
      },
    },
    {
      id: 'cancel-known',
      handler: 'update-callback',
      path: 'CANCEL, id known',
      work: 'CANCEL with the callback id known, as the flow passes it: cancel, StopContact, complete',
      baseline: 'TransactWriteItems (Update + Delete), StopContact, UpdateItem',
      minimal: 'minimal-cancel',
      prepare: async (count, use) => {
        const [calls, raws, minimals] = await thirds(count, (n) => fresh(n, 'PENDING', () => ({ callbackContactId: randomUUID(), pointerKnowsId: true })));
        return {
          handler: async (i) => {
            const reply = await use.handlers['update-callback'](cancelEvent(calls[i]));
            return reply.result === 'APPLIED' && reply.removedFromQueue === 'true';
          },
          raw: async (i) => {
            await use.raw.cancelAndRemove({ ...told(raws[i]), callbackContactId: raws[i].callbackContactId! });
            return true;
          },
          minimal: async (i) => (await use.minimal['minimal-cancel']!(cancelEvent(minimals[i]))).result === 'APPLIED',
        };
      },
    },
    {
      id: 'cancel-unknown',
      handler: 'update-callback',
      path: 'CANCEL, id not yet known',
      work: 'CANCEL before the callback id is known: the cancel alone (a processor stops it on learning the id)',
      baseline: 'TransactWriteItems (Update + Delete)',
      prepare: async (count, use) => {
        const [calls, raws] = await thirds(count, (n) => fresh(n, 'PENDING'));
        return {
          handler: async (i) => {
            const reply = await use.handlers['update-callback'](cancelEvent(calls[i]));
            return reply.result === 'APPLIED' && reply.status === 'CANCELLED';
          },
          raw: async (i) => {
            await use.raw.cancelPending(told(raws[i]));
            return true;
          },
        };
      },
    },
    {
      id: 'connect',
      handler: 'update-callback',
      path: 'CONNECT',
      work: 'CONNECT: the outbound whisper of a pending callback, PENDING -> COMPLETED(CONNECTED)',
      baseline: 'GetItem, TransactWriteItems (Update + Delete)',
      minimal: 'minimal-connect',
      prepare: async (count, use) => {
        const [calls, raws, minimals] = await thirds(count, (n) => fresh(n, 'PENDING'));
        return {
          handler: async (i) => (await use.handlers['update-callback'](whisperEvent(calls[i].recordId, randomUUID(), 'CONNECT'))).result === 'APPLIED',
          raw: async (i) => {
            await use.raw.connectPending(raws[i].recordId, raws[i].phoneE164, randomUUID());
            return true;
          },
          minimal: async (i) => (await use.minimal['minimal-connect']!(whisperEvent(minimals[i].recordId, randomUUID(), 'CONNECT'))).result === 'APPLIED',
        };
      },
    },
    {
      id: 'hang-up',
      handler: 'update-callback',
      path: 'AGENT_HANG_UP',
      work: 'AGENT_HANG_UP: the agent whisper of a cancelled callback, CANCELLED -> COMPLETED, then StopContact',
      baseline: 'UpdateItem, StopContact',
      prepare: async (count, use) => {
        const [calls, raws] = await thirds(count, (n) => fresh(n, 'CANCELLED'));
        return {
          handler: async (i) => (await use.handlers['update-callback'](whisperEvent(calls[i].recordId, randomUUID(), 'AGENT_HANG_UP'))).result === 'APPLIED',
          raw: async (i) => {
            await use.raw.hangUpCancelled(raws[i].recordId, randomUUID());
            return true;
          },
        };
      },
    },
    {
      id: 'release',
      handler: 'update-callback',
      path: 'RELEASE',
      work: 'RELEASE: the set-callback flow\'s undo path, PENDING -> COMPLETED(RELEASED) by the booking contact',
      baseline: 'GetItem, TransactWriteItems (Update + Delete)',
      prepare: async (count, use) => {
        const [calls, raws] = await thirds(count, (n) => fresh(n, 'PENDING'));
        return {
          handler: async (i) => (await use.handlers['update-callback'](connectEvent({
            contactId: calls[i].recordId, callerNumber: calls[i].phoneE164, parameters: { recordId: calls[i].recordId, transition: 'RELEASE' },
          }))).result === 'APPLIED',
          raw: async (i) => {
            await use.raw.releasePending(raws[i].recordId, raws[i].phoneE164);
            return true;
          },
        };
      },
    },
    {
      id: 'probe-phone',
      handler: '(probe)',
      path: 'phone',
      work: 'normalizePhone (lambda-src/shared/phone.ts, libphonenumber-js/min) of an entered number, as write-callback does per call',
      prepare: async () => ({ handler: async () => normalizePhone(nextPhone().slice(2), CONSTRUCT_ENV.DEFAULT_COUNTRY).valid }),
    },
    {
      id: 'probe-spoken-time',
      handler: '(probe)',
      path: 'spoken time',
      work: 'spokenRequestTime (lambda-src/shared/local-time.ts) of a booking three days old, as write-callback\'s EXISTS reply needs',
      prepare: async () => ({
        handler: async () => spokenRequestTime(new Date(Date.now() - 3 * 86_400_000), new Date(), CONSTRUCT_ENV.TIME_ZONE).length > 0,
      }),
    },
  ];

  const rows: WarmRow[] = [];
  const stopCalls = () => [...options.connect.calls.values()].reduce((sum, count) => sum + count, 0);
  try {
    // One call of each arm through the counting pass-through, with instances of their own: the requests compared.
    options.progress('warm latency: checking that each raw arm sends its handler\'s requests');
    const counted = instances(options.proxy.endpoint);
    const requests = new Map<string, WarmRow['requests']>();
    for (const warmCase of cases.filter((c) => c.baseline !== undefined)) {
      const arms = await warmCase.prepare(1, counted);
      const sent: Record<string, string> = {};
      for (const arm of ['handler', 'raw'] as const) {
        options.proxy.count.reset();
        options.connect.calls.clear();
        await arms[arm]!(0);
        const stops = stopCalls();
        sent[arm] = [describeRequests(options.proxy.count.snapshot()), ...(stops > 0 ? [`${stops} StopContact`] : [])].join(', ');
      }
      requests.set(warmCase.id, { handler: sent.handler, raw: sent.raw, same: sent.handler === sent.raw });
    }
    counted.raw.destroy();

    const use = instances(options.dynamodb);
    // DynamoDB Local's JIT and the clients' connections warm up before anything is measured: half the per-round
    // warm-up, once per case, before any round; each round then warms up again.
    options.progress('warm latency: warming up');
    for (const warmCase of cases) {
      const arms = await warmCase.prepare(options.warmup, use);
      for (let i = 0; i < options.warmup / 2; i++) {
        for (const arm of ARM_ORDER) await arms[arm]?.(i);
      }
    }

    for (const warmCase of cases) {
      const rounds = warmCase.baseline !== undefined ? options.rounds : 1;
      const perRound: Array<Partial<Record<Arm, Percentiles>>> = [];
      let unexpected = 0;
      for (let round = 0; round < rounds; round++) {
        options.progress(`warm latency: ${warmCase.handler} ${warmCase.path} round ${round + 1}/${rounds}`);
        const total = options.warmup + options.invocations;
        const arms = await warmCase.prepare(total, use);
        const present = ARM_ORDER.filter((arm) => arms[arm] !== undefined);
        const samples: Record<Arm, number[]> = { handler: [], raw: [], minimal: [] };
        for (let i = 0; i < total; i++) {
          const measured = i >= options.warmup;
          // Rotate which arm goes first, so that none always follows another's work.
          for (let k = 0; k < present.length; k++) {
            const arm = present[(i + k) % present.length];
            const start = process.hrtime.bigint();
            const ok = await arms[arm]!(i);
            const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
            if (!measured) continue;
            samples[arm].push(elapsed);
            if (!ok) unexpected += 1;
          }
        }
        perRound.push(Object.fromEntries(present.map((arm) => [arm, { p50: percentile(samples[arm], 50), p99: percentile(samples[arm], 99) }])));
      }
      const across = (arm: Arm, key: keyof Percentiles) => median(perRound.map((r) => r[arm]?.[key] ?? Number.NaN));
      const hasMinimal = perRound[0]?.minimal !== undefined;
      rows.push({
        id: warmCase.id,
        handler: warmCase.handler,
        path: warmCase.path,
        work: warmCase.work,
        baseline: warmCase.baseline,
        rounds,
        invocations: options.invocations,
        handlerP50: across('handler', 'p50'),
        handlerP99: across('handler', 'p99'),
        rawP50: across('raw', 'p50'),
        rawP99: across('raw', 'p99'),
        minimal: hasMinimal ? { p50: across('minimal', 'p50'), p99: across('minimal', 'p99') } : undefined,
        p50Ratios: perRound.map((r) => (r.handler?.p50 ?? Number.NaN) / (r.raw?.p50 ?? Number.NaN)),
        p99Ratios: perRound.map((r) => (r.handler?.p99 ?? Number.NaN) / (r.raw?.p99 ?? Number.NaN)),
        p99OverMinimal: hasMinimal ? perRound.map((r) => (r.handler?.p99 ?? Number.NaN) / (r.minimal?.p99 ?? Number.NaN)) : [],
        unexpected,
        requests: requests.get(warmCase.id),
      });
    }
    use.raw.destroy();
  } finally {
    restoreConsole();
    admin.destroy();
  }
  return { rows, report: warmReport(rows, options, (Date.now() - started) / 1000) };
}

function warmReport(rows: WarmRow[], options: WarmOptions, seconds: number): SectionReport {
  const io = rows.filter((row) => row.baseline !== undefined);
  const probes = rows.filter((row) => row.baseline === undefined);
  const probe = (id: string) => rows.find((row) => row.id === id);
  const goals: Goal[] = io.map((row) => {
    const p99 = median(row.p99Ratios);
    const clean = (row.requests?.same ?? false) && row.unexpected === 0;
    const parts = [`handler − raw: ${ms(row.handlerP50 - row.rawP50)} at p50, ${ms(row.handlerP99 - row.rawP99)} at p99`];
    if (row.minimal) {
      parts.push(`minimal handler (same bundled SDK, no handler logic) − raw: ${ms(row.minimal.p50 - row.rawP50)} at p50, ${ms(row.minimal.p99 - row.rawP99)} at p99`
        + ` (p99 handler ÷ minimal handler ${ratio(median(row.p99OverMinimal))})`);
    }
    if (row.handler === 'write-callback') {
      parts.push(`phone normalization alone ${ms(probe('probe-phone')?.handlerP50 ?? Number.NaN)} p50, the spoken time alone ${ms(probe('probe-spoken-time')?.handlerP50 ?? Number.NaN)} p50 (probes)`);
    }
    if (row.requests && !row.requests.same) parts.push(`NOT the same requests: handler ${row.requests.handler}, raw ${row.requests.raw}`);
    if (row.unexpected > 0) parts.push(`${row.unexpected} unexpected replies`);
    parts.push(`p99 ratio per round: ${row.p99Ratios.map((value) => value.toFixed(2)).join(', ')}`);
    return {
      name: `warm p99 ${row.handler} ${row.path}`,
      target: `p99 ratio ≤ ${LIMIT.toFixed(2)}`,
      measured: ratio(p99),
      met: clean && p99 <= LIMIT,
      limitedBy: parts.join('; '),
      gate: gateFigure(clean ? row.p99Ratios : [Number.POSITIVE_INFINITY], LIMIT),
    };
  });
  return {
    title: WARM_TITLE,
    method: [
      'Each flow-facing handler is loaded once from its bundle (assets/lambda/<name>/index.js) with the construct\'s environment and invoked',
      'in-process with an Amazon Connect flow event for one path (transition); DynamoDB Local runs in memory on a free port, reached directly',
      '(no proxy), and StopContact goes to the local Connect endpoint. Each handler call is interleaved with the same requests issued raw by plain',
      '@aws-sdk clients from node_modules (bench/lib/raw-calls.ts, built by bench/lib/requests.ts as the store builds them) with fresh records from',
      'the same arrangement, and where one exists with the minimal handler of section 2 that sends them (the shipped SDK build without the',
      'handler\'s logic). The order of the arms rotates call by call. Before any timing, one call of each arm went through the counting',
      'pass-through: the requests column shows what the handler sent, and a goal is met only where the raw arm sent the same.',
      `Per round: ${options.warmup} warm-up calls of each arm, then ${options.invocations} measured; p50/p99 are nearest-rank.`,
      'Ratios are handler ÷ raw within a round; the table shows the median over rounds and (in brackets) the range.',
      'Handler log lines are written synchronously to /dev/null: formatting and the write are paid, as in Lambda.',
    ].join(' '),
    tables: [
      {
        caption: 'Flow-facing handlers, against the same requests sent raw',
        table: {
          headers: ['handler', 'path', 'work', 'requests (handler; raw the same?)', 'rounds × n', 'handler p50', 'raw p50', 'p50 ratio', 'handler p99', 'raw p99', 'p99 ratio',
            'minimal handler p50 / p99', 'unexpected replies'],
          right: [4, 5, 6, 7, 8, 9, 10, 11, 12],
          rows: io.map((row) => [
            row.handler,
            row.path,
            row.work,
            row.requests ? `${row.requests.handler}${row.requests.same ? ' (same)' : ` (raw: ${row.requests.raw})`}` : '—',
            `${row.rounds} × ${row.invocations}`,
            ms(row.handlerP50), ms(row.rawP50), ratioSpread(row.p50Ratios),
            ms(row.handlerP99), ms(row.rawP99), ratioSpread(row.p99Ratios),
            row.minimal ? `${ms(row.minimal.p50)} / ${ms(row.minimal.p99)}` : '—',
            String(row.unexpected),
          ]),
        },
      },
      {
        caption: 'Probes of write-callback\'s work without I/O (absolute; no raw call of the same kind exists)',
        table: {
          headers: ['probe', 'work', 'rounds × n', 'p50', 'p99', 'unexpected replies'],
          right: [2, 3, 4, 5],
          rows: probes.map((row) => [row.path, row.work, `${row.rounds} × ${row.invocations}`, ms(row.handlerP50), ms(row.handlerP99), String(row.unexpected)]),
        },
      },
    ],
    notes: [
      'Each ratio is the handler\'s own overhead (event parsing, validation, phone normalization, the spoken time, one JSON log line) plus '
        + 'that of its bundled, bounded SDK client, over exactly the requests it sends; lazily loaded modules are loaded by the warm-up.',
      `DynamoDB Local answered the booking transaction in ${ms(rows.find((row) => row.id === 'write')?.rawP50 ?? Number.NaN)} at p50 here; where DynamoDB `
        + 'takes longer to answer, the same absolute overhead is a smaller ratio.',
    ],
    goals,
    seconds,
  };
}
