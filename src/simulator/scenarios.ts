/**
 * The scenarios the simulator runs (the CLI prints them all; test/simulator checks each). Each one starts its
 * own Simulation (its own table), drives callers, agents and the clock, and reports what happened.
 */
import { Duration } from 'aws-cdk-lib';
import { type CallResult, type LambdaInvocation, Simulation, type SimulationOptions } from './contact-center';
import { alwaysOpen, hoursOfOperationArn, weekdayHours } from './hours-of-operation';
import { type PlainItem } from './local-services';
import { SIM_INSTANCE_ARN, type SynthesizedCallbackStack } from './stack-flows';
import { ADMISSION_ENV, type AdmissionPolicy, WhenClosed } from '../admission-policy';
import { CallbackPromptSets } from '../prompts';
import { SpeechEngine } from '../voice';

export const CALLER_A = '+13125550100';
export const CALLER_B = '+13125550111';
export const CALLER_UK = '+442079460123';

export interface ScenarioRun {
  readonly name: string;
  readonly contactEvents: boolean;
  readonly callbackMode: 'AGENT_FIRST' | 'CUSTOMER_FIRST';
  readonly transcript: string;
  /** Lambda invocations by flow or event source. */
  readonly lambdaCounts: Record<string, number>;
  /** Simulated seconds from each cancel to the callback's removal from the queue (by record label). */
  readonly cancelToRemoval: Record<string, number | undefined>;
  readonly calls: CallResult[];
  readonly records: PlainItem[];
  readonly pointers: PlainItem[];
  readonly queuedCallbacks: string[];
  readonly offered: string[];
  readonly notes: string[];
  /** StopContact calls the handlers made, with Connect's answers. */
  readonly stopContacts: string[];
  /** Events their sources gave up on (dead-letter queues). */
  readonly deadLetters: string[];
  /** Per record label: how many times the customer's phone rang after the cancel was stored. */
  readonly rangAfterCancel: Record<string, number>;
  /** Per record label: how many times Connect dialled its customer. */
  readonly dials: Record<string, number>;
  /**
   * Customer-first, per record label whose dial began before the cancel: how many simulated seconds the customer's
   * phone went on ringing after the cancel was stored (until it was stopped, answered or rang out).
   */
  readonly ringingAfterCancel: Record<string, number>;
  /** Live callers an agent hung up on because a whisper told them to. */
  readonly hungUpOnCallers: string[];
  /** Customer queue flow runs that failed in the simulator. */
  readonly queueFlowErrors: string[];
  /** Every Lambda invocation, in order, with the AWS requests it sent. */
  readonly invocations: ReadonlyArray<LambdaInvocation>;
  /** Customer-first: per record label, its legs after the inbound contact (queued leg, then dialled legs). */
  readonly legs: Record<string, string[]>;
}

export interface ScenarioOptions {
  readonly dynamoDbEndpoint: string;
  readonly contactEvents?: boolean;
  /** Simulated seconds before a CTR reaches the processor (default 60). */
  readonly ctrDelaySeconds?: number;
  /** Simulated seconds before a contact event reaches the processor (default 2). */
  readonly contactEventDelaySeconds?: number;
  /** What StopContact does to a callback whose agent whisper is running (undocumented; see SimulationOptions). */
  readonly stopContactDuringAgentWhisper?: 'END_CONTACT' | 'REFUSED';
  /**
   * A user's deployment (simulate --app) to run instead of the sample stack: its own flows, prompts and settings. The
   * construct options a scenario would give the sample stack are then the deployment's own.
   */
  readonly deployment?: SynthesizedCallbackStack;
  /** The construct's callbackMode (default AGENT_FIRST). */
  readonly callbackMode?: 'AGENT_FIRST' | 'CUSTOMER_FIRST';
  /** What StopContact does to a ringing customer-first dialled leg (undocumented; see SimulationOptions). */
  readonly stopContactDuringDial?: 'END_CONTACT' | 'REFUSED';
  /** Whether the initial delay applies with a creation flow (the docs disagree; see SimulationOptions). */
  readonly initialDelayWithCreationFlow?: 'HONOURED' | 'IGNORED';
}

type Script = (sim: Simulation, calls: CallResult[], notes: string[]) => Promise<void>;

