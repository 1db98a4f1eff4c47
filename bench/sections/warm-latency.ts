/**
 * 1. Warm latency of each Connect-facing handler, loaded from its shipped bundle and invoked in-process with a
 * Connect event against DynamoDB Local, interleaved call by call with the raw SDK request(s) the handler's work
 * comes down to, so that both see the same noise. For the goal cases a third arm, the cold-start section's
 * minimal handler bundle (the same bundled SDK, none of the handler's logic), splits the difference into
 * "the handler's own work" and "the bundled SDK client against a plain one". p50 and p99 per round; ratios
 * are taken within a round and the median over rounds is reported.
 */
import { randomUUID } from 'node:crypto';
import { normalizePhone } from '../../lambda-src/shared/phone';
import type { BenchBuild, MinimalHandler } from '../lib/build';
import { adminClient, putItems } from '../lib/dynamodb-local';
import { callbackItems, connectEvent, nextPhone, type SeedRecord } from '../lib/events';
import { applyEnv, awsEnv, CONSTRUCT_ENV, type FlowHandler, type HandlerName, loadBundle, loadHandler, silenceHandlerLogs, TABLE_NAME } from '../lib/handlers';
import { RawCalls } from '../lib/raw-calls';
import type { Goal, SectionReport } from '../lib/report';
import { median, ms, percentile, ratio, ratioSpread } from '../lib/stats';

export interface WarmOptions {
  readonly dynamodb: string;
  readonly connect: string;
  readonly build: BenchBuild;
  readonly rounds: number;
  /** Measured invocations per round and case (after the warm-up). */
  readonly invocations: number;
  readonly warmup: number;
  /** Rounds for the cases that are reported for context only (no goal). */
  readonly contextRounds: number;
  readonly progress: (message: string) => void;
}

type Call = (i: number) => Promise<boolean>;
type Arm = 'handler' | 'raw' | 'minimal';

