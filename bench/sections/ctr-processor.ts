/**
 * 4. The CTR processor: throughput on a 10,000-record stream with 1% callback CTRs, in batches of the event
 * source mapping's batch size; DynamoDB requests per 10,000 CTRs; and how many of the records the construct's
 * event-source filter (read from the synthesized template) lets through to the function at all.
 */
import { randomUUID } from 'node:crypto';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { capacityUnits, describeRequests } from './flow-paths';
import type { DeployedDesign } from '../lib/design';
import { adminClient, type CountingProxy, putItems, type RequestSnapshot } from '../lib/dynamodb-local';
import { kinesisRecordPasses } from '../lib/event-pattern';
import { bookedAttributes, callbackItems, ctr, kinesisRecords, nextPhone } from '../lib/events';
import { applyEnv, awsEnv, CONSTRUCT_ENV, loadHandler, silenceHandlerLogs, TABLE_NAME } from '../lib/handlers';
import { gateFigure, type Goal, type SectionReport } from '../lib/report';
import { fixed, median } from '../lib/stats';

/** The section's title, also its key in the regression gate's data: keep it stable. */
export const CTR_TITLE = '4. CTR processor';

export interface CtrOptions {
  readonly dynamodb: string;
  readonly connect: string;
  readonly proxy: CountingProxy;
  readonly design: DeployedDesign;
  readonly records: number;
  readonly callbackShare: number;
  readonly rounds: number;
  readonly progress: (message: string) => void;
}

export interface CtrResult {
  readonly batchSize: number;
  readonly recordsPerSecondAll: number;
  readonly recordsPerSecondFiltered: number;
  readonly passed: number;
  readonly passedCallback: number;
  readonly passedUnrelated: number;
  readonly dynamodb: RequestSnapshot;
  /** Billed-time estimate per invocation of a full batch of passed records, in ms (median over rounds). */
  readonly msPerFilteredBatch: number;
  readonly filteredBatches: number;
  readonly report: SectionReport;
}

type Processor = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

const UNRELATED_METHODS = ['INBOUND', 'INBOUND', 'INBOUND', 'INBOUND', 'INBOUND', 'INBOUND', 'INBOUND', 'INBOUND', 'OUTBOUND', 'TRANSFER'] as const;

interface Stream {
  readonly records: KinesisStreamEvent['Records'];
  readonly callbackIndexes: Set<number>;
}

/**
 * `total` CTRs, of which `share` are callback CTRs spread evenly through the stream: half the CTRs of calls that
 * booked a callback (record PENDING), half the CTRs of callback contacts that were answered (record COMPLETED,
 * CONNECTED, its contact id already known), each with its record booked beforehand. The rest are unrelated
 * inbound, outbound and transfer CTRs, some with contact attributes of their own.
 */
async function arrangeStream(admin: ReturnType<typeof adminClient>, total: number, share: number): Promise<Stream> {
  const callbacks = Math.round(total * share);
  const spacing = total / callbacks;
  // Evenly spread, each at a varying offset within its slot.
  const offset = (k: number) => (k * 37) % Math.max(1, Math.floor(spacing));
  const callbackIndexes = new Set(Array.from({ length: callbacks }, (_, k) => Math.floor(k * spacing + offset(k))));
  const items = [];
  const ctrs: object[] = [];
  let k = 0;
  for (let i = 0; i < total; i++) {
    if (callbackIndexes.has(i)) {
      const recordId = randomUUID();
      const callbackId = randomUUID();
      const phone = nextPhone();
      if (k % 2 === 0) {
        items.push(...callbackItems({ recordId, phoneE164: phone, status: 'PENDING' }));
        ctrs.push(ctr({ contactId: recordId, initiationMethod: 'INBOUND', attributes: bookedAttributes(recordId), nextContactId: callbackId, callerNumber: phone }));
      } else {
        items.push(...callbackItems({ recordId, phoneE164: phone, status: 'COMPLETED', resolution: 'CONNECTED', callbackContactId: callbackId }));
        ctrs.push(ctr({ contactId: callbackId, initiationMethod: 'CALLBACK', attributes: bookedAttributes(recordId), previousContactId: recordId, callerNumber: phone }));
      }
      k += 1;
    } else {
      const method = UNRELATED_METHODS[i % UNRELATED_METHODS.length];
      const attributes: Record<string, string> = i % 3 === 0 ? { language: 'en-US', intent: 'billing' } : {};
      ctrs.push(ctr({ contactId: randomUUID(), initiationMethod: method, attributes, callerNumber: nextPhone() }));
    }
  }
  await putItems(admin, TABLE_NAME, items);
  return { records: kinesisRecords(ctrs), callbackIndexes };
}