async function runScenario(name: string, options: ScenarioOptions, script: Script, extra: Partial<SimulationOptions> = {}): Promise<ScenarioRun> {
  // A deployment with hours rules asks for its hours in every scenario: those about something else find them open all
  // day, so they take the path a booking takes in opening hours (the closing-time scenarios give their own hours).
  const deployedHours = options.deployment?.functions['write-callback']?.environment[ADMISSION_ENV.HOURS_OF_OPERATION_ARN];
  const sim = await Simulation.start({
    hoursOfOperation: deployedHours ? alwaysOpen(deployedHours.split('/').pop()!) : undefined,
    dynamoDbEndpoint: options.dynamoDbEndpoint,
    contactEvents: options.contactEvents ?? true,
    ctrDelaySeconds: options.ctrDelaySeconds,
    contactEventDelaySeconds: options.contactEventDelaySeconds,
    stopContactDuringAgentWhisper: options.stopContactDuringAgentWhisper,
    callbackMode: options.callbackMode,
    stopContactDuringDial: options.stopContactDuringDial,
    initialDelayWithCreationFlow: options.initialDelayWithCreationFlow,
    ...extra,
    deployment: options.deployment,
  });
  const customerFirst = options.callbackMode === 'CUSTOMER_FIRST';
  const ignoredDelay = options.initialDelayWithCreationFlow === 'IGNORED' ? ', initial delay ignored with a creation flow' : '';
  name = customerFirst ? `${name} [customer first${ignoredDelay}]` : name;
  try {
    const calls: CallResult[] = [];
    const notes: string[] = [];
    sim.log('scenario', name);
    await script(sim, calls, notes);
    await sim.settle();
    const records = await sim.callbackRecords();
    const cancelToRemoval: Record<string, number | undefined> = {};
    const rangAfterCancel: Record<string, number> = {};
    const dials: Record<string, number> = {};
    const legs: Record<string, string[]> = {};
    const ringingAfterCancel: Record<string, number> = {};
    for (const timeline of sim.timelines.values()) {
      const label = sim.labelOf(timeline.recordId);
      if (timeline.dialledAt.length > 0) dials[label] = timeline.dialledAt.length;
      if (timeline.legs.length > 0) legs[label] = [...timeline.legs];
      if (timeline.cancelledAt === undefined) continue;
      // Removed: the callback left the queue (StopContact on it, or a customer-first queued leg), its dial was stopped,
      // the agent hung up on it, or the outbound callback flow hung up on its customer; whichever came first.
      const ends = [timeline.removedFromQueueAt, timeline.dialStoppedAt, timeline.agentHungUpAt, timeline.hungUpOnAnswerAt]
        .filter((at) => at !== undefined);
      const removedAt = ends.length === 0 ? undefined : Math.min(...ends);
      cancelToRemoval[label] = removedAt === undefined ? undefined : Math.max(0, removedAt - timeline.cancelledAt);
      rangAfterCancel[label] = timeline.dialledAt.filter((at) => at >= timeline.cancelledAt!).length;
      if (timeline.ringingEndedAt !== undefined && timeline.dialledAt.some((at) => at < timeline.cancelledAt!)) {
        ringingAfterCancel[label] = Math.max(0, timeline.ringingEndedAt - timeline.cancelledAt);
      }
    }
    return {
      name,
      contactEvents: sim.contactEvents,
      callbackMode: customerFirst ? 'CUSTOMER_FIRST' : 'AGENT_FIRST',
      transcript: sim.render(),
      lambdaCounts: sim.invocationCounts(),
      cancelToRemoval,
      calls,
      records: records.map((record) => ({ ...record, label: sim.labelOf(String(record.recordId)) })),
      pointers: await sim.activePointers(),
      queuedCallbacks: sim.queuedCallbacks(),
      offered: sim.offered.map((offer) => offer.contact),
      notes,
      stopContacts: sim.stopContactCalls.map((call) => `${call.contact}: ${call.answer}`),
      deadLetters: sim.deadLetters.map((letter) => `${letter.source} of ${letter.contact}`),
      rangAfterCancel,
      dials,
      hungUpOnCallers: [...sim.hungUpOnCallers],
      queueFlowErrors: [...sim.queueFlowErrors],
      invocations: [...sim.invocations],
      legs,
      ringingAfterCancel,
    };
  } finally {
    await sim.stop();
  }
}

/** 1: a new caller books a callback on their own number; an agent takes it; the customer answers. */
export function newCallbackConnected(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('1 new caller books a callback, agent accepts, customer connected', options, async (sim, calls) => {
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(30);
    await sim.agentAvailable('alice');
  });
}

/** 2: the same caller calls again while the callback is pending, and keeps it. */
export function duplicateKept(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('2 same caller calls again while pending and keeps it', options, async (sim, calls) => {
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(5);
    calls.push(await sim.call(CALLER_A, ['1', '2']));
  });
}

/** 3: cancel before the callback's id is known; the id arrives later (contact event or CTR) and the processor stops it. */
export function cancelBeforeIdKnown(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario(`3 cancel before the callback id is known (contact events ${options.contactEvents === false ? 'off' : 'on'})`, options, async (sim, calls) => {
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(1);
    calls.push(await sim.call(CALLER_A, ['1', '1']));
    await sim.advanceTo(300);
    await sim.agentAvailable('alice');
  });
}

/** 3b: cancel before the id is known, and an agent accepts the callback before the id arrives. */
export function cancelAgentHangsUp(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('3b cancelled callback reaches an agent before its id is known: agent told to hang up', { ...options, contactEvents: false }, async (sim, calls) => {
    await sim.agentAvailable('alice');
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(1);
    calls.push(await sim.call(CALLER_A, ['1', '1']));
  });
}

/** 4: cancel after the id is known: the cancel itself removes the callback with StopContact. */
export function cancelAfterIdKnown(options: ScenarioOptions): Promise<ScenarioRun> {
  const events = options.contactEvents !== false;
  return runScenario(`4 cancel after the callback id is known (contact events ${events ? 'on' : 'off'})`, options, async (sim, calls) => {
    calls.push(await sim.call(CALLER_A, ['1']));
    // With contact events the id is known 2 s after booking; without, only once the inbound call's CTR came.
    await sim.advanceTo(events ? 5 : 90);
    calls.push(await sim.call(CALLER_A, ['1', '1']));
    await sim.advanceTo(events ? 300 : 400);
    await sim.agentAvailable('alice');
  }, { initialCallDelaySeconds: 300 });
}

/** 5: DynamoDB cannot be reached while the caller books. */
export function dynamoDbUnavailable(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('5 DynamoDB unavailable during set-callback', options, async (sim, calls) => {
    sim.dynamoDbUnavailable = true;
    calls.push(await sim.call(CALLER_A, ['1']));
    sim.dynamoDbUnavailable = false;
  });
}