interface Case {
  readonly id: string;
  readonly handler: HandlerName;
  /** What the handler is asked to do. */
  readonly work: string;
  /** The raw request(s) it is compared with; undefined for handlers without I/O. */
  readonly baseline?: string;
  readonly goal: boolean;
  /** Arranges the table for `count` calls of each arm; returns the per-call functions. */
  prepare(count: number): Promise<Partial<Record<Arm, Call>> & { handler: Call }>;
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

export interface WarmRow {
  readonly id: string;
  readonly handler: HandlerName;
  readonly work: string;
  readonly baseline?: string;
  readonly goal: boolean;
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
  /** handler ÷ minimal bundle, per round. */
  readonly p99OverMinimal: number[];
  /** Replies that were not the expected result (an ERROR, or a state the arrangement did not intend). */
  readonly unexpected: number;
}

export interface WarmResult {
  readonly report: SectionReport;
  readonly rows: WarmRow[];
}

const ARM_ORDER: readonly Arm[] = ['handler', 'raw', 'minimal'];

export async function runWarmLatency(options: WarmOptions): Promise<WarmResult> {
  const started = Date.now();
  applyEnv({ ...CONSTRUCT_ENV, ...awsEnv({ dynamodb: options.dynamodb, connect: options.connect }) });
  const restoreConsole = silenceHandlerLogs();
  const admin = adminClient(options.dynamodb);
  const raw = new RawCalls();
  const handlers: Record<string, FlowHandler> = {};
  for (const name of ['write-callback', 'update-callback']) handlers[name] = loadHandler(name);
  const minimal = (name: MinimalHandler) => loadBundle<{ handler: FlowHandler }>(options.build.minimal[name].file).handler;
  const minimalWrite = minimal('minimal-transact-write');
  const minimalUpdate = minimal('minimal-update-item');

  const seed = async (records: SeedRecord[]) => putItems(admin, TABLE_NAME, records.flatMap(callbackItems));
  const fresh = (count: number, status: SeedRecord['status'], extra: Partial<SeedRecord> = {}) =>
    Array.from({ length: count }, () => ({ recordId: randomUUID(), phoneE164: nextPhone(), status, ...extra }));
  const bookings = (count: number) => Array.from({ length: count }, () => ({ contactId: randomUUID(), phone: nextPhone() }));
  const byAttribute = (recordId: string, transition?: string) => connectEvent({
    initiationMethod: transition ? 'CALLBACK' : 'INBOUND',
    attributes: { callbackRecordId: recordId },
    parameters: transition ? { recordId, transition } : {},
  });

  const cases: Case[] = [
    {
      id: 'write',
      handler: 'write-callback',
      work: 'book a new callback for the caller\'s number',
      baseline: 'TransactWriteItems, 2 conditional Puts (the same request)',
      goal: true,
      prepare: async (count) => {
        const [calls, raws, minimals] = [bookings(count), bookings(count), bookings(count)];
        return {
          handler: async (i) => (await handlers['write-callback'](connectEvent({ contactId: calls[i].contactId, callerNumber: calls[i].phone }))).result === 'CREATED',
          raw: async (i) => {
            await raw.book(raws[i].contactId, raws[i].phone);
            return true;
          },
          minimal: async (i) => (await minimalWrite(connectEvent({ contactId: minimals[i].contactId, callerNumber: minimals[i].phone }))).result === 'CREATED',
        };
      },
    },
    {
      id: 'update',
      handler: 'update-callback',
      work: 'AGENT_HANG_UP: CANCELLED -> COMPLETED (agent whisper of a cancelled callback)',
      baseline: 'UpdateItem, conditional, ALL_NEW (the same request)',
      goal: true,
      prepare: async (count) => {
        const records = fresh(3 * count, 'CANCELLED');
        await seed(records);
        return {
          handler: async (i) => (await handlers['update-callback'](byAttribute(records[i].recordId, 'AGENT_HANG_UP'))).result === 'APPLIED',
          raw: async (i) => {
            await raw.completeCancelled(records[count + i].recordId, 'HUNG_UP_BY_AGENT');
            return true;
          },
          minimal: async (i) => (await minimalUpdate(byAttribute(records[2 * count + i].recordId))).result === 'APPLIED',
        };
      },
    },
    {
      id: 'write-put',
      handler: 'write-callback',
      work: 'book a new callback for the caller\'s number',
      baseline: 'one conditional PutItem (cheaper than what the handler must do)',
      goal: false,
      prepare: async (count) => {
        const [calls, raws] = [bookings(count), bookings(count)];
        return {
          handler: async (i) => (await handlers['write-callback'](connectEvent({ contactId: calls[i].contactId, callerNumber: calls[i].phone }))).result === 'CREATED',
          raw: async (i) => {
            await raw.putRecordOnly(raws[i].contactId, raws[i].phone);
            return true;
          },
        };
      },
    },
    {
      id: 'update-connect',
      handler: 'update-callback',
      work: 'CONNECT: PENDING -> COMPLETED(CONNECTED) (outbound whisper)',
      baseline: 'GetItem + TransactWriteItems (Update + Delete), the same 2 requests',
      goal: false,
      prepare: async (count) => {
        const records = fresh(2 * count, 'PENDING');
        await seed(records);
        return {
          handler: async (i) => (await handlers['update-callback'](byAttribute(records[i].recordId, 'CONNECT'))).result === 'APPLIED',
          raw: async (i) => {
            const record = records[count + i];
            await raw.getRecord(record.recordId);
            await raw.closePending(record.recordId, record.phoneE164, 'COMPLETED');
            return true;
          },
        };
      },
    },
    {
      id: 'update-cancel',
      handler: 'update-callback',
      work: 'CANCEL by the caller, callback contact id known: cancel, StopContact, complete',
      baseline: 'GetItem + TransactWriteItems + GetItem + StopContact + UpdateItem, the same 5 requests',
      goal: false,
      prepare: async (count) => {
        const records = Array.from({ length: 2 * count }, () => ({ ...fresh(1, 'PENDING')[0], callbackContactId: randomUUID() }));
        await seed(records);
        return {
          handler: async (i) => {
            const record = records[i];
            const reply = await handlers['update-callback'](connectEvent({
              callerNumber: record.phoneE164,
              parameters: { recordId: record.recordId, transition: 'CANCEL' },
            }));
            return reply.result === 'APPLIED' && reply.removedFromQueue === 'true';
          },
          raw: async (i) => {
            const record = records[count + i];
            await raw.getRecord(record.recordId);
            await raw.closePending(record.recordId, record.phoneE164, 'CANCELLED');
            await raw.getRecord(record.recordId);
            await raw.stopContact(record.callbackContactId);
            await raw.completeCancelled(record.recordId, 'REMOVED_BY_API');
            return true;
          },
        };
      },
    },
    {
      id: 'probe-phone',
      handler: '(probe)',
      work: 'normalizePhone (lambda-src/shared/phone.ts, libphonenumber-js/min) of an entered number, as write-callback does per call',
      goal: false,
      prepare: async () => ({
        handler: async () => normalizePhone(nextPhone().slice(2), CONSTRUCT_ENV.DEFAULT_COUNTRY).valid,
      }),
    },
    {
      id: 'probe-intl',
      handler: '(probe)',
      work: 'two `new Intl.DateTimeFormat(TIME_ZONE).formatToParts()` per call, as a spoken booking time built per call needs',
      goal: false,
      prepare: async () => ({
        handler: async () => {
          const now = new Date();
          const parts = (date: Date) => new Intl.DateTimeFormat('en-US', {
            timeZone: CONSTRUCT_ENV.TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'long',
          }).formatToParts(date);
          return parts(now).length > 0 && parts(new Date(now.getTime() - 1000)).length > 0;
        },
      }),
    },
  ];

  const rows: WarmRow[] = [];
  try {
    // DynamoDB Local's JIT and the clients' connections warm up before anything is measured.
    options.progress('warm latency: warming up');
    // Half the per-round warm-up, once per case, before any round: JIT and connections; each round then warms up again.
    for (const warmCase of cases) {
      const arms = await warmCase.prepare(options.warmup);
      for (let i = 0; i < options.warmup / 2; i++) {
        for (const arm of ARM_ORDER) await arms[arm]?.(i);
      }
    }

    for (const warmCase of cases) {
      const rounds = warmCase.goal ? options.rounds : options.contextRounds;
      const perRound: Array<Partial<Record<Arm, Percentiles>>> = [];
      let unexpected = 0;
      for (let round = 0; round < rounds; round++) {
        options.progress(`warm latency: ${warmCase.handler} (${warmCase.id}) round ${round + 1}/${rounds}`);
        const total = options.warmup + options.invocations;
        const arms = await warmCase.prepare(total);
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
        work: warmCase.work,
        baseline: warmCase.baseline,
        goal: warmCase.goal,
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
      });
    }
  } finally {
    restoreConsole();
    raw.destroy();
    admin.destroy();
  }
  return { rows, report: warmReport(rows, options, (Date.now() - started) / 1000) };
}