async function processInBatches(processor: Processor, records: KinesisStreamEvent['Records'], batchSize: number): Promise<{ ms: number; failures: number; batches: number }> {
  let failures = 0;
  let batches = 0;
  const start = process.hrtime.bigint();
  for (let offset = 0; offset < records.length; offset += batchSize) {
    const response = await processor({ Records: records.slice(offset, offset + batchSize) });
    failures += response.batchItemFailures.length;
    batches += 1;
  }
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, failures, batches };
}

export async function runCtrProcessor(options: CtrOptions): Promise<CtrResult> {
  const started = Date.now();
  const mapping = options.design.eventSourceMappings.find((m) => m.handler === 'ctr-processor');
  if (!mapping) throw new Error('the synthesized template has no event source mapping for the ctr-processor bundle');
  const batchSize = mapping.batchSize;
  const admin = adminClient(options.dynamodb);
  const restoreConsole = silenceHandlerLogs();
  const load = (endpoint: string) => {
    applyEnv({ ...CONSTRUCT_ENV, ...awsEnv({ dynamodb: endpoint, connect: options.connect }) });
    return loadHandler<Processor>('ctr-processor');
  };

  const allRps: number[] = [];
  const filteredRps: number[] = [];
  const filteredBatchMs: number[] = [];
  let failures = 0;
  let passed = 0;
  let passedCallback = 0;
  let filteredBatches = 0;
  let dynamodb: RequestSnapshot = { operations: {}, transactionItems: {} };
  let unrelatedRequests = 0;
  try {
    const processor = load(options.dynamodb);
    // Warm-up: one stream's worth of work, unmeasured.
    const warm = await arrangeStream(admin, Math.min(options.records, 2000), options.callbackShare);
    await processInBatches(processor, warm.records, batchSize);

    for (let round = 0; round < options.rounds; round++) {
      options.progress(`CTR processor: round ${round + 1}/${options.rounds}`);
      // Every record reaches the function (as without the filter)...
      const all = await arrangeStream(admin, options.records, options.callbackShare);
      const allRun = await processInBatches(processor, all.records, batchSize);
      failures += allRun.failures;
      allRps.push(options.records / (allRun.ms / 1000));
      // ...and with the construct's filter, only the records it lets through do (fresh records, same mix).
      const stream = await arrangeStream(admin, options.records, options.callbackShare);
      const through = stream.records.filter((record) => kinesisRecordPasses(mapping.filters, record));
      passed = through.length;
      passedCallback = stream.records.filter((record, i) => stream.callbackIndexes.has(i) && kinesisRecordPasses(mapping.filters, record)).length;
      const filteredRun = await processInBatches(processor, through, batchSize);
      failures += filteredRun.failures;
      filteredBatches = filteredRun.batches;
      filteredRps.push(options.records / (filteredRun.ms / 1000));
      filteredBatchMs.push(filteredRun.ms / Math.max(1, filteredRun.batches));
    }

    // DynamoDB requests per stream, counted at the pass-through (a fresh stream, every record sent, as above).
    options.progress('CTR processor: counting DynamoDB requests');
    const counted = load(options.proxy.endpoint);
    const countedStream = await arrangeStream(admin, options.records, options.callbackShare);
    // Unrelated CTRs first, then the callback ones, so that each group's requests can be told apart.
    const unrelated = countedStream.records.filter((_, i) => !countedStream.callbackIndexes.has(i));
    const related = countedStream.records.filter((_, i) => countedStream.callbackIndexes.has(i));
    options.proxy.count.reset();
    failures += (await processInBatches(counted, unrelated, batchSize)).failures;
    unrelatedRequests = Object.values(options.proxy.count.snapshot().operations).reduce((sum, n) => sum + n, 0);
    failures += (await processInBatches(counted, related, batchSize)).failures;
    dynamodb = options.proxy.count.snapshot();
  } finally {
    restoreConsole();
    admin.destroy();
  }

  const units = capacityUnits(dynamodb);
  // (time with every record − time with the filtered records) ÷ unrelated records.
  const allMs = options.records / median(allRps) * 1000;
  const filteredMs = options.records / median(filteredRps) * 1000;
  const perUnrelatedUs = ((allMs - filteredMs) / Math.max(1, options.records - passed)) * 1000;
  const writeRequests = ['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem'].reduce((sum, op) => sum + (dynamodb.operations[op] ?? 0), 0);
  const callbackCtrs = Math.round(options.records * options.callbackShare);
  const goals: Goal[] = [{
    name: 'CTR filter selectivity',
    target: 'only callback CTRs reach the function',
    measured: `${passed} of ${options.records} (${passedCallback} of the ${callbackCtrs} callback CTRs)`,
    met: passedCallback === callbackCtrs && passed === callbackCtrs,
    limitedBy: `filters: ${mapping.filters.map((f) => JSON.stringify(f)).join(' OR ')}`,
    comparison: true,
    // Every record that is not a callback CTR of this construct's, or a callback CTR left out, counts against it.
    gate: gateFigure([Math.abs(passed - passedCallback) + (callbackCtrs - passedCallback)], 0),
  }];
  return {
    batchSize,
    recordsPerSecondAll: median(allRps),
    recordsPerSecondFiltered: median(filteredRps),
    passed,
    passedCallback,
    passedUnrelated: passed - passedCallback,
    dynamodb,
    msPerFilteredBatch: median(filteredBatchMs),
    filteredBatches,
    report: {
      title: CTR_TITLE,
      method: [
        `A stream of ${options.records} CTRs (about 2 KB of JSON each, base64 in Kinesis records) with ${fixed(options.callbackShare * 100, 0)}% callback CTRs,`,
        'spread evenly: half are CTRs of calls that booked a callback (record PENDING: the callback contact id is learnt), half CTRs of',
        'answered callback contacts (record COMPLETED, id known). Their records are written beforehand; the rest are unrelated inbound,',
        'outbound and transfer CTRs. The ctr-processor bundle is invoked in-process, sequentially (one shard), with batches of the',
        `mapping's BatchSize (${batchSize}), against DynamoDB Local. Records/s = ${options.records} ÷ the time to process the batches; median of ${options.rounds} rounds,`,
        'fresh records each round, after an unmeasured warm-up. The filter: the FilterCriteria patterns of the synthesized',
        'AWS::Lambda::EventSourceMapping, evaluated per record as Lambda does (bench/lib/event-pattern.ts: the pattern is matched against',
        'the record\'s metadata plus `data`, its base64-decoded payload parsed as JSON; filters are ORed; exact values and `exists`',
        'are implemented, any other operator is an error). DynamoDB requests are counted at a pass-through in one extra run (unrelated CTRs first, then the callback ones).',
      ].join(' '),
      tables: [{
        table: {
          headers: ['measure', 'value'],
          right: [1],
          rows: [
            ['filter patterns (template)', mapping.filters.map((f) => JSON.stringify(f)).join(' OR ')],
            [`records the filter lets through, of ${options.records}`, `${passed} (${passedCallback} callback, ${passed - passedCallback} unrelated)`],
            ['invocations, every record sent', String(Math.ceil(options.records / batchSize))],
            ['invocations, filter applied (full batches; more when the 1 s batching window closes a batch early)', `≥ ${filteredBatches}`],
            ['throughput, every record sent to the function', `${median(allRps).toFixed(0)} records/s`],
            ['throughput of the stream with the filter applied', `${median(filteredRps).toFixed(0)} stream records/s`],
            [`DynamoDB requests per ${options.records} CTRs`, describeRequests(dynamodb)],
            [`DynamoDB write requests per ${options.records} CTRs`, String(writeRequests)],
            [`write request units per ${options.records} CTRs`, String(units.writes)],
            ['failed records (batchItemFailures)', String(failures)],
          ],
        },
      }],
      notes: [
        `Sent to the function, an unrelated CTR costs about ${perUnrelatedUs.toFixed(0)} µs (the difference between the two throughput runs, per unrelated `
          + `record); the ${options.records - callbackCtrs} unrelated CTRs issued ${unrelatedRequests} DynamoDB requests of the ${Object.values(dynamodb.operations)
            .reduce((sum, n) => sum + n, 0)} counted. With the filter they never reach the function: Lambda drops them before invoking.`,
      ],
      goals,
      seconds: (Date.now() - started) / 1000,
    },
  };
}