/** The Lambda invocation points of the three flows, as `<flow>/<action id>`, with what reaches each one. */
export const INVOCATION_POINTS = [
  'set-callback/book-caller-number',
  'set-callback/book-entered-number',
  'set-callback/undo-booking',
  'set-callback/cancel-callback',
  'agent-whisper/complete-if-cancelled',
  'outbound-whisper/mark-connected',
] as const;
export type InvocationPoint = typeof INVOCATION_POINTS[number];

/** 6: the Lambda at one invocation point takes longer than its InvocationTimeLimitSeconds. */
export function lambdaTimeout(options: ScenarioOptions, point: InvocationPoint): Promise<ScenarioRun> {
  return runScenario(`6 Lambda timeout at ${point}`, options, async (sim, calls, notes) => {
    sim.slowLambdas[point] = 10;
    switch (point) {
      case 'set-callback/book-caller-number':
        calls.push(await sim.call(CALLER_A, ['1']));
        break;
      case 'set-callback/book-entered-number':
        calls.push(await sim.call(CALLER_A, ['2', '3125550122#', '1']));
        break;
      case 'set-callback/undo-booking':
        // Queuing the callback fails after the record was written, and the undo is slow too.
        sim.failingActions['set-callback/create-callback'] = 'NoMatchingError';
        calls.push(await sim.call(CALLER_A, ['1']));
        break;
      case 'set-callback/cancel-callback':
        calls.push(await sim.call(CALLER_A, ['1']));
        await sim.advanceTo(5);
        calls.push(await sim.call(CALLER_A, ['1', '1']));
        break;
      case 'agent-whisper/complete-if-cancelled':
      case 'outbound-whisper/mark-connected':
        calls.push(await sim.call(CALLER_A, ['1']));
        await sim.advanceTo(30);
        await sim.agentAvailable('alice');
        break;
    }
    notes.push(`${point} answered after its time limit`);
  });
}

/** 7: an invalid entered number, a withheld caller id, and an international caller. */
export function invalidAndInternationalNumbers(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('7 invalid and international numbers', options, async (sim, calls) => {
    // Two invalid entries (too short, then a 555 exchange starting with 1): no Lambda, no record.
    calls.push(await sim.call(CALLER_B, ['2', '12345#', '3121550100#']));
    await sim.advanceTo(10);
    // A withheld caller id: write-callback says INVALID_NUMBER, the flow asks for a number.
    calls.push(await sim.call(undefined, ['1', '3125550133#', '1']));
    await sim.advanceTo(20);
    // An international caller on their own (UK) number.
    calls.push(await sim.call(CALLER_UK, ['1']));
  });
}

/** 8: two callers in the same queue, each cancelling, in the opposite order to their bookings. */
export function crossedCancels(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario(`8 two callers cancelling in crossed order (contact events ${options.contactEvents === false ? 'off' : 'on'})`, options, async (sim, calls) => {
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(0.5);
    calls.push(await sim.call(CALLER_B, ['1']));
    await sim.advanceTo(1);
    calls.push(await sim.call(CALLER_B, ['1', '1']));
    await sim.advanceTo(6);
    calls.push(await sim.call(CALLER_A, ['1', '1']));
    await sim.advanceTo(300);
    await sim.agentAvailable('alice');
  });
}

/**
 * 9: the callback cannot be created after the booking (e.g. CreateCallbackContact fails): the record is released and
 * the caller transferred to the queue. The agent who takes the call hears who it is, and talks with them.
 */
export function failedBookingTransferred(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('9 a failed booking is undone and the caller reaches an agent as a live caller', options, async (sim, calls) => {
    sim.failingActions['set-callback/create-callback'] = 'NoMatchingError';
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.agentAvailable('alice');
  });
}

/**
 * 10: as 9, and the agent then transfers the caller to another queue: the inbound contact's CTR names the transfer as
 * NextContactId. No callback id may be learned from it, and nothing stopped.
 */
export function failedBookingTransferredOn(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('10 a caller transferred after a failed booking is transferred on by the agent', options, async (sim, calls, notes) => {
    sim.failingActions['set-callback/create-callback'] = 'NoMatchingError';
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.agentAvailable('alice');
    // Once the agent whisper has ended, before anything the agent was told could take effect.
    await sim.advance(5);
    notes.push(`transfer contact: ${sim.transferByAgent('alice')}`);
  });
}

/** 11: an agent dials a customer on the callback queue: the queue's outbound whisper must let the call through silently. */
export function agentDialsOut(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('11 an agent dials out on the callback queue', options, async (sim, calls) => {
    await sim.agentAvailable('alice');
    calls.push(await sim.agentDialsOut('alice', CALLER_B));
  });
}

/** 12: the customer does not answer the callback: with retries = 0 they are dialled exactly once, and the record ends. */
export function unansweredCallback(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('12 the customer does not answer their callback', options, async (sim, calls) => {
    sim.unansweredNumbers.add(CALLER_A);
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(30);
    await sim.agentAvailable('alice');
    await sim.settle(7200);
  });
}

/**
 * 13: the caller cancels, and the callback reaches an agent before anything removed it (no contact event, no CTR yet):
 * the customer's phone must not ring. Run with either answer of StopContact during the agent whisper.
 */
