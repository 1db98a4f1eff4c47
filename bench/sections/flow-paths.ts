/**
 * 3. Lambda invocations per caller path, counted by walking the shipped flows (flows/*.json) with scripted
 * key presses. Every Lambda block calls the real handler bundle against DynamoDB Local through a counting
 * pass-through, so each path's DynamoDB requests (and Connect API calls) are counted too. The contact events
 * and CTRs that the same calls produce go through the synthesized template's EventBridge rules and event
 * source filters to the functions they target, so the whole life of a callback is counted.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { ConnectStub } from '../lib/connect-stub';
import type { DeployedDesign } from '../lib/design';
import { adminClient, type CountingProxy, emptyCount, type RequestSnapshot } from '../lib/dynamodb-local';
import { kinesisRecordPasses, matchesPattern } from '../lib/event-pattern';
import { connectEvent, contactEventsOf, ctr, kinesisRecords, nextPhone, usNational } from '../lib/events';
import { type Contact, type FlowName, loadFlow, walkFlow } from '../lib/flow-walker';
import { applyEnv, awsEnv, CONSTRUCT_ENV, loadHandler, silenceHandlerLogs, TABLE_NAME } from '../lib/handlers';
import { gateFigure, type Goal, type SectionReport } from '../lib/report';

/** The section's title, also its key in the regression gate's data: keep it stable. */
export const FLOWS_TITLE = '3. Lambda invocations and requests per caller path';

/** Which part of a callback's life a step belongs to; the cost model adds them up per stage. */
export type Stage = 'booking' | 'cancel' | 'completion' | 'other';

export interface StoryStep {
  readonly stage: Stage;
  readonly kind: 'flow' | 'contact events' | 'CTR';
  readonly label: string;
  /** Key presses, or the events/records fed. */
  readonly input: string;
  readonly invocations: Record<string, number>;
  readonly dynamodb: RequestSnapshot;
  readonly connectCalls: number;
  readonly outcome: string;
  /** The published sample's invocation count for this path, where it publishes one. */
  readonly sample?: number;
  /** Each Lambda invocation of a flow step, with the AWS requests it sent (all sequential: no handler sends two at once). */
  readonly calls?: ReadonlyArray<{ readonly key: string; readonly dynamodb: RequestSnapshot; readonly connectCalls: number }>;
  /** Contact events that matched an EventBridge rule of the template. */
  readonly eventsMatched?: number;
}

export interface FlowPathsResult {
  readonly steps: StoryStep[];
  /** Size of the largest callback item written, by DynamoDB's rules (for the capacity units assumption). */
  readonly largestItemBytes: number;
  readonly report: SectionReport;
}

/** The goal for the caller's cancel decision (update-callback CANCEL), in sequential AWS requests. */
export const CANCEL_REQUEST_LIMIT = 3;

/** The published sample's counts, from its description: 4 invocations to set a callback, 5 to cancel. */
export const SAMPLE_INVOCATIONS = { newCallback: 4, cancel: 5 } as const;

/** Request units, assuming items under 1 KB (writes) and 4 KB (reads), which largestItemBytes checks. */
export function capacityUnits(snapshot: RequestSnapshot): { reads: number; writes: number } {
  const op = (name: string) => snapshot.operations[name] ?? 0;
  const transactionItems = Object.values(snapshot.transactionItems).reduce((sum, count) => sum + count, 0);
  return {
    // A strongly consistent GetItem of an item up to 4 KB: 1 read unit.
    reads: op('GetItem'),
    // Put/Update/Delete of up to 1 KB: 1 write unit, also when the condition fails; a transaction: 2 per item.
    writes: op('PutItem') + op('UpdateItem') + op('DeleteItem') + 2 * transactionItems,
  };
}