function warmReport(rows: WarmRow[], options: WarmOptions, seconds: number): SectionReport {
  const io = rows.filter((row) => row.baseline !== undefined);
  const noIo = rows.filter((row) => row.baseline === undefined);
  const phone = rows.find((row) => row.id === 'probe-phone');
  const intl = rows.find((row) => row.id === 'probe-intl');
  const goals: Goal[] = io.filter((row) => row.goal).map((row) => {
    const p99 = median(row.p99Ratios);
    const parts = [`handler − raw: ${ms(row.handlerP50 - row.rawP50)} at p50, ${ms(row.handlerP99 - row.rawP99)} at p99`];
    if (row.minimal) {
      parts.push(`minimal bundle (same bundled SDK, no handler logic) − raw: ${ms(row.minimal.p50 - row.rawP50)} at p50, ${ms(row.minimal.p99 - row.rawP99)} at p99`
        + ` (p99 handler ÷ minimal bundle ${ratio(median(row.p99OverMinimal))})`);
    }
    if (row.handler === 'write-callback' && phone) parts.push(`phone normalization alone (probe): ${ms(phone.handlerP50)} p50`);
    if (row.handler === 'write-callback' && intl) parts.push(`two Intl.DateTimeFormat constructions for the time zone (probe): ${ms(intl.handlerP50)} p50`);
    parts.push(`p99 ratio per round: ${row.p99Ratios.map((value) => value.toFixed(2)).join(', ')}`);
    return {
      name: `warm p99 ${row.handler}${row.id === 'update' ? ' (AGENT_HANG_UP)' : ''}`,
      target: 'p99 ratio ≤ 1.2',
      measured: ratio(p99),
      met: p99 <= 1.2,
      limitedBy: parts.join('; '),
    };
  });
  return {
    title: '1. Handler warm latency',
    method: [
      'Each handler is loaded once from its bundle (assets/lambda/<name>/index.js) with the construct\'s environment and invoked in-process',
      'with an Amazon Connect flow event; DynamoDB Local runs in memory on a free port, reached directly (no proxy). Each handler call is',
      'interleaved with the raw request(s) of the same kind, issued by a plain @aws-sdk/client-dynamodb client from node_modules with fresh',
      'keys from the same arrangement, and, for the goal cases, with the minimal handler bundle of section 2 (a DynamoDB client built at load',
      'and the same request: the shipped SDK build without the handler\'s logic). The order of the arms rotates call by call.',
      `Per round: ${options.warmup} warm-up calls of each arm, then ${options.invocations} measured; p50/p99 are nearest-rank.`,
      'Ratios are handler ÷ raw within a round; the table shows the median over rounds and (in brackets) the range.',
      'Handler log lines are written synchronously to /dev/null: formatting and the write are paid, as in Lambda.',
    ].join(' '),
    tables: [
      {
        caption: 'Handlers with DynamoDB I/O, against the raw request(s) of the same kind',
        table: {
          headers: ['handler', 'work', 'raw baseline', 'rounds × n', 'handler p50', 'raw p50', 'p50 ratio', 'handler p99', 'raw p99', 'p99 ratio',
            'minimal bundle p50 / p99', 'unexpected replies'],
          right: [3, 4, 5, 6, 7, 8, 9, 10, 11],
          rows: io.map((row) => [
            row.handler + (row.goal ? '' : ' (context)'),
            row.work,
            row.baseline ?? '',
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
          rows: noIo.map((row) => [row.id, row.work, `${row.rounds} × ${row.invocations}`, ms(row.handlerP50), ms(row.handlerP99), String(row.unexpected)]),
        },
      },
    ],
    notes: [
      'The goal rows compare a handler with exactly the request(s) it sends, so the ratio is the handler\'s own overhead (event parsing, validation, '
        + 'phone normalization, the spoken time, one JSON log line) plus that of its bundled, bounded SDK client. Rows marked (context) compare with a '
        + 'cheaper or a multi-request baseline and carry no goal.',
      `DynamoDB Local answered a raw conditional UpdateItem in ${ms(rows.find((row) => row.id === 'update')?.rawP50 ?? Number.NaN)} at p50 here; where DynamoDB `
        + 'takes longer to answer, the same absolute overhead is a smaller ratio.',
    ],
    goals,
    seconds,
  };
}