export function cancelledCallbackReachesAgent(options: ScenarioOptions): Promise<ScenarioRun> {
  const mode = options.stopContactDuringAgentWhisper ?? 'END_CONTACT';
  return runScenario(`13 a cancelled callback reaches an agent (StopContact during its whisper: ${mode})`, { ...options, contactEvents: false }, async (sim, calls) => {
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(1);
    calls.push(await sim.call(CALLER_A, ['1', '1']));
    await sim.advanceTo(15);
    await sim.agentAvailable('alice');
  });
}

/** CF1: customer first, the customer's phone rings out: the record ends NOT_ANSWERED, not PENDING until its TTL. */
export function unansweredDial(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('CF1 the customer does not answer the dial', { ...options, callbackMode: 'CUSTOMER_FIRST' }, async (sim, calls) => {
    sim.unansweredNumbers.add(CALLER_A);
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(30);
    await sim.agentAvailable('alice');
    await sim.settle(7200);
  });
}

/** CF2: customer first, a voicemail answers the dial: the record ends VOICEMAIL, and nothing retries it. */
export function voicemailDial(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('CF2 a voicemail answers the dial', { ...options, callbackMode: 'CUSTOMER_FIRST' }, async (sim, calls) => {
    sim.voicemailNumbers.add(CALLER_A);
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(30);
    await sim.agentAvailable('alice');
    await sim.settle(7200);
  });
}

/**
 * CF3: customer first, the caller cancels one second after Connect has started to dial them (the queued leg is out of
 * the queue, the dialled leg's id not yet known to the record). The simulator does not model a line that is busy with
 * the cancelling call. Run with either answer of StopContact to a ringing dialled leg.
 */
export function cancelRacesDial(options: ScenarioOptions): Promise<ScenarioRun> {
  const mode = options.stopContactDuringDial ?? 'END_CONTACT';
  const events = options.contactEvents !== false;
  return runScenario(`CF3 a cancel races the dial (contact events ${events ? 'on' : 'off'}, StopContact while it rings: ${mode})`,
    { ...options, callbackMode: 'CUSTOMER_FIRST' }, async (sim, calls, notes) => {
      calls.push(await sim.call(CALLER_A, ['1']));
      await sim.advanceTo(30);
      await sim.agentAvailable('alice');
      const dialledAt = sim.timelineOf(calls[0].contactId).dialledAt[0];
      notes.push(`the dial began at ${dialledAt}s`);
      await sim.advanceTo(dialledAt + 1);
      calls.push(await sim.call(CALLER_A, ['1', '1']));
    });
}

/**
 * 20: the callback's contact event is lost, the customer does not answer, and the callback's own CTR is lost too: the
 * record stays PENDING although Connect has finished with it, and the caller cannot book again. The reconciler leaves
 * it alone until its first lookup, 30 minutes after booking; that run asks DescribeContact, finds the callback ended,
 * completes the record (ENDED), and the caller can book again.
 */
export function lostEventsRepairedByReconciler(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('20 a contact event and a CTR are both lost: the reconciler repairs the record', { ...options, contactEvents: true }, async (sim, calls, notes) => {
    sim.lostContactEvents.add('callback#1');
    sim.lostCtrs.add('callback#1');
    sim.unansweredNumbers.add(CALLER_A);
    // Every 10 minutes (the construct's interval); a PENDING record is first looked up 30 minutes after booking.
    sim.reconcileEvery(4);
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(30);
    await sim.agentAvailable('alice');
    // Long after the callback ended (and its id came with the inbound call's CTR), the number is still taken.
    await sim.advanceTo(300);
    calls.push(await sim.call(CALLER_A, ['1', '2']));
    notes.push(`before the reconciler: ${calls[1].heard.some((prompt) => /already/i.test(prompt)) ? 'the caller is told a callback is already booked' : 'booked again'}`);
    await sim.advanceTo(2500);
    sim.unansweredNumbers.delete(CALLER_A);
    calls.push(await sim.call(CALLER_A, ['1']));
  });
}

/** The sample stack of the in-queue scenarios: an offer every 60 s, when the estimated wait is at least 2 minutes. */
const QUEUE_OFFER = { construct: { offerIntervalSeconds: 60, minimumWaitSeconds: 120 } } as const;

/** The deployment's in-queue offer: its interval and wait threshold, as its flows hold them (the sample's otherwise). */
function queueSettings(sim: Simulation): { interval: number; long: number; short: number } {
  const actionOf = (flow: string, id: string) => sim.stack.flows[flow as 'set-callback']?.content.Actions.find((a: any) => a.Identifier === id);
  const interval = Number(actionOf('customer-queue', 'hold')?.Parameters.InterruptFrequencySeconds ?? 60);
  const threshold = Number(actionOf('customer-queue', 'check-queue-wait')?.Transitions.Conditions[0].Condition.Operands[0]
    ?? actionOf('set-callback', 'check-queue-wait')?.Transitions.Conditions[0].Condition.Operands[0] ?? 120);
  return { interval, long: threshold * 5, short: Math.floor(threshold / 4) };
}

/** 14: a caller waits in the queue (their wait estimated long), is offered a callback, accepts, and is called back. */
export function queueOfferAccepted(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('14 a caller waiting in the queue is offered a callback, accepts, and is called back', options, async (sim, calls) => {
    const { interval, long } = queueSettings(sim);
    sim.estimatedWaitSeconds = long;
    calls.push(await sim.callIntoQueue(CALLER_A, ['1']));
    await sim.advanceTo(interval * 2);
    await sim.agentAvailable('alice');
  }, QUEUE_OFFER);
}