export function describeRequests(snapshot: RequestSnapshot): string {
  const parts = Object.entries(snapshot.operations).sort().map(([name, count]) => {
    if (name !== 'TransactWriteItems') return `${count} ${name}`;
    const items = Object.entries(snapshot.transactionItems).sort().map(([kind, n]) => `${n} ${kind}`).join(' + ');
    return `${count} ${name} (${items})`;
  });
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** The requests counted between two snapshots of the same count. */
function subtract(after: RequestSnapshot, before: RequestSnapshot): RequestSnapshot {
  const minus = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.entries(a)
    .map(([name, count]) => [name, count - (b[name] ?? 0)] as const).filter(([, count]) => count > 0));
  return { operations: minus(after.operations, before.operations), transactionItems: minus(after.transactionItems, before.transactionItems) };
}

/** AWS requests of one invocation: DynamoDB requests plus Connect API calls. */
export function requestTotal(call: { readonly dynamodb: RequestSnapshot; readonly connectCalls: number }): number {
  return Object.values(call.dynamodb.operations).reduce((sum, count) => sum + count, 0) + call.connectCalls;
}

export function sumInvocations(invocations: Record<string, number>): number {
  return Object.values(invocations).reduce((sum, count) => sum + count, 0);
}

function describeInvocations(invocations: Record<string, number>): string {
  const parts = Object.entries(invocations).map(([name, count]) => (count === 1 ? name : `${count}× ${name}`));
  return parts.length > 0 ? parts.join(', ') : '—';
}

/** DynamoDB's item size: attribute names plus values (UTF-8 strings; numbers about 1 byte per 2 digits, plus 1). */
function itemBytes(item: Record<string, { S?: string; N?: string }>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name)
    + (value.S !== undefined ? Buffer.byteLength(value.S) : Math.ceil((value.N ?? '').replace(/^-/, '').length / 2) + 1), 0);
}

type AnyHandler = (event: unknown) => Promise<any>;

export interface FlowPathsOptions {
  readonly proxy: CountingProxy;
  readonly connect: ConnectStub;
  readonly dynamodb: string;
  readonly design: DeployedDesign;
}

