/**
 * 5. Side by side with the published sample's design, per caller path, in the same run: its Lambda invocations, its
 * requests and their capacity units (bench/lib/sample-design.ts, from its description), against this design's as
 * section 3 counted them; and both request mixes timed, interleaved, against the same DynamoDB Local and Connect
 * endpoint with plain clients. The timing covers the data work only: a Lambda invocation's own round trip (and a
 * possible cold start) cannot be measured here, so the invocation counts stand for it.
 */
import { randomUUID } from 'node:crypto';
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { capacityUnits, describeRequests, type StoryStep } from './flow-paths';
import { adminClient, type CountingProxy, putItems, RequestSnapshot } from '../lib/dynamodb-local';
import { callbackItems, nextPhone, type SeedRecord } from '../lib/events';
import { INSTANCE_ID, TABLE_NAME } from '../lib/handlers';
import { RawCalls } from '../lib/raw-calls';
import { gateFigure, type Goal, type SectionReport } from '../lib/report';
import { SAMPLE_PATHS, SampleRequests, type SamplePath, type SamplePathDesign, sampleUnits } from '../lib/sample-design';
import { median, ms, percentile, ratioSpread } from '../lib/stats';

/** The section's title, also its key in the regression gate's data: keep it stable. */
export const SAMPLE_TITLE = '5. Side by side with the published sample\'s design';

export interface SideBySideOptions {
  readonly dynamodb: string;
  readonly connect: string;
  readonly proxy: CountingProxy;
  /** Section 3's steps: this design's counts per path. */
  readonly steps: readonly StoryStep[];
  readonly rounds: number;
  readonly invocations: number;
  readonly progress: (message: string) => void;
}

/** This design's steps (section 3 labels) for each of the sample's paths. */
const OUR_STEPS: Record<SamplePath, readonly string[]> = {
  'new callback': ['new callback (calling number)'],
  'duplicate kept': ['duplicate (kept)'],
  'cancel': ['cancel'],
  'agent whisper': ['agent whisper (pending callback)'],
  'outbound whisper': ['outbound whisper (customer answers)'],
  'learning the callback id': ['contact events of the booking call and of the new callback contact', 'CTR of the booking call'],
};

export interface SideBySideRow {
  readonly path: SamplePath;
  readonly sample: SamplePathDesign;
  readonly sampleUnits: { reads: number; writes: number };
  readonly ours: { invocations: number; requests: string; count: number; reads: number; writes: number; stops: number };
  /** Whether the timed replay of our mix sent what section 3 counted. */
  readonly replayMatches: boolean;
  readonly sampleP50: number;
  readonly sampleP99: number;
  readonly oursP50: number;
  readonly oursP99: number;
  readonly p50Ratios: number[];
}

export interface SideBySideResult {
  readonly rows: SideBySideRow[];
  readonly report: SectionReport;
}

const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);

function merge(snapshots: readonly RequestSnapshot[]): RequestSnapshot {
  const add = (pick: (s: RequestSnapshot) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const snapshot of snapshots) for (const [name, count] of Object.entries(pick(snapshot))) out[name] = (out[name] ?? 0) + count;
    return out;
  };
  return { operations: add((s) => s.operations), transactionItems: add((s) => s.transactionItems) };
}