/**
 * CF4: customer first, a caller books in the queue. The callback's queued leg inherits the caller's attributes, and
 * in this simulator its event hooks too (whether Connect carries a CustomerQueue hook over to a callback's legs is not
 * documented), so it runs the customer queue flow while it waits for an agent; so does the dialled leg, with the
 * customer on the line. Neither may be offered another callback: the flow holds a contact marked booked without the
 * offer.
 */
export function queueOfferInCustomerFirstMode(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('CF4 a caller books in the queue; the callback\'s legs wait there and are never offered another', { ...options, callbackMode: 'CUSTOMER_FIRST' }, async (sim, calls) => {
    const { interval, long } = queueSettings(sim);
    sim.estimatedWaitSeconds = long;
    calls.push(await sim.callIntoQueue(CALLER_A, ['1']));
    // The queued leg waits several offer intervals before an agent is free.
    await sim.advanceTo(interval * 5);
    await sim.agentAvailable('alice');
  }, QUEUE_OFFER);
}

/** 15: Connect returns no estimate: the offer is made; the caller declines, keeps waiting, and reaches an agent. */
export function queueOfferDeclined(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('15 a caller waiting in the queue (no wait estimate) declines the offer and reaches an agent', options, async (sim, calls) => {
    const { interval } = queueSettings(sim);
    sim.estimatedWaitSeconds = undefined;
    calls.push(await sim.callIntoQueue(CALLER_A, ['2']));
    await sim.advanceTo(interval * 1.5);
    await sim.agentAvailable('alice');
  }, QUEUE_OFFER);
}

/** 16: a caller with a pending callback waits in the queue and accepts the offer: the booking finds the pending one. */
export function queueOfferWithPendingCallback(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('16 a caller with a pending callback is offered one in the queue, and keeps the one they have', options, async (sim, calls) => {
    const { interval, long } = queueSettings(sim);
    sim.estimatedWaitSeconds = long;
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(5);
    calls.push(await sim.callIntoQueue(CALLER_A, ['1']));
    await sim.advanceTo(5 + interval * 1.5);
    await sim.agentAvailable('alice');
    await sim.agentAvailable('bob');
  }, QUEUE_OFFER);
}

/** 17: the queue's estimated wait is short: the set-callback flow offers the queue instead, and no callback is offered there. */
export function shortWaitStaysInQueue(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('17 the wait is short: the caller is offered the queue instead of a callback, and reaches an agent', options, async (sim, calls) => {
    const { interval, short } = queueSettings(sim);
    sim.estimatedWaitSeconds = short;
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advanceTo(interval * 2.5);
    await sim.agentAvailable('alice');
  }, QUEUE_OFFER);
}

/**
 * 18: the in-queue booking fails after the write (the callback cannot be created): it is undone as the set-callback
 * flow undoes one, the caller keeps their place, is offered again at the next interval, and books.
 */
export function queueBookingUndone(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('18 a failed in-queue booking is undone; offered again, the caller books', options, async (sim, calls) => {
    const { interval, long } = queueSettings(sim);
    sim.estimatedWaitSeconds = long;
    sim.failingOnce['customer-queue/create-callback'] = 'NoMatchingError';
    calls.push(await sim.callIntoQueue(CALLER_A, ['1', '1']));
    await sim.advanceTo(interval * 3);
    await sim.agentAvailable('alice');
  }, QUEUE_OFFER);
}

/** 19: the whole of scenario 2, then the callback, in US Spanish: prompts, voice and the spoken time. */
export function spanishCaller(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('19 in Spanish (CallbackPromptSets.SPANISH_US, voice Lupe neural): a caller books, calls again, keeps it, and is called back', options,
    async (sim, calls) => {
      calls.push(await sim.call(CALLER_A, ['1']));
      await sim.advanceTo(5);
      calls.push(await sim.call(CALLER_A, ['1', '2']));
      await sim.advanceTo(30);
      await sim.agentAvailable('alice');
    }, { construct: { prompts: CallbackPromptSets.SPANISH_US, voice: { voiceId: 'Lupe', engine: SpeechEngine.NEURAL } } });
}


/** The admission policy of the sample stack's admission scenarios: a queue of at most 2 contacts, 2 callbacks a day per number. */
const ADMISSION = { construct: { admissionPolicy: { maxQueuedContacts: 2, maxCallbacksPerNumberPerDay: 2 } } } as const;

/** A rule of the deployment's admission policy, as its write-callback function holds it (undefined: no such rule). */
function admissionRule(sim: Simulation, name: typeof ADMISSION_ENV[keyof typeof ADMISSION_ENV]): number | undefined {
  const value = sim.stack.functions['write-callback']?.environment[name];
  return value === undefined ? undefined : Number(value);
}

/** Distinct callers of one area code (555-01xx numbers), for filling a queue. */
const callerNumber = (n: number) => `+1312555${String(200 + n).padStart(4, '0')}`;

/** `number` books a callback and calls again to cancel it, `times` times over: each booking counts toward its day. */
async function bookAndCancel(sim: Simulation, calls: CallResult[], number: string, times: number): Promise<void> {
  for (let n = 0; n < times; n++) {
    calls.push(await sim.call(number, ['1']));
    await sim.advance(5);
    calls.push(await sim.call(number, ['1', '1']));
    await sim.advance(5);
  }
}

/**
 * AP1: the queue is full (its maximum contacts, as many as the policy's maxQueuedContacts). A new caller is told so
 * before anything is written, while a caller whose callback is one of those in the queue still finds it and may cancel.
 * Without the policy the booking would be written and then given up, as CreateCallbackContact fails into a full queue.
 */