export async function runFlowPaths(options: FlowPathsOptions): Promise<FlowPathsResult> {
  const started = Date.now();
  const { proxy, connect, design } = options;
  applyEnv({ ...CONSTRUCT_ENV, ...awsEnv({ dynamodb: proxy.endpoint, connect: connect.endpoint }) });
  const restoreConsole = silenceHandlerLogs();
  const loaded = new Map<string, AnyHandler>();
  const handler = (name: string): AnyHandler => {
    if (!loaded.has(name)) loaded.set(name, loadHandler<AnyHandler>(name));
    return loaded.get(name)!;
  };
  const flows: Record<FlowName, ReturnType<typeof loadFlow>> = {
    'set-callback': loadFlow('set-callback'),
    'agent-whisper': loadFlow('agent-whisper'),
    'outbound-whisper': loadFlow('outbound-whisper'),
  };

  const steps: StoryStep[] = [];
  const begin = () => {
    proxy.count.reset();
    connect.calls.clear();
  };
  const connectCalls = () => [...connect.calls.values()].reduce((sum, count) => sum + count, 0);

  const flow = async (stage: Stage, label: string, flowName: FlowName, contact: Contact, keys: string[], sample?: number) => {
    begin();
    const invocations: Record<string, number> = {};
    const calls: Array<{ key: string; dynamodb: RequestSnapshot; connectCalls: number }> = [];
    const walk = await walkFlow(flows[flowName], contact, {
      keys,
      newContactId: randomUUID,
      invoke: async (lambda) => {
        const key = lambda.parameters.transition ? `${lambda.functionName} ${lambda.parameters.transition}` : lambda.functionName;
        invocations[key] = (invocations[key] ?? 0) + 1;
        const before = { dynamodb: proxy.count.snapshot(), connect: connectCalls() };
        const reply = await handler(lambda.functionName)(connectEvent({
          contactId: lambda.contact.contactId,
          callerNumber: lambda.contact.callerNumber,
          attributes: { ...lambda.contact.attributes },
          parameters: lambda.parameters,
          initiationMethod: lambda.contact.initiationMethod,
          previousContactId: lambda.contact.previousContactId,
        }));
        calls.push({ key, dynamodb: subtract(proxy.count.snapshot(), before.dynamodb), connectCalls: connectCalls() - before.connect });
        return reply;
      },
    });
    steps.push({
      stage,
      kind: 'flow',
      label,
      sample,
      calls,
      input: `${flowName}: ${keys.length > 0 ? `keys ${keys.join(', ')}` : 'no input'}`,
      invocations,
      dynamodb: proxy.count.snapshot(),
      connectCalls: connectCalls(),
      outcome: walk.path.filter((id) => /^(say|tell|greet)-/.test(id)).join(' → ') || walk.last,
    });
    return walk;
  };

  /** Each event goes to the functions of every rule whose pattern matches it (EventBridge invokes them asynchronously). */
  const events = async (stage: Stage, label: string, list: object[]) => {
    begin();
    const invocations: Record<string, number> = {};
    const outcomes: string[] = [];
    let matched = 0;
    for (const event of list) {
      for (const rule of design.rules.filter((r) => matchesPattern(r.pattern, event))) {
        matched += 1;
        for (const name of rule.handlers) {
          invocations[name] = (invocations[name] ?? 0) + 1;
          try {
            const result = await handler(name)(event) as { outcome?: string } | undefined;
            outcomes.push(result?.outcome ?? 'ok');
          } catch (error) {
            outcomes.push(`threw ${(error as Error).name} (retried by Lambda)`);
          }
        }
      }
    }
    steps.push({
      stage,
      kind: 'contact events',
      label,
      input: `${list.length} event(s), ${matched} matched by the template's rules`,
      eventsMatched: matched,
      invocations,
      dynamodb: proxy.count.snapshot(),
      connectCalls: connectCalls(),
      outcome: outcomes.join(', ') || 'no function invoked',
    });
  };

  /** A CTR goes to each event source mapping whose filters let it through (one record per invocation here). */
  const ctrStep = async (stage: Stage, label: string, record: object) => {
    begin();
    const invocations: Record<string, number> = {};
    const outcomes: string[] = [];
    const [kinesis] = kinesisRecords([record]);
    for (const mapping of design.eventSourceMappings) {
      if (!kinesisRecordPasses(mapping.filters, kinesis)) {
        outcomes.push(`filtered out before ${mapping.handler}`);
        continue;
      }
      invocations[mapping.handler] = (invocations[mapping.handler] ?? 0) + 1;
      const response = await handler(mapping.handler)({ Records: [kinesis] }) as { batchItemFailures?: unknown[] };
      outcomes.push((response?.batchItemFailures?.length ?? 0) > 0 ? 'failed (retried by Lambda)' : 'processed');
    }
    steps.push({
      stage,
      kind: 'CTR',
      label,
      input: '1 record',
      invocations,
      dynamodb: proxy.count.snapshot(),
      connectCalls: connectCalls(),
      outcome: outcomes.join(', '),
    });
  };

  const inbound = (callerNumber: string): Contact => ({ contactId: randomUUID(), callerNumber, initiationMethod: 'INBOUND', attributes: {} });
  const callbackOf = (booking: Contact, callbackId: string, number: string): Contact => ({
    // The callback contact inherits the attributes the flow set on the booking contact (the record id and the booked marker).
    contactId: callbackId, callerNumber: number, initiationMethod: 'CALLBACK', attributes: { ...booking.attributes }, previousContactId: booking.contactId,
  });
  const oneCallback = (walk: { callbacksCreated: string[] }, what: string) => {
    if (walk.callbacksCreated.length !== 1) throw new Error(`${what}: expected the flow to create one callback, it created ${walk.callbacksCreated.length}`);
    return walk.callbacksCreated[0];
  };
  const bookingCtr = (booking: Contact, callbackId: string | undefined) => ctr({
    contactId: booking.contactId,
    initiationMethod: 'INBOUND',
    callerNumber: booking.callerNumber,
    attributes: { ...booking.attributes },
    nextContactId: callbackId,
  });
  const callbackCtr = (callback: Contact) => ctr({
    contactId: callback.contactId,
    initiationMethod: 'CALLBACK',
    callerNumber: callback.callerNumber,
    attributes: { ...callback.attributes },
    previousContactId: callback.previousContactId,
  });
  const inboundEvents = (contact: Contact) => contactEventsOf(contact.contactId, 'INBOUND', { queued: false, answered: false });

  let largestItemBytes = 0;
  try {
    // A: books on the number they call from. The callback contact is initiated at once (its contact event),
    // the booking call's CTR follows when the call ends.
    const callerA = nextPhone();
    const bookingA = inbound(callerA);
    const callbackIdA = oneCallback(await flow('booking', 'new callback (calling number)', 'set-callback', bookingA, ['1'], SAMPLE_INVOCATIONS.newCallback), 'A');
    const callbackA = callbackOf(bookingA, callbackIdA, callerA);
    const [initiatedA, ...laterEventsA] = contactEventsOf(callbackIdA, 'CALLBACK', { previousContactId: bookingA.contactId, queued: false, answered: false });
    await events('booking', 'contact events of the booking call and of the new callback contact', [...inboundEvents(bookingA), initiatedA]);
    await ctrStep('booking', 'CTR of the booking call', bookingCtr(bookingA, callbackIdA));

    // A calls again: the pending callback is found and kept; then A calls once more and cancels it.
    const duplicate = inbound(callerA);
    await flow('other', 'duplicate (kept)', 'set-callback', duplicate, ['1', '2']);
    await events('other', 'contact events of the duplicate call', inboundEvents(duplicate));
    await ctrStep('other', 'CTR of the duplicate call', bookingCtr(duplicate, undefined));
    const cancelCall = inbound(callerA);
    await flow('cancel', 'cancel', 'set-callback', cancelCall, ['1', '1'], SAMPLE_INVOCATIONS.cancel);
    await events('cancel', 'contact events of the cancelling call, and the removed callback\'s end', [...inboundEvents(cancelCall), ...laterEventsA]);
    await ctrStep('cancel', 'CTR of the cancelling call', bookingCtr(cancelCall, undefined));
    await ctrStep('cancel', 'CTR of the removed callback contact', callbackCtr(callbackA));

    // B: books for a number entered on the keypad; the callback reaches an agent and the customer answers.
    const callerB = nextPhone();
    const enteredB = nextPhone();
    const bookingB = inbound(callerB);
    const callbackIdB = oneCallback(await flow('other', 'new callback (entered number)', 'set-callback', bookingB, ['2', usNational(enteredB).replace(/\D/g, ''), '1']), 'B');
    const callbackB = callbackOf(bookingB, callbackIdB, enteredB);
    const [initiatedB, queuedB, connectedB, disconnectedB] = contactEventsOf(callbackIdB, 'CALLBACK', { previousContactId: bookingB.contactId, queued: true, answered: true });
    await events('other', 'contact events of the booking call and of the new callback contact', [...inboundEvents(bookingB), initiatedB]);
    await ctrStep('other', 'CTR of the booking call', bookingCtr(bookingB, callbackIdB));
    await flow('completion', 'agent whisper (pending callback)', 'agent-whisper', callbackB, []);
    await flow('completion', 'outbound whisper (customer answers)', 'outbound-whisper', callbackB, []);
    await events('completion', 'contact events of the answered callback contact', [queuedB, connectedB, disconnectedB]);
    await ctrStep('completion', 'CTR of the answered callback contact', callbackCtr(callbackB));

    // C: cancels before the callback's contact id is known (its contact event late), and the callback still
    // reaches an agent, who is told to hang up; then the late event arrives.
    const callerC = nextPhone();
    const bookingC = inbound(callerC);
    const callbackIdC = oneCallback(await flow('other', 'new callback (calling number), event delayed', 'set-callback', bookingC, ['1']), 'C');
    const callbackC = callbackOf(bookingC, callbackIdC, callerC);
    await flow('other', 'cancel before the callback id is known', 'set-callback', inbound(callerC), ['1', '1']);
    await flow('other', 'agent whisper (cancelled callback)', 'agent-whisper', callbackC, []);
    await events('other', 'late contact event of the cancelled callback contact',
      contactEventsOf(callbackIdC, 'CALLBACK', { previousContactId: bookingC.contactId, queued: false, answered: false }).slice(0, 1));

    const admin = adminClient(options.dynamodb);
    try {
      for (const recordId of [bookingA.contactId, bookingB.contactId, bookingC.contactId]) {
        const { Item } = await admin.send(new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: `CALLBACK#${recordId}` } }, ConsistentRead: true }));
        if (Item) largestItemBytes = Math.max(largestItemBytes, itemBytes(Item as Record<string, { S?: string; N?: string }>));
      }
    } finally {
      admin.destroy();
    }
  } finally {
    restoreConsole();
  }

  const flowSteps = steps.filter((step) => step.kind === 'flow');
  const byLabel = (label: string) => flowSteps.find((step) => step.label === label);
  const goals: Goal[] = [];
  // The cancel decision: the update-callback CANCEL invocation of the cancelling call, whose callback id is known by then.
  for (const [label, goal] of [['cancel', true], ['cancel before the callback id is known', false]] as const) {
    const cancel = byLabel(label)?.calls?.find((call) => call.key === 'update-callback CANCEL');
    if (!cancel) continue;
    const count = requestTotal(cancel);
    const mix = `${describeRequests(cancel.dynamodb)}${cancel.connectCalls > 0 ? `, ${cancel.connectCalls} StopContact` : ''}`;
    if (goal) {
      goals.push({
        name: 'cancel decision, callback id known: sequential AWS requests',
        target: `≤ ${CANCEL_REQUEST_LIMIT}`,
        measured: String(count),
        met: count <= CANCEL_REQUEST_LIMIT,
        limitedBy: `update-callback CANCEL sent ${mix}, one after another (before this round: GetItem, TransactWriteItems, GetItem, StopContact, UpdateItem)`,
        gate: gateFigure([count], CANCEL_REQUEST_LIMIT),
      });
    } else {
      goals.push({
        name: 'cancel decision, callback id not yet known: sequential AWS requests',
        target: `≤ ${CANCEL_REQUEST_LIMIT}`,
        measured: String(count),
        met: count <= CANCEL_REQUEST_LIMIT,
        limitedBy: `update-callback CANCEL sent ${mix}; the processor that learns the id stops the callback`,
        comparison: true,
        gate: gateFigure([count], CANCEL_REQUEST_LIMIT),
      });
    }
  }
  for (const [label, sample] of [['new callback (calling number)', SAMPLE_INVOCATIONS.newCallback], ['cancel', SAMPLE_INVOCATIONS.cancel]] as const) {
    const step = byLabel(label);
    if (!step) continue;
    const count = sumInvocations(step.invocations);
    goals.push({
      name: `Lambda invocations from the flow, ${label}`,
      target: `fewer than the published sample's ${sample}`,
      measured: String(count),
      met: count < sample,
      limitedBy: `${describeInvocations(step.invocations)}; ${step.connectCalls} StopContact inside the call`,
      comparison: true,
      gate: gateFigure([count], sample - 1),
    });
  }

  const totals = (['booking', 'cancel', 'completion'] as const).map((stage) => {
    const inStage = steps.filter((step) => step.stage === stage);
    const invocations: Record<string, number> = {};
    const count = emptyCount();
    for (const step of inStage) {
      for (const [name, n] of Object.entries(step.invocations)) invocations[name] = (invocations[name] ?? 0) + n;
      for (const [name, n] of Object.entries(step.dynamodb.operations)) count.operations.set(name, (count.operations.get(name) ?? 0) + n);
      for (const [name, n] of Object.entries(step.dynamodb.transactionItems)) {
        count.transactionItems.set(name, (count.transactionItems.get(name) ?? 0) + n);
      }
    }
    const snapshot = count.snapshot();
    const units = capacityUnits(snapshot);
    return [stage, describeInvocations(invocations), String(sumInvocations(invocations)), describeRequests(snapshot),
      String(units.reads), String(units.writes),
      String(inStage.reduce((sum, step) => sum + step.connectCalls, 0))];
  });

  const unitsOf = (step: StoryStep) => capacityUnits(step.dynamodb);
  return {
    steps,
    largestItemBytes,
    report: {
      title: FLOWS_TITLE,
      method: [
        'bench/lib/flow-walker.ts walks flows/*.json block by block with scripted key presses. Each InvokeLambdaFunction block calls the',
        'real handler bundle, whose reply becomes $.External as in Connect; UpdateContactAttributes sets the callbackRecordId attribute that',
        'the callback contact and its whisper flows then carry. The contact events (Amazon Connect → EventBridge default bus) and CTRs',
        '(Kinesis) of the same contacts go through the synthesized template\'s EventBridge rule patterns and event source filters',
        '(bench/lib/event-pattern.ts) to the functions they target. DynamoDB requests are counted at a pass-through in front of DynamoDB',
        `Local, StopContact at the local Connect endpoint. Request units assume items under 1 KB (the largest callback item written here is ${largestItemBytes} bytes):`,
        '1 RRU per consistent GetItem, 1 WRU per Put/Update/Delete (also when its condition fails), 2 WRU per item of a TransactWriteItems.',
      ].join(' '),
      tables: [
        {
          caption: 'Caller and agent paths (flows)',
          table: {
            headers: ['path', 'input', 'Lambda invocations', 'published sample', 'functions', 'AWS requests per invocation, in order of the calls',
              'DynamoDB requests', 'RRU', 'WRU', 'StopContact', 'heard'],
            right: [2, 3, 7, 8, 9],
            rows: flowSteps.map((step) => [step.label, step.input, String(sumInvocations(step.invocations)), step.sample === undefined ? '—' : String(step.sample),
              describeInvocations(step.invocations), (step.calls ?? []).map((call) => `${call.key}: ${requestTotal(call)}`).join('; ') || '—',
              describeRequests(step.dynamodb), String(unitsOf(step).reads), String(unitsOf(step).writes),
              String(step.connectCalls), step.outcome]),
          },
        },
        {
          caption: 'Contact events and CTRs of the same contacts',
          table: {
            headers: ['stage', 'what', 'input', 'invocations', 'DynamoDB requests', 'RRU', 'WRU', 'StopContact', 'result'],
            right: [5, 6, 7],
            rows: steps.filter((step) => step.kind !== 'flow').map((step) => [step.stage, step.label, step.input, describeInvocations(step.invocations),
              describeRequests(step.dynamodb), String(unitsOf(step).reads), String(unitsOf(step).writes), String(step.connectCalls), step.outcome]),
          },
        },
        {
          caption: 'Per callback, by stage (the cost model\'s inputs)',
          table: {
            headers: ['stage', 'invocations', 'total invocations', 'DynamoDB requests', 'RRU', 'WRU', 'StopContact'],
            right: [2, 4, 5, 6],
            rows: totals,
          },
        },
      ],
      notes: [
        'Stages: booking = the booking call, the new callback\'s contact event and the booking call\'s CTR; cancel = the cancelling call and what follows '
          + 'from it; completion = a callback that reaches an agent and is answered. Rows marked other are shown for completeness and not costed.',
        'The published sample\'s counts (4 to set a callback, 5 to cancel) are from its description; it publishes none for the whisper paths.',
      ],
      goals,
      seconds: (Date.now() - started) / 1000,
    },
  };
}