export async function runSideBySide(options: SideBySideOptions): Promise<SideBySideResult> {
  const started = Date.now();
  const admin = adminClient(options.dynamodb);
  const plain = (endpoint: string) => ({
    dynamodb: new DynamoDBClient({ endpoint }),
    connect: new ConnectClient({ endpoint: options.connect }),
  });
  const direct = plain(options.dynamodb);
  const sample = new SampleRequests(direct.dynamodb, direct.connect, TABLE_NAME, INSTANCE_ID);
  const raw = new RawCalls({ dynamodb: options.dynamodb, connect: options.connect });
  const countedRaw = new RawCalls({ dynamodb: options.proxy.endpoint, connect: options.connect });

  const seed = async (count: number, extra: () => Partial<SeedRecord>) => {
    const records = Array.from({ length: count }, () => ({ recordId: randomUUID(), phoneE164: nextPhone(), status: 'PENDING' as const, ...extra() }));
    await putItems(admin, TABLE_NAME, records.flatMap(callbackItems));
    return records;
  };
  /** This design's request mix for a path, replayed raw (bench/lib/raw-calls.ts), for `count` fresh records. */
  const ourMix = async (path: SamplePath, count: number, calls: RawCalls): Promise<(i: number) => Promise<void>> => {
    switch (path) {
      case 'new callback':
        return async () => calls.book(randomUUID(), nextPhone());
      case 'duplicate kept': {
        const records = await seed(count, () => ({}));
        return async (i) => calls.bookExisting(randomUUID(), records[i].phoneE164);
      }
      case 'cancel': {
        const records = await seed(count, () => ({ callbackContactId: randomUUID(), pointerKnowsId: true }));
        return async (i) => {
          await calls.bookExisting(randomUUID(), records[i].phoneE164);
          const { recordId, phoneE164, callbackContactId } = records[i];
          await calls.cancelAndRemove({ recordId, phoneE164, callbackContactId: callbackContactId! });
        };
      }
      case 'agent whisper': {
        const records = await seed(count, () => ({}));
        return async (i) => calls.hangUpPending(records[i].recordId, randomUUID());
      }
      case 'outbound whisper': {
        const records = await seed(count, () => ({}));
        return async (i) => calls.connectPending(records[i].recordId, records[i].phoneE164, randomUUID());
      }
      case 'learning the callback id': {
        const records = await seed(count, () => ({}));
        return async (i) => {
          const callbackContactId = randomUUID();
          await calls.learnCallbackId(records[i].recordId, records[i].phoneE164, callbackContactId);
          await calls.learnCallbackIdAgain(records[i].recordId, callbackContactId);
        };
      }
    }
  };

  const rows: SideBySideRow[] = [];
  try {
    for (const design of SAMPLE_PATHS) {
      const steps = OUR_STEPS[design.path].map((label) => options.steps.find((step) => step.label === label));
      if (steps.some((step) => step === undefined)) throw new Error(`section 3 has no step for ${design.path}`);
      const counted = merge(steps.map((step) => step!.dynamodb));
      const units = capacityUnits(counted);
      const stops = sum(steps.map((step) => step!.connectCalls));

      // The replay must send what section 3 counted for the path.
      options.proxy.count.reset();
      await (await ourMix(design.path, 1, countedRaw))(0);
      const replayMatches = describeRequests(options.proxy.count.snapshot()) === describeRequests(counted);

      const p50: Record<'sample' | 'ours', number[]> = { sample: [], ours: [] };
      const p99: Record<'sample' | 'ours', number[]> = { sample: [], ours: [] };
      for (let round = 0; round < options.rounds; round++) {
        options.progress(`side by side: ${design.path} round ${round + 1}/${options.rounds}`);
        const total = options.invocations + 50;
        const ours = await ourMix(design.path, total, raw);
        const phones = Array.from({ length: total }, () => nextPhone());
        const samples: Record<'sample' | 'ours', number[]> = { sample: [], ours: [] };
        for (let i = 0; i < total; i++) {
          for (const arm of (i % 2 === 0 ? ['sample', 'ours'] : ['ours', 'sample']) as Array<'sample' | 'ours'>) {
            const start = process.hrtime.bigint();
            if (arm === 'sample') await sample.run(design, phones[i], randomUUID());
            else await ours(i);
            if (i >= 50) samples[arm].push(Number(process.hrtime.bigint() - start) / 1e6);
          }
        }
        for (const arm of ['sample', 'ours'] as const) {
          p50[arm].push(percentile(samples[arm], 50));
          p99[arm].push(percentile(samples[arm], 99));
        }
      }
      const invocations = sum(steps.flatMap((step) => Object.values(step!.invocations)));
      rows.push({
        path: design.path,
        sample: design,
        sampleUnits: sampleUnits(design),
        ours: {
          invocations,
          requests: `${describeRequests(counted)}${stops > 0 ? `, ${stops} StopContact` : ''}`,
          count: sum(Object.values(counted.operations)) + stops,
          reads: units.reads,
          writes: units.writes,
          stops,
        },
        replayMatches,
        sampleP50: median(p50.sample),
        sampleP99: median(p99.sample),
        oursP50: median(p50.ours),
        oursP99: median(p99.ours),
        p50Ratios: p50.ours.map((value, i) => value / p50.sample[i]),
      });
    }
  } finally {
    admin.destroy();
    direct.dynamodb.destroy();
    direct.connect.destroy();
    raw.destroy();
    countedRaw.destroy();
  }

  const goals: Goal[] = [];
  const callerPaths = rows.filter((row) => row.path !== 'learning the callback id');
  const ourInvocations = sum(callerPaths.map((row) => row.ours.invocations));
  const sampleInvocations = sum(callerPaths.map((row) => row.sample.maxInvocations));
  goals.push({
    name: 'Lambda invocations from the flows, every caller and whisper path together',
    target: `fewer than the published sample's ${sampleInvocations}`,
    measured: String(ourInvocations),
    met: ourInvocations < sampleInvocations,
    limitedBy: callerPaths.map((row) => `${row.path} ${row.ours.invocations} vs ${row.sample.invocations}`).join('; '),
    comparison: true,
    gate: gateFigure([ourInvocations], sampleInvocations - 1),
  });

  return {
    rows,
    report: {
      title: SAMPLE_TITLE,
      method: [
        'The published sample\'s design per path is coded from its description (bench/lib/sample-design.ts: the counts in the project\'s notes on the',
        'sample, ../shared/README.md, and the flows\' function table in its blog post; none of its code): its Lambda invocations, and its requests,',
        'unconditional, on one item per phone number. Its reads are taken as eventually consistent (the notes say so of the new-callback read, and one',
        'read function serves every path): half a read unit each. This design\'s invocations, requests and units are section 3\'s counts for the',
        'same path, in this run. Both request mixes are then timed in turn against the same DynamoDB Local and Connect endpoint with plain',
        `clients: ${options.rounds} rounds of ${options.invocations} of each (after 50 unmeasured), alternating which goes first; this design's mix is`,
        'replayed by bench/lib/raw-calls.ts, checked once at the counting pass-through against section 3\'s count. The timing is the data work',
        'alone: each Lambda invocation adds an invoke round trip and, when no instance is warm, a cold start, which cannot be measured here; the',
        'invocation columns stand for them.',
      ].join(' '),
      tables: [{
        table: {
          headers: ['path', 'sample: invocations', 'sample: requests, in order', 'sample: RRU / WRU', 'this design: invocations', 'this design: requests',
            'this design: RRU / WRU', 'sample mix p50 / p99', 'this design\'s mix p50 / p99', 'p50 ratio (this ÷ sample)', 'replay = section 3'],
          right: [1, 3, 4, 6, 7, 8, 9],
          rows: rows.map((row) => [
            row.path, row.sample.invocations, row.sample.requests.join(', '), `${row.sampleUnits.reads} / ${row.sampleUnits.writes}`,
            String(row.ours.invocations), row.ours.requests, `${row.ours.reads} / ${row.ours.writes}`,
            `${ms(row.sampleP50)} / ${ms(row.sampleP99)}`, `${ms(row.oursP50)} / ${ms(row.oursP99)}`, ratioSpread(row.p50Ratios),
            row.replayMatches ? 'yes' : 'NO',
          ]),
        },
      }],
      notes: [
        'The sample\'s writes are unconditional and its booking is not atomic with its duplicate check: its fewer units buy none of the guarantees '
          + 'of this design (at most one pending callback per number, no partial items, no state moving backwards); see the README\'s notes on the sample.',
        'This design\'s transactions cost 2 write units per item; its learning of the callback id writes the record and the number\'s active pointer, '
          + 'so that the cancel can be decided in three requests, and the inbound CTR writes the record once more (idempotent).',
      ],
      goals,
      seconds: (Date.now() - started) / 1000,
    },
  };
}