export function fullQueueRefused(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('AP1 a full queue: a new caller is refused before anything is booked, a booked one may still cancel', options, async (sim, calls, notes) => {
    const max = admissionRule(sim, ADMISSION_ENV.MAX_QUEUED_CONTACTS) ?? 2;
    sim.queueMaxContacts = max;
    for (let n = 0; n < max; n++) calls.push(await sim.call(callerNumber(n), ['1']));
    // Past the Get queue metrics block's 5 to 10 seconds of delay (adminguide/get-queue-metrics.html).
    await sim.advance(15);
    calls.push(await sim.call(CALLER_A, ['1']));
    notes.push(`queue size when ${calls[max].label} asked: ${sim.queuedCallbacks().length} of ${max}`);
    calls.push(await sim.call(callerNumber(0), ['1', '1']));
  }, ADMISSION);
}

/**
 * AP2: one number books, cancels, books and cancels again: its daily limit (the policy's maxCallbacksPerNumberPerDay,
 * here 2) is used up, so its next request is refused and the caller is put through to the queue, where an agent
 * takes the call live.
 */
export function dailyLimitReached(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('AP2 a number over its daily limit waits for an agent instead of booking again', options, async (sim, calls) => {
    const max = admissionRule(sim, ADMISSION_ENV.MAX_CALLBACKS_PER_NUMBER_PER_DAY) ?? 2;
    await bookAndCancel(sim, calls, CALLER_A, max);
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.agentAvailable('alice');
  }, ADMISSION);
}

/**
 * AP3: a number that used up its daily bookings waits in the queue and accepts the offer there: it is told it cannot
 * book another today, keeps its place, and is never offered a callback again while it waits (the flow marks the
 * contact); an agent then takes the call.
 */
export function dailyLimitInQueue(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('AP3 a number over its daily limit is told so once in the queue, and keeps its place', options, async (sim, calls) => {
    const { interval, long } = queueSettings(sim);
    const max = admissionRule(sim, ADMISSION_ENV.MAX_CALLBACKS_PER_NUMBER_PER_DAY) ?? 2;
    await bookAndCancel(sim, calls, CALLER_A, max);
    sim.estimatedWaitSeconds = long;
    // Presses 1 at the first offer; any further offer would find 1 pressed again.
    calls.push(await sim.callIntoQueue(CALLER_A, ['1', '1', '1']));
    await sim.advance(interval * 4);
    await sim.agentAvailable('alice');
  }, { construct: { ...QUEUE_OFFER.construct, admissionPolicy: { maxCallbacksPerNumberPerDay: 2 } } });
}

/** The hours of operation of the closing-time scenarios: weekdays 09:00 to 17:00 in New York. */
const HOURS_ZONE = 'America/New_York';
const SIM_HOURS_ID = 'aaaaaaaa-1111-4222-8333-444444444444';
/** Monday 1 June 2026, 17:00 in New York: the close the scenarios book around. */
const MONDAY_CLOSE = Date.parse('2026-06-01T21:00:00Z');

/**
 * The simulation of a closing-time scenario: the hours (under the deployment's own hours id, whose rules it keeps),
 * the instant the scenario starts at, and for the sample stack `policy` with the hours.
 */
function closingTime(options: ScenarioOptions, startsAt: number, policy: Omit<AdmissionPolicy, 'hoursOfOperationArn'>): Partial<SimulationOptions> {
  const deployed = options.deployment?.functions['write-callback']?.environment[ADMISSION_ENV.HOURS_OF_OPERATION_ARN];
  return {
    hoursOfOperation: weekdayHours(deployed?.split('/').pop() ?? SIM_HOURS_ID, HOURS_ZONE),
    startsAt: new Date(startsAt).toISOString(),
    construct: { admissionPolicy: { hoursOfOperationArn: hoursOfOperationArn(SIM_INSTANCE_ARN, SIM_HOURS_ID), ...policy } },
  };
}
const deployedSeconds = (options: ScenarioOptions, name: string) => Number(options.deployment?.functions['write-callback']?.environment[name] ?? Number.NaN);

/**
 * H1: ten minutes before the queue closes (halfway into the deployment's stopOfferingBeforeClose), a caller asks for a
 * callback: it is not booked, as no agent would make it today; the caller hears so and waits in the queue, where an
 * agent takes the call live.
 */
export function bookingBeforeClosing(options: ScenarioOptions): Promise<ScenarioRun> {
  const margin = deployedSeconds(options, ADMISSION_ENV.STOP_BEFORE_CLOSE_SECONDS);
  const before = Number.isFinite(margin) ? Math.min(600, margin / 2) : 600;
  return runScenario('H1 ten minutes before closing: no callback is booked; the caller waits for an agent instead', options, async (sim, calls, notes) => {
    notes.push(`the caller calls at ${sim.localTime()} (${HOURS_ZONE}), the queue closes at 17:00`);
    sim.log('clock', notes[notes.length - 1]);
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.agentAvailable('alice');
  }, closingTime(options, MONDAY_CLOSE - before * 1000, { stopOfferingBeforeClose: Duration.minutes(15) }));
}

/**
 * H2: an hour after closing, a caller asks for a callback: it is booked with the smallest listed delay that reaches
 * the next opening (Tuesday 09:00), so the agent who is available all evening is not offered it until the queue opens.
 * Without the rule the callback would be dialled at once, at night: queued callbacks do not wait for the hours.
 */
export function bookingDeferredToOpening(options: ScenarioOptions): Promise<ScenarioRun> {
  return runScenario('H2 after closing: the callback is deferred to the next opening, not dialled at night', options, async (sim, calls, notes) => {
    notes.push(`the caller calls at ${sim.localTime()} (${HOURS_ZONE}); the queue opens again at 09:00`);
    sim.log('clock', notes[notes.length - 1]);
    calls.push(await sim.call(CALLER_A, ['1']));
    await sim.advance(60);
    await sim.agentAvailable('alice');
    await sim.advance(17 * 3600);
    for (const offer of sim.offered) notes.push(`${offer.agent} is offered ${offer.contact} at ${sim.localTime(offer.time)}`);
    sim.log('clock', notes.slice(1).join('; '));
  }, closingTime(options, MONDAY_CLOSE + 3600 * 1000, {
    whenClosed: WhenClosed.DEFER,
    deferralDelays: [Duration.hours(12), Duration.hours(14), Duration.hours(16)],
  }));
}

interface ScenarioEntry {
  readonly run: () => Promise<ScenarioRun>;
  /** The contact events setting it is about; a deployment with the other one does not run it. */
  readonly contactEvents?: boolean;
  /** It needs a customer queue flow, the wait threshold in the set-callback flow, or the reconciler. */
  readonly needs?: 'queue flow' | 'wait threshold' | 'reconciler' | 'capacity rule' | 'daily limit' | 'daily limit in the queue'
  | 'closing margin' | 'deferral';
  /** It is about the sample stack's own settings (another language, the other callback mode), not a deployment's. */
  readonly sampleOnly?: boolean;
  /** It is about one callback mode; a deployment in the other mode does not run it (for the sample, its own mode). */
  readonly mode?: 'AGENT_FIRST' | 'CUSTOMER_FIRST';
}

/**
 * Every scenario, in order, as the CLI prints them. With a deployment, those it can run: the ones about its own
 * contact events setting, and the in-queue ones only if it offers callbacks in the queue.
 */
export async function runAllScenarios(options: ScenarioOptions, onRun: (run: ScenarioRun) => void): Promise<ScenarioRun[]> {
  const on = { ...options, contactEvents: true };
  const off = { ...options, contactEvents: false };
  const cfOn = { ...on, callbackMode: 'CUSTOMER_FIRST' as const };
  const cfOff = { ...off, callbackMode: 'CUSTOMER_FIRST' as const };
  const entries: ScenarioEntry[] = [
    { run: () => newCallbackConnected(on) },
    { run: () => duplicateKept(on) },
    { run: () => cancelBeforeIdKnown(on), contactEvents: true },
    { run: () => cancelBeforeIdKnown(off), contactEvents: false },
    { run: () => cancelAgentHangsUp(off), contactEvents: false, mode: 'AGENT_FIRST' },
    { run: () => cancelAfterIdKnown(on), contactEvents: true },
    { run: () => cancelAfterIdKnown(off), contactEvents: false },
    { run: () => dynamoDbUnavailable(on) },
    ...INVOCATION_POINTS.map((point) => ({ run: () => lambdaTimeout(on, point) })),
    { run: () => invalidAndInternationalNumbers(on) },
    { run: () => crossedCancels(on), contactEvents: true },
    { run: () => crossedCancels(off), contactEvents: false },
    { run: () => failedBookingTransferred(on) },
    { run: () => failedBookingTransferredOn(on) },
    { run: () => agentDialsOut(on) },
    { run: () => unansweredCallback(on), mode: 'AGENT_FIRST' },
    { run: () => cancelledCallbackReachesAgent({ ...options, stopContactDuringAgentWhisper: 'END_CONTACT' }), contactEvents: false, mode: 'AGENT_FIRST' },
    { run: () => cancelledCallbackReachesAgent({ ...options, stopContactDuringAgentWhisper: 'REFUSED' }), contactEvents: false, mode: 'AGENT_FIRST' },
    { run: () => queueOfferAccepted(on), needs: 'queue flow' },
    { run: () => queueOfferDeclined(on), needs: 'queue flow' },
    { run: () => queueOfferWithPendingCallback(on), needs: 'queue flow' },
    { run: () => shortWaitStaysInQueue(on), needs: 'wait threshold' },
    { run: () => queueBookingUndone(on), needs: 'queue flow' },
    { run: () => spanishCaller(on), sampleOnly: true },
    { run: () => lostEventsRepairedByReconciler(on), contactEvents: true, needs: 'reconciler', mode: 'AGENT_FIRST' },
    // The same lifecycle in customer-first mode (a deployment runs the ones above in its own mode), and what only it
    // has: the dial's outcomes and a cancel racing the dial.
    { run: () => newCallbackConnected(cfOn), sampleOnly: true },
    { run: () => duplicateKept(cfOn), sampleOnly: true },
    { run: () => cancelBeforeIdKnown(cfOn), sampleOnly: true },
    { run: () => cancelBeforeIdKnown(cfOff), sampleOnly: true },
    { run: () => cancelAfterIdKnown(cfOn), sampleOnly: true },
    { run: () => cancelAfterIdKnown(cfOff), sampleOnly: true },
    { run: () => crossedCancels(cfOn), sampleOnly: true },
    { run: () => crossedCancels(cfOff), sampleOnly: true },
    { run: () => unansweredDial(on), mode: 'CUSTOMER_FIRST' },
    { run: () => voicemailDial(on), mode: 'CUSTOMER_FIRST' },
    { run: () => cancelRacesDial({ ...on, stopContactDuringDial: 'END_CONTACT' }), contactEvents: true, mode: 'CUSTOMER_FIRST' },
    { run: () => cancelRacesDial({ ...on, stopContactDuringDial: 'REFUSED' }), contactEvents: true, mode: 'CUSTOMER_FIRST' },
    { run: () => cancelRacesDial({ ...off, stopContactDuringDial: 'END_CONTACT' }), contactEvents: false, mode: 'CUSTOMER_FIRST' },
    // The customer queue flow creates callbacks too, in customer-first mode with the same exported parameters.
    { run: () => queueOfferInCustomerFirstMode(on), needs: 'queue flow', mode: 'CUSTOMER_FIRST' },
    { run: () => cancelBeforeIdKnown({ ...cfOn, initialDelayWithCreationFlow: 'IGNORED' }), sampleOnly: true },
    // The admission policy (the sample stack gets one for these; a deployment runs them with its own rules).
    { run: () => fullQueueRefused(on), needs: 'capacity rule' },
    { run: () => dailyLimitReached(on), needs: 'daily limit' },
    { run: () => dailyLimitInQueue(on), needs: 'daily limit in the queue' },
    { run: () => bookingBeforeClosing(on), needs: 'closing margin' },
    { run: () => bookingDeferredToOpening(on), needs: 'deferral' },
  ];
  const deployment = options.deployment;
  const runs: ScenarioRun[] = [];
  for (const entry of entries) {
    if (deployment) {
      if (entry.sampleOnly) continue;
      if (entry.contactEvents !== undefined && entry.contactEvents !== deployment.learnsIdFromContactEvents) continue;
      if (entry.needs === 'queue flow' && !deployment.flows['customer-queue']) continue;
      if (entry.needs === 'wait threshold' && !deployment.flows['set-callback'].content.Actions.some((a: any) => a.Identifier === 'check-queue-wait')) continue;
      if (entry.needs === 'reconciler' && !deployment.functions.reconciler) continue;
      const policy = deployment.functions['write-callback']?.environment ?? {};
      if (entry.needs === 'capacity rule' && policy[ADMISSION_ENV.MAX_QUEUED_CONTACTS] === undefined) continue;
      if (entry.needs === 'daily limit' && policy[ADMISSION_ENV.MAX_CALLBACKS_PER_NUMBER_PER_DAY] === undefined) continue;
      if (entry.needs === 'daily limit in the queue'
        && (policy[ADMISSION_ENV.MAX_CALLBACKS_PER_NUMBER_PER_DAY] === undefined || !deployment.flows['customer-queue'])) continue;
      if (entry.needs === 'closing margin' && !(Number(policy[ADMISSION_ENV.STOP_BEFORE_CLOSE_SECONDS] ?? 0) > 0)) continue;
      if (entry.needs === 'deferral' && policy[ADMISSION_ENV.WHEN_CLOSED] !== 'DEFER') continue;
      if (entry.mode !== undefined && entry.mode !== deployment.callbackMode) continue;
    }
    const run = await entry.run();
    runs.push(run);
    onRun(run);
  }
  return runs;
}

/** A scenario's outcome in a few lines: records, queue, Lambda counts, cancel-to-removal times. */
export function summarize(run: ScenarioRun): string {
  const lines = [
    `records: ${run.records.map((r) => `${r.label} ${r.status}${r.resolution ? `(${r.resolution})` : ''}`).join(', ') || 'none'}`,
    `callbacks still queued: ${run.queuedCallbacks.join(', ') || 'none'}; offered to agents: ${run.offered.join(', ') || 'none'}`,
    `Lambda invocations: ${Object.entries(run.lambdaCounts).map(([source, count]) => `${source} ${count}`).join(', ') || 'none'}`,
    `per caller path: ${run.calls.map((call) => `${call.label} ${call.lambdaInvocations} (${call.path[call.path.length - 2] ?? ''} -> ${call.ended})`).join(', ')}`,
  ];
  const removals = Object.entries(run.cancelToRemoval);
  if (removals.length > 0) {
    lines.push(`cancel -> removal (simulated): ${removals.map(([label, seconds]) => `${label} ${seconds === undefined ? 'never' : `${seconds.toFixed(1)}s`}`).join(', ')}`);
    lines.push(`customer's phone rang after the cancel: ${Object.entries(run.rangAfterCancel).map(([label, times]) => `${label} ${times === 0 ? 'no' : `${times} time(s)`}`).join(', ')}`);
    const ringing = Object.entries(run.ringingAfterCancel);
    if (ringing.length > 0) {
      lines.push(`a dial already ringing at the cancel rang on for: ${ringing.map(([label, seconds]) => `${label} ${seconds.toFixed(1)}s`).join(', ')}`);
    }
  }
  if (Object.keys(run.dials).length > 0) lines.push(`customers dialled: ${Object.entries(run.dials).map(([label, times]) => `${label} ${times}x`).join(', ')}`);
  if (run.stopContacts.length > 0) lines.push(`StopContact: ${run.stopContacts.join('; ')}`);
  if (run.deadLetters.length > 0) lines.push(`dead-letter queues: ${run.deadLetters.join(', ')}`);
  if (run.hungUpOnCallers.length > 0) lines.push(`agents hung up on live callers: ${run.hungUpOnCallers.join(', ')}`);
  if (run.queueFlowErrors.length > 0) lines.push(`customer queue flow errors: ${run.queueFlowErrors.join('; ')}`);
  if (Object.keys(run.legs).length > 0) lines.push(`legs: ${Object.entries(run.legs).map(([label, legs]) => `${label} -> ${legs.join(' -> ')}`).join(', ')}`);
  return lines.join('\n');
}
