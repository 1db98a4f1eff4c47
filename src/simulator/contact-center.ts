/**
 * An offline Amazon Connect contact center around the construct's flows and handler bundles: inbound calls, one
 * queue of callbacks and callers, agents who accept, talk, transfer and dial out, the whisper flows an accepted or
 * dialled contact runs, CTRs on a Kinesis-shaped event and contact events on an EventBridge-shaped one (each with
 * its event source's retries and dead-letter queue), a Connect API endpoint for StopContact, and a simulated clock
 * (nothing waits in real time). Every step goes to a transcript.
 *
 * What it models of Connect, and where each behaviour comes from:
 * - Queued callbacks (admin guide, "Set up queued callback", setup-queued-cb.html; queued-callback-example.html): a
 *   callback contact (initiation method CALLBACK, previous contact the inbound one) is created when the flow runs
 *   CreateCallbackContact, inherits the inbound contact's attributes and event hooks, becomes routable after its
 *   initial delay, is offered to an agent, runs its agent whisper, and only then is the customer dialled (agent-first
 *   mode). An unanswered dial is retried MaximumConnectionAttempts times, RetryDelaySeconds apart: the console writes
 *   its "Maximum number of retries" into that parameter as it is (see ZERO_RETRIES in src/flows/flow-checker.ts).
 * - Every contact an agent accepts runs the agent whisper its AgentWhisper event hook names, a live caller
 *   transferred to the queue included. When an agent-first callback's agent whisper ends, Connect dials the customer;
 *   an agent told to hang up does so only once they have heard it and reacted (AGENT_REACTION_SECONDS).
 * - The queue's outbound whisper flow runs for every outbound call placed with the queue's outbound caller
 *   settings: callbacks and the calls agents dial themselves (queue outbound caller config, outbound whisper).
 * - An agent's transfer creates a new contact (initiation method TRANSFER) and the transferred contact's CTR names it
 *   as NextContactId (contact record data model, ctr-data-model.html).
 * - StopContact (API_StopContact.html) removes a queued contact, ends a live one, answers ContactNotFoundException
 *   (410) for one that ended or never existed, and refuses (InvalidRequestException, 400) the voice contacts it says it
 *   does not support: initiated by DISCONNECT, TRANSFER, QUEUE_TRANSFER, EXTERNAL_OUTBOUND or MONITOR. What it does to
 *   a callback whose agent whisper is running is not documented: `stopContactDuringAgentWhisper` chooses.
 * - Customer-first callbacks ("Use customer first callback mode", customer-first-cb.html), when the set-callback flow's
 *   callback block carries the construct's exported parameters (SIM_CUSTOMER_FIRST_PARAMETERS, whose mode and flow keys are
 *   the simulator's own stand-ins: the real ones are documented nowhere): see the customer-first section below.
 * - CTRs are delivered about a minute after their contact ends; the Kinesis event source retries the records a
 *   batch reports as failed (the construct's retryAttempts, 5) and then sends them to its dead-letter queue. Contact
 *   events are delivered within seconds; a failed invocation is retried twice (the construct's async retry config)
 *   before its event goes to that path's dead-letter queue.
 * - Contact events are "emitted on a best effort basis" (contact-events.html), and a CTR can end up in the dead-letter
 *   queue: a scenario can lose either (lostContactEvents, lostCtrs) for a contact.
 * - DescribeContact (API_DescribeContact.html) describes a contact of the instance: how and when it was initiated, its
 *   previous contact, when it was queued, when an agent took it and when it ended (DisconnectTimestamp) and why; a
 *   contact it does not know is ResourceNotFoundException (404). The reconciler, on the construct's schedule when a
 *   scenario starts it (reconcileEvery), judges ages by the simulated clock.
 * - Customer queue flows (adminguide/set-customer-queue-flow.html: "the flow to invoke when a customer is transferred to
 *   a queue"): a contact whose CustomerQueue event hook names a flow runs it from the moment it is queued until an agent
 *   takes it (which stops the flow) or it ends. Its Loop prompts block (MessageParticipantIteratively) plays its
 *   messages until InterruptFrequencySeconds have passed, in simulated time, then takes its MessagesInterrupted branch.
 *   When the flow ends (EndFlowExecution) the caller stays in the queue and the flow runs again from its start
 *   (adminguide/end-flow-resume.html: "You can return the customer to the Loop prompts block"; loop-prompts.html: after
 *   the interruption, playback restarts from the first prompt). Whether Connect re-runs the flow's first blocks or only
 *   its Loop prompts block is not documented; the construct's flow runs only a logging and a voice block before it,
 *   which change nothing when run again.
 * - Queue metrics (GetMetricData, adminguide/get-queue-metrics.html): the estimated wait "would only return when
 *   there's one single channel provided", and is absent without an estimate (`estimatedWaitSeconds` undefined, as when
 *   there is no activity: "null values are returned"). Its JSONPath, $.Metrics.Queue.EstimatedWaitTime, is what
 *   second-hand copies of the attribute list give; the stored official copy predates the metric.
 * - A caller waiting in a queue with a customer queue flow hangs up after `callerPatienceSeconds` without an agent.
 * - Queue capacity (`queueMaxContacts`, the queue's "Maximum contacts in queue"): Transfer to queue takes its
 *   QueueAtCapacity branch "if the destination queue is at capacity and the contact cannot be queued within it"
 *   (APIReference/contact-actions-transfercontacttoqueue.html; adminguide/route-based-on-queue-capacity.html). For a
 *   callback the docs are silent: CreateCallbackContact's reference lists no capacity error, and queued callbacks
 *   count toward the queue's contacts (adminguide/queued-callback-example.html shows them in the queue's real-time
 *   metrics). The simulator takes the block's one documented error, NoMatchingError, for a callback into a full queue.
 *   What counts is every contact the queue holds, callbacks in their initial delay included (whether Connect counts a
 *   "scheduled" callback toward the maximum is not documented either).
 * - Hours of operation (`hoursOfOperation`, hours-of-operation.ts): GetEffectiveHoursOfOperations answers the effective
 *   hours of the one hours of operation the simulation has (ResourceNotFoundException for any other), and the functions
 *   run on the simulated clock, which starts at `startsAt`. Queued callbacks do not wait for
 *   the hours: an agent who is available takes them at any time (no documented sentence says callbacks respect the
 *   queue's hours, and a community answer reports callbacks dialled before them: repost.aws/questions/QUZ3SD2RSlSKmsLtYw4CzUwg),
 *   so an agent made available at night gets a callback booked at night.
 */
import { randomUUID } from 'crypto';
import { type FlowContact, type FlowHost, type FlowRun, type LambdaOutcome, runFlow, saidBy } from './flow-interpreter';
import { type LoadedHandler, loadBundledHandler } from './handler-runtime';
import { type SimHoursOfOperation, effectiveHoursOf } from './hours-of-operation';
import {
  type ConnectApiError, type DescribedContact, type DynamoDbGate, type EffectiveHours, type EffectiveHoursRequest, type LocalServer,
  type PlainItem, createTable, scanTable, startConnectApi, startDynamoDbGate,
} from './local-services';
import {
  SIM_CUSTOMER_FIRST_PARAMETERS, SIM_REGION, type SimFlow, type SynthesizeOptions, type SynthesizedCallbackStack,
  synthesizeCallbackStack, withTableName,
} from './stack-flows';

export interface SimulationOptions {
  /** A DynamoDB endpoint supporting transactions (DynamoDB Local, or the embedded store). */
  readonly dynamoDbEndpoint: string;
  /** Whether the construct learns callback ids from contact events (its learnCallbackIdFromContactEvents). Default true. */
  readonly contactEvents?: boolean;
  /** Delay before a contact event reaches the processor, simulated seconds. Default 2. */
  readonly contactEventDelaySeconds?: number;
  /** Delay before a CTR reaches the processor, simulated seconds. Default 60. */
  readonly ctrDelaySeconds?: number;
  /** How long an agent and a connected customer talk, simulated seconds. Default 120. */
  readonly talkSeconds?: number;
  /** The construct's initialCallDelay, seconds. Default: the construct's (10). */
  readonly initialCallDelaySeconds?: number;
  /**
   * What StopContact does to a callback contact whose agent whisper is running, which its reference does not say:
   * END_CONTACT (the contact ends and the customer is not dialled) or REFUSED (InvalidRequestException, the whisper
   * runs on). Default END_CONTACT.
   */
  readonly stopContactDuringAgentWhisper?: 'END_CONTACT' | 'REFUSED';
  /** Unique per simulation by default. */
  readonly tableName?: string;
  /** A deployment read from a user's template (simulate --app) instead of the sample stack the options below make. */
  readonly deployment?: SynthesizedCallbackStack;
  /** The sample stack's construct options: prompts, voices, the in-queue offer and the wait threshold. */
  readonly construct?: Omit<SynthesizeOptions, 'tableName' | 'learnCallbackIdFromContactEvents' | 'initialCallDelaySeconds'>;
  /** The queue's estimated wait that GetMetricData returns for voice, seconds; undefined: none returned. Default undefined. */
  readonly estimatedWaitSeconds?: number;
  /** The queue's maximum contacts in queue; undefined: no limit. Default undefined. */
  readonly queueMaxContacts?: number;
  /** How long a caller waits in a queue with a customer queue flow before hanging up, simulated seconds. Default 600. */
  readonly callerPatienceSeconds?: number;
  /** The construct's callbackMode. Default AGENT_FIRST. */
  readonly callbackMode?: 'AGENT_FIRST' | 'CUSTOMER_FIRST';
  /**
   * What StopContact does to a customer-first dialled leg whose call is still ringing, which its reference does not say:
   * END_CONTACT (the call ends, the phone stops ringing) or REFUSED (InvalidRequestException, the call rings on).
   * Default END_CONTACT.
   */
  readonly stopContactDuringDial?: 'END_CONTACT' | 'REFUSED';
  /**
   * The docs disagree on whether a callback's initial delay applies when it has a creation flow: CreateCallbackContact's
   * reference says InitialCallDelaySeconds "is ignored" with a ContactFlowId, the customer-first page runs the creation
   * flow "after the Initial delay". HONOURED (the customer-first page, the default) or IGNORED (the reference).
   */
  readonly initialDelayWithCreationFlow?: 'HONOURED' | 'IGNORED';
  /** Seconds a customer-first dial rings before the customer (or their voicemail) answers. Default 6. */
  readonly answerAfterSeconds?: number;
  /** The queue's hours of operation, which GetEffectiveHoursOfOperations answers. Default: none (ResourceNotFoundException). */
  readonly hoursOfOperation?: SimHoursOfOperation;
  /** The instant (ISO 8601) simulated time 0 stands for, on the clocks of the reconciler and write-callback. Default: now. */
  readonly startsAt?: string;
}

export interface TranscriptLine {
  readonly time: number;
  readonly who: string;
  readonly text: string;
}

export interface LambdaInvocation {
  readonly time: number;
  /** The flow (set-callback, agent-whisper, outbound-whisper, ...) or the event source (contact event, CTR). */
  readonly source: string;
  readonly handler: string;
  readonly outcome: string;
  /** The DynamoDB requests it sent, in order, as they reached the table. */
  readonly dynamoDbRequests: readonly string[];
  /** The StopContact calls it made. */
  readonly stopContacts: number;
}

export interface RecordTimeline {
  readonly recordId: string;
  bookedAt?: number;
  cancelledAt?: number;
  idLearnedAt?: number;
  completedAt?: number;
  resolution?: string;
  removedFromQueueAt?: number;
  agentHungUpAt?: number;
  /** Every time Connect dialled the customer of this record's callback. */
  readonly dialledAt: number[];
  /** Customer-first: the legs after the inbound contact, by label (queued leg, then each dialled leg). */
  readonly legs: string[];
  /** Customer-first: when StopContact ended a dialled leg. */
  dialStoppedAt?: number;
  /** Customer-first: when the outbound callback flow hung up on a customer whose callback had been cancelled. */
  hungUpOnAnswerAt?: number;
  /** Customer-first: when the customer's phone stopped ringing (answered, rang out, or stopped). */
  ringingEndedAt?: number;
}

/** How long an agent takes to act on an instruction once it has been said in full, simulated seconds. */
export const AGENT_REACTION_SECONDS = 4;

/** The agent whisper's action that tells the agent to hang up (flows/agent-whisper.json). */
const HANG_UP_PROMPT = 'tell-agent-hang-up';
/** What the transcript names a contact event by. */
interface ContactEventOf {
  readonly detail: { readonly eventType: string; readonly initiationMethod: string };
}

/** The initiation methods of a customer-first callback's legs (customer-first-cb.html). */
const CUSTOMER_FIRST_QUEUED = 'CALLBACK_CUSTOMER_FIRST_QUEUED';
const CUSTOMER_FIRST_DIALED = 'CALLBACK_CUSTOMER_FIRST_DIALED';

/** Voice contacts StopContact does not support (API_StopContact.html). */
const STOP_CONTACT_UNSUPPORTED = new Set(['DISCONNECT', 'TRANSFER', 'QUEUE_TRANSFER', 'EXTERNAL_OUTBOUND', 'MONITOR']);
const INVALID_REQUEST: ConnectApiError = { status: 400, type: 'InvalidRequestException', message: 'The request is not valid' };

/** The construct's event source settings (src/event-processing.ts). */
const CTR_RETRY_ATTEMPTS = 5;
const CONTACT_EVENT_RETRY_ATTEMPTS = 2;

type ContactState = 'IVR' | 'QUEUED' | 'AGENT_WHISPER' | 'DIALLING' | 'CONNECTED' | 'ENDED' | 'INITIAL_DELAY';

interface SimContact extends FlowContact {
  readonly label: string;
  nextContactId?: string;
  startedAt: number;
  endedAt?: number;
  disconnectReason?: string;
  state: ContactState;
  /** The agent handling it, while one is. */
  agent?: string;
  /** Customer-first dialled leg: its answering-machine detection result, once the call has one. */
  answeringMachineDetectionStatus?: string;
  /** When an agent was connected to it. */
  connectedToAgentAt?: number;
}

interface QueueEntry {
  /** QUEUED_LEG: a customer-first callback's queued leg, waiting for an available agent before its customer is dialled. */
  readonly kind: 'CALLBACK' | 'CALL' | 'QUEUED_LEG';
  readonly contact: SimContact;
  readonly routableAt: number;
  /** Callbacks: retries left after this attempt, and the delay between attempts. */
  readonly retriesLeft: number;
  readonly retryDelaySeconds: number;
}

interface Agent {
  readonly name: string;
  state: 'AVAILABLE' | 'BUSY' | 'OFFLINE';
  contact?: SimContact;
}

interface Scheduled {
  readonly time: number;
  readonly seq: number;
  readonly run: () => Promise<void>;
}

export interface CallResult {
  readonly contactId: string;
  readonly label: string;
  readonly heard: string[];
  readonly path: string[];
  readonly lambdaInvocations: number;
  readonly ended: string;
}

/** An event that exhausted its source's retries, as it would sit in that source's dead-letter queue. */
export interface DeadLetter {
  readonly time: number;
  readonly source: 'CTR' | 'contact event';
  readonly contact: string;
}

export class Simulation {
  public static async start(options: SimulationOptions): Promise<Simulation> {
    const tableName = options.tableName ?? `callbacks-${randomUUID().slice(0, 8)}`;
    const stack = options.deployment ? withTableName(options.deployment, tableName) : synthesizeCallbackStack({
      ...options.construct,
      tableName,
      learnCallbackIdFromContactEvents: options.contactEvents ?? true,
      initialCallDelaySeconds: options.initialCallDelaySeconds,
      callbackMode: options.callbackMode,
    });
    if (options.startsAt !== undefined && Number.isNaN(Date.parse(options.startsAt))) throw new Error(`startsAt is not an ISO 8601 instant: ${options.startsAt}`);
    // A model that cannot answer (a bad slice, an unknown zone) is refused here, not as a 500 in the middle of a call.
    if (options.hoursOfOperation) effectiveHoursOf(options.hoursOfOperation, '2026-01-01', '2026-01-07');
    await createTable(options.dynamoDbEndpoint, tableName);
    const simulation = new Simulation(options, stack, tableName);
    try {
      await simulation.startServices();
    } catch (error) {
      // A bundle that cannot load must not leave the local endpoints listening (the process would never exit).
      await simulation.stop();
      throw error;
    }
    return simulation;
  }

  /** Simulated seconds since the start. */
  public now = 0;
  public readonly transcript: TranscriptLine[] = [];
  public readonly invocations: LambdaInvocation[] = [];
  /** Callback contacts waiting (or in their initial delay), and callers transferred to the queue. */
  public readonly queue: QueueEntry[] = [];
  /** Every contact offered to an agent, by label. */
  public readonly offered: Array<{ readonly agent: string; readonly contact: string; readonly time: number }> = [];
  public readonly timelines = new Map<string, RecordTimeline>();
  /** Extra simulated seconds a Lambda invocation takes, by `<flow>/<action id>`. */
  public readonly slowLambdas: Record<string, number> = {};
  /** Error types raised instead of running an action, by `<flow>/<action id>`. */
  public readonly failingActions: Record<string, string> = {};
  /** As failingActions, but each only the first time its action runs. */
  public readonly failingOnce: Record<string, string> = {};
  /** What GetMetricData returns as the queue's estimated wait for voice, seconds; undefined: no estimate. */
  public estimatedWaitSeconds?: number;
  /** The queue's maximum contacts in queue; undefined: no limit. */
  public queueMaxContacts?: number;
  /** Customer queue flow runs that failed (a defect of the flow or the simulator, never of the caller). */
  public readonly queueFlowErrors: string[] = [];
  /** Callback numbers that do not answer. */
  public readonly unansweredNumbers = new Set<string>();
  /** Customer-first: callback numbers whose voicemail answers. */
  public readonly voicemailNumbers = new Set<string>();
  /** Every StopContact the handlers sent, with Connect's answer. */
  public readonly stopContactCalls: Array<{ readonly time: number; readonly contact: string; readonly answer: string }> = [];
  /** Events their sources gave up on. */
  public readonly deadLetters: DeadLetter[] = [];
  /** Contacts (by label) whose INITIATED contact event never reaches EventBridge (best effort delivery). */
  public readonly lostContactEvents = new Set<string>();
  /** Contacts (by label) whose CTR never reaches the processor (e.g. past the event source's maximum age). */
  public readonly lostCtrs = new Set<string>();
  /** Agents told to hang up who did so on a live caller, not a callback. */
  public readonly hungUpOnCallers: string[] = [];
  public readonly handlerLogs: string[] = [];
  public readonly stack: SynthesizedCallbackStack;

  private readonly options: SimulationOptions;
  private readonly tableName: string;
  private readonly contacts = new Map<string, SimContact>();
  private readonly agents = new Map<string, Agent>();
  private readonly scheduled: Scheduled[] = [];
  private readonly handlers = new Map<string, LoadedHandler>();
  /** Each caller's key presses still to come, by contact id. */
  private readonly scripts = new Map<string, Array<string | undefined>>();
  private readonly heardBy = new Map<string, string[]>();
  /** Stops the customer queue flow of a queued contact when an agent takes it: resolves once the flow has stopped. */
  private readonly queueFlowStops = new Map<string, () => Promise<void>>();
  private readonly records = new Map<string, PlainItem>();
  private seq = 0;
  /** The instant simulated time 0 stands for (epochMsAt): `startsAt`, or when the simulation started on the host's clock. */
  private readonly startedAtMs: number;
  private readonly counters: Record<string, number> = {};
  private gate?: DynamoDbGate;
  private connectApi?: LocalServer;
  /** Customer-first: the record (inbound contact id) of each leg, and the outbound callback flow its block named. */
  private readonly legRecords = new Map<string, string>();
  private readonly legOutboundFlows = new Map<string, SimFlow | undefined>();

  private constructor(options: SimulationOptions, stack: SynthesizedCallbackStack, tableName: string) {
    this.options = options;
    this.startedAtMs = options.startsAt === undefined ? Date.now() : Date.parse(options.startsAt);
    this.stack = stack;
    this.tableName = tableName;
    this.estimatedWaitSeconds = options.estimatedWaitSeconds;
    this.queueMaxContacts = options.queueMaxContacts;
  }

  /** While true, DynamoDB cannot be reached by the handlers. */
  public set dynamoDbUnavailable(value: boolean) {
    this.gate!.unavailable = value;
    this.log('system', value ? 'DynamoDB becomes unreachable' : 'DynamoDB is reachable again');
  }

  public get contactEvents(): boolean {
    return this.stack.learnsIdFromContactEvents;
  }

  public async stop(): Promise<void> {
    await Promise.all([this.gate?.close(), this.connectApi?.close()]);
  }

  public log(who: string, text: string): void {
    this.transcript.push({ time: this.now, who, text });
  }

  /** The transcript as text. */
  public render(): string {
    return this.transcript.map((line) => `[${line.time.toFixed(1).padStart(7)}s] ${line.who.padEnd(24)} ${line.text}`).join('\n');
  }

  /** Runs every scheduled event up to `time`, in order, and moves the clock there. */
  public async advanceTo(time: number): Promise<void> {
    for (;;) {
      this.scheduled.sort((a, b) => a.time - b.time || a.seq - b.seq);
      const next = this.scheduled[0];
      if (!next || next.time > time) break;
      this.scheduled.shift();
      this.now = Math.max(this.now, next.time);
      await next.run();
    }
    this.now = Math.max(this.now, time);
  }

  public async advance(seconds: number): Promise<void> {
    await this.advanceTo(this.now + seconds);
  }

  /** Runs until nothing is scheduled (bounded, so a loop cannot hang a test). */
  public async settle(maxSeconds = 3600): Promise<void> {
    const limit = this.now + maxSeconds;
    while (this.scheduled.length > 0) {
      const earliest = Math.min(...this.scheduled.map((event) => event.time));
      if (earliest > limit) break;
      await this.advanceTo(earliest);
    }
  }

  /** A caller dials in to the set-callback flow; `inputs` are their key presses, in order (undefined: no input). */
  public async call(from: string | undefined, inputs: Array<string | undefined>): Promise<CallResult> {
    const contact = this.newContact('call', { initiationMethod: 'INBOUND', customerAddress: from });
    this.log(contact.label, `rings in from ${from ?? '(withheld number)'}`);
    const script = [...inputs];
    const heard: string[] = [];
    const host = this.host(`caller ${contact.label}`, 'set-callback', (_c, _id, storeInput) => {
      const input = script.shift();
      this.log(`caller ${contact.label}`, input === undefined ? '(says nothing)' : storeInput ? `types ${input}` : `presses ${input}`);
      return input ?? undefined;
    }, heard);
    // What the caller does not use here, they use in the queue (a customer queue flow's offer).
    this.scripts.set(contact.contactId, script);
    this.heardBy.set(contact.contactId, heard);
    const run = await runFlow('set-callback', this.stack.flows['set-callback'].content, contact, host);
    if (run.ended === 'DISCONNECTED') this.endContact(contact, 'CONTACT_FLOW_DISCONNECT');
    return { contactId: contact.contactId, label: contact.label, heard, path: run.path, lambdaInvocations: run.lambdaInvocations, ended: run.ended };
  }

  /**
   * A caller rings the user's own inbound flow, which, as the README shows, points the contact at the construct's
   * customer queue flow with a "Set customer queue flow" block (UpdateContactEventHooks, CustomerQueue), sets the queue
   * and transfers the caller to it. `inputs` are their key presses in the queue, in order (undefined: no key).
   */
  public async callIntoQueue(from: string | undefined, inputs: Array<string | undefined>): Promise<CallResult> {
    const queueFlow = this.stack.flows['customer-queue'];
    if (!queueFlow) throw new Error('the deployment has no customer queue flow (inQueueCallbackOffer)');
    const contact = this.newContact('call', { initiationMethod: 'INBOUND', customerAddress: from });
    this.log(contact.label, `rings in from ${from ?? '(withheld number)'} to the user's own inbound flow`);
    const heard: string[] = [];
    this.scripts.set(contact.contactId, [...inputs]);
    this.heardBy.set(contact.contactId, heard);
    const inbound = userInboundFlow(queueFlow.arn, this.stack.queueArn);
    const run = await runFlow('user-inbound', inbound, contact, this.host(`caller ${contact.label}`, 'user-inbound', () => undefined, heard));
    return { contactId: contact.contactId, label: contact.label, heard, path: run.path, lambdaInvocations: run.lambdaInvocations, ended: run.ended };
  }

  /** Every prompt a contact has heard so far, its customer queue flow's included. */
  public heardOf(label: string): string[] {
    const contact = [...this.contacts.values()].find((candidate) => candidate.label === label);
    return contact ? this.heardBy.get(contact.contactId) ?? [] : [];
  }

  /** An agent logs in (or finishes a contact) and is offered the oldest routable contact of the queue. */
  public async agentAvailable(name: string): Promise<void> {
    const agent = this.agent(name);
    agent.state = 'AVAILABLE';
    agent.contact = undefined;
    this.log(`agent ${name}`, 'is AVAILABLE');
    await this.dispatch();
  }

  /**
   * An available agent dials a customer with the queue's outbound caller settings: the queue's outbound whisper flow
   * runs when the customer answers, as it does for every outbound call of the queue.
   */
  public async agentDialsOut(name: string, number: string): Promise<CallResult> {
    const agent = this.agent(name);
    if (agent.state !== 'AVAILABLE') throw new Error(`agent ${name} is not available to dial out`);
    agent.state = 'BUSY';
    const contact = this.newContact('outbound', { initiationMethod: 'OUTBOUND', customerAddress: number, targetQueueArn: this.stack.queueArn });
    agent.contact = contact;
    contact.agent = name;
    this.log(`agent ${name}`, `dials ${number} on the queue (${contact.label})`);
    this.log(`customer ${contact.label}`, 'answers');
    const heard: string[] = [];
    const run = await this.runOutboundWhisper(contact, heard);
    this.talk(agent, contact);
    return { contactId: contact.contactId, label: contact.label, heard, path: run?.path ?? [], lambdaInvocations: run?.lambdaInvocations ?? 0, ended: 'CONNECTED' };
  }

  /**
   * The agent transfers the contact they are talking with to another queue: Connect creates a new contact (initiation
   * method TRANSFER) and the transferred one ends, its CTR naming the new one as NextContactId.
   */
  public transferByAgent(name: string): string {
    const agent = this.agent(name);
    const from = agent.contact;
    if (!from || from.state !== 'CONNECTED') throw new Error(`agent ${name} is not talking with anyone to transfer`);
    const transfer = this.newContact('transfer', {
      initiationMethod: 'TRANSFER',
      previousContactId: from.contactId,
      initialContactId: from.initialContactId,
      customerAddress: from.customerAddress,
      attributes: { ...from.attributes },
    });
    from.nextContactId = transfer.contactId;
    transfer.state = 'QUEUED';
    this.log(`agent ${name}`, `transfers ${from.label} to another queue (${transfer.label})`);
    this.endContact(from, 'TRANSFER');
    agent.state = 'BUSY';
    this.schedule(this.now + 1, () => this.agentAvailable(name));
    return transfer.label;
  }

  /** The callback records (CALLBACK# items), as the table holds them now. */
  public async callbackRecords(): Promise<PlainItem[]> {
    return (await scanTable(this.options.dynamoDbEndpoint, this.tableName)).filter((item) => String(item.pk).startsWith('CALLBACK#'));
  }

  /** Active pointers (ACTIVE# items): one per number with a PENDING callback. */
  public async activePointers(): Promise<PlainItem[]> {
    return (await scanTable(this.options.dynamoDbEndpoint, this.tableName)).filter((item) => String(item.pk).startsWith('ACTIVE#'));
  }

  public labelOf(contactId: string | undefined): string {
    return contactId ? this.contacts.get(contactId)?.label ?? contactId : '-';
  }

  /** Callback contacts in the queue (waiting or in their initial delay), customer-first queued legs included. */
  public queuedCallbacks(): string[] {
    return this.queue.filter((entry) => entry.kind !== 'CALL').map((entry) => entry.contact.label);
  }

  /** Lambda invocations, counted by source (flow or event source). */
  public invocationCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const invocation of this.invocations) counts[invocation.source] = (counts[invocation.source] ?? 0) + 1;
    return counts;
  }

  public timelineOf(inboundContactId: string): RecordTimeline {
    let timeline = this.timelines.get(inboundContactId);
    if (!timeline) {
      timeline = { recordId: inboundContactId, dialledAt: [], legs: [] };
      this.timelines.set(inboundContactId, timeline);
    }
    return timeline;
  }

  private agent(name: string): Agent {
    let agent = this.agents.get(name);
    if (!agent) {
      agent = { name, state: 'OFFLINE' };
      this.agents.set(name, agent);
    }
    return agent;
  }

  private newContact(kind: string, fields: Partial<SimContact> & Pick<FlowContact, 'initiationMethod'>): SimContact {
    const contactId = randomUUID();
    this.counters[kind] = (this.counters[kind] ?? 0) + 1;
    const contact: SimContact = {
      contactId,
      initialContactId: contactId,
      channel: 'VOICE',
      attributes: {},
      eventHooks: {},
      label: `${kind}#${this.counters[kind]}`,
      startedAt: this.now,
      state: 'IVR',
      ...fields,
    };
    this.contacts.set(contactId, contact);
    return contact;
  }

  private async startServices(): Promise<void> {
    this.gate = await startDynamoDbGate(this.options.dynamoDbEndpoint);
    this.connectApi = await startConnectApi((request) => this.stopContact(request.contactId, request.instanceId), {
      describeContact: (request) => this.describeContact(request.contactId, request.instanceId),
      effectiveHours: (request) => this.effectiveHours(request),
    });
    const baseEnv: Record<string, string> = {
      AWS_REGION: this.stack.instanceArn.split(':')[3] || SIM_REGION,
      AWS_ACCESS_KEY_ID: 'simulator',
      AWS_SECRET_ACCESS_KEY: 'simulator',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: this.gate.endpoint,
      AWS_ENDPOINT_URL_CONNECT: this.connectApi.endpoint,
      PATH: process.env.PATH ?? '',
    };
    for (const fn of Object.values(this.stack.functions)) {
      if (fn.handler === 'queue-outbound-whisper') continue;
      // The reconciler runs without the construct's pause between its Connect calls, which would only make the simulator
      // wait in real time.
      const reconciler = fn.handler === 'reconciler';
      const env = { ...baseEnv, ...fn.environment, ...(reconciler ? { RECONCILE_CALL_SPACING_MS: '0' } : {}) };
      // Every function runs on the simulated clock: the booking judges the hours of operation and the calendar day by it,
      // the reconciler ages, and all of them a record's expiry, which must agree whichever function wrote it.
      const clock = () => this.epochMsAt(this.now);
      const log = (line: string) => this.handlerLogs.push(line);
      this.handlers.set(fn.handler, loadBundledHandler(fn.handler, env, log, { clock, bundleFile: fn.bundleFile }));
    }
    this.log('system', `flows ${this.stack.source ? `of ${this.stack.source}` : 'synthesized from a CallbackManagement stack'}; contact events ${this.contactEvents ? 'on' : 'off'}; `
      + `CTR delay ${this.ctrDelay}s${this.contactEvents ? `, contact event delay ${this.eventDelay}s` : ''}`
      + `${this.stack.flows['customer-queue'] ? '; callbacks offered in the queue' : ''}`);
  }

  private get ctrDelay(): number {
    return this.options.ctrDelaySeconds ?? 60;
  }

  private get eventDelay(): number {
    return this.options.contactEventDelaySeconds ?? 2;
  }

  private schedule(at: number, run: () => Promise<void>): void {
    this.scheduled.push({ time: at, seq: this.seq++, run });
  }

  private handlerByArn(functionArn: string): string {
    const fn = Object.values(this.stack.functions).find((candidate) => candidate.arn === functionArn);
    if (!fn) throw new Error(`a flow invokes ${functionArn}, which is not a function of the stack`);
    return fn.handler;
  }

  private flowByArn(arn: string | undefined): SimFlow | undefined {
    return arn === undefined ? undefined : Object.values(this.stack.flows).find((flow) => flow?.arn === arn);
  }

  /** Invokes a handler bundle and logs the record changes it made. */
  private async invoke(source: string, handler: string, event: unknown, extraSeconds = 0, timeLimitSeconds = Infinity): Promise<LambdaOutcome> {
    const fn = this.handlers.get(handler);
    if (!fn) throw new Error(`no bundle loaded for ${handler}`);
    const firstRequest = this.gate?.operations.length ?? 0;
    const firstStop = this.stopContactCalls.length;
    const started = Date.now();
    let outcome: LambdaOutcome;
    try {
      const reply = await fn(event);
      const elapsed = (Date.now() - started) / 1000 + extraSeconds;
      outcome = elapsed > timeLimitSeconds ? { kind: 'TIMEOUT', elapsedSeconds: elapsed } : { kind: 'REPLY', reply };
    } catch (error) {
      outcome = { kind: 'FAILED', error: (error as Error).message };
    }
    const described = outcome.kind === 'REPLY' ? describeReply(outcome.reply)
      : outcome.kind === 'TIMEOUT' ? `TIMEOUT after ${outcome.elapsedSeconds.toFixed(1)}s (limit ${timeLimitSeconds}s)` : `FAILED: ${outcome.error}`;
    this.invocations.push({
      time: this.now,
      source,
      handler,
      outcome: described,
      dynamoDbRequests: this.gate?.operations.slice(firstRequest) ?? [],
      stopContacts: this.stopContactCalls.length - firstStop,
    });
    this.log('lambda', `${handler} (${source}) -> ${described}`);
    if (outcome.kind === 'TIMEOUT') this.now += timeLimitSeconds;
    await this.logRecordChanges();
    return outcome;
  }

  private host(listener: string, flowName: string, nextInput: FlowHost['nextInput'], heard: string[]): FlowHost {
    return {
      instanceArn: this.stack.instanceArn,
      nextInput,
      invokeLambda: (functionArn, event, limit, actionKey) =>
        this.invoke(flowName, this.handlerByArn(functionArn), event, this.slowLambdas[actionKey] ?? 0, limit),
      createCallback: (contact, queueArn, parameters) => this.createCallback(contact as SimContact, queueArn, parameters),
      transferToQueue: (contact, queueArn) => {
        const sim = contact as SimContact;
        if (this.queueIsFull(queueArn)) {
          this.log('queue', `${sim.label} cannot be queued: the queue is at capacity`);
          return 'QueueAtCapacity';
        }
        sim.targetQueueArn = queueArn;
        sim.state = 'QUEUED';
        const kind = sim.initiationMethod === CUSTOMER_FIRST_QUEUED ? 'QUEUED_LEG' : 'CALL';
        this.queue.push({ kind, contact: sim, routableAt: this.now, retriesLeft: 0, retryDelaySeconds: 0 });
        this.log('queue', kind === 'QUEUED_LEG' ? `${sim.label} waits in the queue for an available agent, to dial its customer`
          : `${sim.label} waits in the queue for an agent`);
        if (kind === 'QUEUED_LEG') this.emitLegEvent(sim, 'QUEUED');
        const queueFlow = this.flowByArn(sim.eventHooks.CustomerQueue);
        if (queueFlow) this.startQueueFlow(sim, queueFlow);
        this.schedule(this.now, () => this.dispatch());
        return undefined;
      },
      say: (_contact, text) => {
        heard.push(text);
        this.log(`IVR -> ${listener}`, `"${text}"`);
      },
      step: (_contact, actionId, type, detail) => this.log(`  ${flowName}`, `${actionId} [${type}]${detail ? ` ${detail}` : ''}`),
      injectedError: (actionKey) => {
        const once = this.failingOnce[actionKey];
        if (once !== undefined) {
          delete this.failingOnce[actionKey];
          return once;
        }
        return this.failingActions[actionKey];
      },
      queueMetrics: (contact, queueArn, channel) => this.queueMetrics(contact, queueArn, channel),
      isActive: (contact) => (contact as SimContact).endedAt === undefined,
      callProgress: (contact) => callProgressOf((contact as SimContact).answeringMachineDetectionStatus),
    };
  }

  /** A caller's next key press or entry from their script, logged as they make it. */
  private scriptedInput(contact: SimContact): FlowHost['nextInput'] {
    return (_contact, _actionId, storeInput) => {
      const input = this.scripts.get(contact.contactId)?.shift();
      this.log(`caller ${contact.label}`, input === undefined ? '(says nothing)' : storeInput ? `types ${input}` : `presses ${input}`);
      return input ?? undefined;
    };
  }

  /**
   * Runs the contact's customer queue flow while it waits: one run after another (each ends with EndFlowExecution, and
   * the caller stays in the queue), until an agent takes the contact or it ends. A run goes on until its Loop prompts
   * block waits; the scheduled interruption resumes it, and the clock moves on only once it waits again, so the flow
   * runs in simulated time like every other event.
   */
  private startQueueFlow(contact: SimContact, flow: SimFlow): void {
    const listener = `caller ${contact.label}`;
    const heard = this.heardBy.get(contact.contactId) ?? [];
    const patience = this.options.callerPatienceSeconds ?? 600;
    this.schedule(this.now + patience, async () => {
      if (contact.state !== 'QUEUED' || contact.endedAt !== undefined) return;
      this.log(listener, `hangs up after waiting ${patience}s in the queue`);
      await this.queueFlowStops.get(contact.contactId)?.();
      this.endContact(contact, 'CUSTOMER_DISCONNECT');
    });
    const runOnce = (): Promise<void> => new Promise<void>((stepDone) => {
      let settle = stepDone;
      const host: FlowHost = {
        ...this.host(listener, flow.name, this.scriptedInput(contact), heard),
        loopPrompts: (_contact, messages, seconds) => new Promise((resume) => {
          this.log(`IVR -> ${listener}`, `${messages.map((message) => `"${message}"`).join(' ')} (in a loop${seconds === undefined ? '' : `, interrupted every ${seconds}s`})`);
          for (const message of messages) heard.push(message);
          const wake = (outcome: 'INTERRUPTED' | 'DEQUEUED') => new Promise<void>((done) => {
            if (this.queueFlowStops.get(contact.contactId) !== stop) {
              done();
              return;
            }
            this.queueFlowStops.delete(contact.contactId);
            settle = done;
            resume(outcome);
          });
          const stop = () => wake('DEQUEUED');
          this.queueFlowStops.set(contact.contactId, stop);
          if (seconds !== undefined) this.schedule(this.now + seconds, () => wake('INTERRUPTED'));
          // The flow waits now: the event that ran it is over.
          settle();
        }),
      };
      runFlow(flow.name, flow.content, contact, host).then((run) => {
        if (run.ended === 'DISCONNECTED') this.endContact(contact, 'CONTACT_FLOW_DISCONNECT');
        if (run.ended === 'ENDED' && contact.state === 'QUEUED' && contact.endedAt === undefined) {
          this.log('queue', `${contact.label} stays in the queue; its customer queue flow starts again`);
          this.schedule(this.now, runOnce);
        }
        settle();
      }, (error: Error) => {
        this.queueFlowErrors.push(error.message);
        this.log('simulator', `the customer queue flow of ${contact.label} failed: ${error.message}`);
        settle();
      });
    });
    this.log('queue', `${contact.label} runs the customer queue flow while it waits`);
    this.schedule(this.now, runOnce);
  }

  /** What GetMetricData returns for the queue: its size, and the estimated wait for a single channel only. */
  private queueMetrics(contact: FlowContact, queueArn: string | undefined, channel: string | undefined): Record<string, string> {
    const queue = queueArn ?? contact.targetQueueArn ?? '';
    const size = this.queue.filter((entry) => entry.contact.targetQueueArn === queue).length;
    const metrics: Record<string, string> = { 'Queue.ARN': queue, 'Queue.Size': String(size) };
    if (channel !== undefined && channel.toLowerCase() === 'voice' && this.estimatedWaitSeconds !== undefined) {
      metrics['Queue.EstimatedWaitTime'] = String(this.estimatedWaitSeconds);
    }
    return metrics;
  }

  /** Whether the queue holds its maximum contacts (queueMaxContacts), every contact it holds counted. */
  private queueIsFull(queueArn: string): boolean {
    return this.queueMaxContacts !== undefined
      && this.queue.filter((entry) => entry.contact.targetQueueArn === queueArn).length >= this.queueMaxContacts;
  }

  private createCallback(inbound: SimContact, queueArn: string, parameters: Record<string, string>): string | undefined {
    if (this.queueIsFull(queueArn)) {
      this.log('queue', `no callback for ${inbound.label}: the queue is at capacity`);
      return 'NoMatchingError';
    }
    // The exported parameters select customer-first mode (SIM_CUSTOMER_FIRST_PARAMETERS): a flow without them gets agent-first.
    if (parameters.SimulatedDialMode === SIM_CUSTOMER_FIRST_PARAMETERS.SimulatedDialMode) {
      return this.createCustomerFirstCallback(inbound, queueArn, parameters);
    }
    const callback = this.newContact('callback', {
      initialContactId: inbound.initialContactId,
      previousContactId: inbound.contactId,
      initiationMethod: 'CALLBACK',
      customerAddress: inbound.callbackNumber,
      attributes: { ...inbound.attributes },
      eventHooks: { ...inbound.eventHooks },
      targetQueueArn: queueArn,
      state: 'QUEUED',
    });
    inbound.nextContactId = callback.contactId;
    const delay = Number(parameters.InitialCallDelaySeconds ?? '0');
    // The console writes "Maximum number of retries" into MaximumConnectionAttempts as it is.
    const retries = Math.max(0, Number(parameters.MaximumConnectionAttempts ?? '0'));
    const retryDelaySeconds = Number(parameters.RetryDelaySeconds ?? '600');
    this.queue.push({ kind: 'CALLBACK', contact: callback, routableAt: this.now + delay, retriesLeft: retries, retryDelaySeconds });
    this.log('queue', `${callback.label} created for ${inbound.label} (${callback.customerAddress}), routable in ${delay}s, `
      + `${retries} retr${retries === 1 ? 'y' : 'ies'} if unanswered`);
    this.schedule(this.now + delay, () => this.dispatch());
    if (this.contactEvents && this.lostContactEvents.has(callback.label)) {
      this.log('eventbridge', `the contact event INITIATED/CALLBACK for ${callback.label} is lost`);
    } else if (this.contactEvents) {
      const event = contactEvent(callback, this.stack.instanceArn, this.now);
      this.schedule(this.now + this.eventDelay, () => this.deliverContactEvent(callback, event, 0));
    }
    return undefined;
  }

  private async deliverContactEvent(callback: SimContact, event: ContactEventOf, retry: number): Promise<void> {
    const kind = `${event.detail.eventType}/${event.detail.initiationMethod}`;
    this.log('eventbridge', `contact event ${kind} for ${callback.label} delivered${retry > 0 ? ` (retry ${retry})` : ''}`);
    const outcome = await this.invoke('contact event', 'contact-event-processor', event);
    if (outcome.kind === 'REPLY') return;
    if (retry < CONTACT_EVENT_RETRY_ATTEMPTS) {
      // Lambda's asynchronous retries come about a minute, then two, after the failure.
      this.schedule(this.now + 60 * (retry + 1), () => this.deliverContactEvent(callback, event, retry + 1));
      return;
    }
    this.deadLetters.push({ time: this.now, source: 'contact event', contact: callback.label });
    this.log('eventbridge', `contact event for ${callback.label} sent to the dead-letter queue after ${retry} retries`);
  }

  /** `ctrReason`: the DisconnectReason its CTR carries, where it differs from what the transcript says. */
  private endContact(contact: SimContact, reason: string, ctrReason: string | undefined = reason): void {
    if (contact.endedAt !== undefined) return;
    contact.endedAt = this.now;
    contact.state = 'ENDED';
    contact.disconnectReason = reason;
    const index = this.queue.findIndex((entry) => entry.contact === contact);
    if (index >= 0) this.queue.splice(index, 1);
    this.log(contact.label, `ends (${reason})`);
    const ctr = {
      ContactId: contact.contactId,
      InitialContactId: contact.initialContactId,
      PreviousContactId: contact.previousContactId,
      NextContactId: contact.nextContactId,
      InitiationMethod: contact.initiationMethod,
      Channel: contact.channel,
      Attributes: { ...contact.attributes },
      CustomerEndpoint: contact.customerAddress ? { Address: contact.customerAddress, Type: 'TELEPHONE_NUMBER' } : null,
      Queue: contact.targetQueueArn ? { ARN: contact.targetQueueArn } : null,
      DisconnectReason: ctrReason,
      InstanceARN: this.stack.instanceArn,
      ...this.legCtrFields(contact),
    };
    if (this.legRecords.has(contact.contactId)) this.emitLegEvent(contact, 'DISCONNECTED');
    if (!this.passesCtrFilter(ctr)) return;
    if (this.lostCtrs.has(contact.label)) {
      this.log('kinesis', `the CTR of ${contact.label} is lost`);
      return;
    }
    this.schedule(this.now + this.ctrDelay, () => this.deliverCtr(contact, ctr, 0));
  }

  /** Simulated seconds as epoch milliseconds: the clock the functions run on. */
  public epochMsAt(time: number): number {
    return this.startedAtMs + time * 1000;
  }

  /**
   * Runs the reconciler on the construct's schedule (its reconcileInterval) from now on, `runs` times: each run is the
   * scheduled invocation EventBridge makes, and sees the simulated clock.
   */
  public reconcileEvery(runs: number): void {
    const interval = Number(this.stack.functions.reconciler?.environment.RECONCILE_INTERVAL_SECONDS);
    if (!Number.isFinite(interval)) throw new Error('the synthesized stack has no reconciler');
    for (let run = 1; run <= runs; run++) this.schedule(this.now + run * interval, () => this.runReconciler());
  }

  /** One scheduled run of the reconciler, now. */
  public async runReconciler(): Promise<void> {
    this.log('eventbridge', 'the reconciler\'s schedule fires');
    await this.invoke('schedule', 'reconciler', {
      'version': '0',
      'id': randomUUID(),
      'detail-type': 'Scheduled Event',
      'source': 'aws.events',
      'time': new Date(this.epochMsAt(this.now)).toISOString(),
      'region': SIM_REGION,
      'detail': {},
    });
  }

  /** GetEffectiveHoursOfOperations from a handler, through the Connect API endpoint. */
  private effectiveHours(request: EffectiveHoursRequest): EffectiveHours | undefined {
    const hours = this.options.hoursOfOperation;
    if (request.instanceId !== this.stack.instanceArn.split('instance/')[1] || !hours || request.hoursOfOperationId !== hours.id) {
      this.log('connect api', `GetEffectiveHoursOfOperations ${request.hoursOfOperationId}: ResourceNotFoundException`);
      return undefined;
    }
    this.log('connect api', `GetEffectiveHoursOfOperations ${request.fromDate} to ${request.toDate} (${hours.timeZone})`);
    return effectiveHoursOf(hours, request.fromDate, request.toDate);
  }

  /** The simulated time as the hours' wall clock, for the transcript (e.g. "Mon 16:50"). */
  public localTime(time = this.now): string | undefined {
    const zone = this.options.hoursOfOperation?.timeZone;
    if (!zone) return undefined;
    return new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(new Date(this.epochMsAt(time)));
  }

  /** DescribeContact from a handler, through the Connect API endpoint. */
  private describeContact(contactId: string, instanceId: string): DescribedContact | undefined {
    const contact = this.contacts.get(contactId);
    if (instanceId !== this.stack.instanceArn.split('instance/')[1] || !contact) {
      this.log('connect api', `DescribeContact ${this.labelOf(contactId)}: ResourceNotFoundException`);
      return undefined;
    }
    const at = (time: number | undefined) => (time === undefined ? undefined : new Date(this.epochMsAt(time)));
    this.log('connect api', `DescribeContact ${contact.label}: ${contact.endedAt === undefined ? contact.state.toLowerCase().replace('_', ' ')
      : `ended ${(this.now - contact.endedAt).toFixed(0)}s ago (${contact.disconnectReason})`}`);
    return {
      Id: contact.contactId,
      Arn: `${this.stack.instanceArn}/contact/${contact.contactId}`,
      InitiationMethod: contact.initiationMethod,
      InitialContactId: contact.initialContactId,
      PreviousContactId: contact.previousContactId,
      Channel: contact.channel,
      InitiationTimestamp: at(contact.startedAt),
      DisconnectTimestamp: at(contact.endedAt),
      DisconnectReason: contact.endedAt === undefined ? undefined : contact.disconnectReason,
      QueueInfo: contact.targetQueueArn ? { Id: contact.targetQueueArn.split('/').pop(), EnqueueTimestamp: at(contact.startedAt) } : undefined,
      AgentInfo: contact.agent ? { Id: contact.agent } : undefined,
    };
  }

  /** The construct's event source filter (src/event-processing.ts): only CTRs it matches invoke the processor. */
  private passesCtrFilter(ctr: Record<string, unknown>): boolean {
    return this.stack.ctrFilters.some((filter) => matchesFilter(filter, { data: ctr }));
  }

  private async deliverCtr(contact: SimContact, ctr: unknown, retry: number): Promise<void> {
    this.log('kinesis', `CTR of ${contact.label} delivered${retry > 0 ? ` (retry ${retry})` : ''}`);
    const outcome = await this.invoke('CTR', 'ctr-processor', kinesisEvent(ctr, this.seq));
    const failed = outcome.kind !== 'REPLY'
      || ((outcome.reply as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures?.length ?? 0) > 0;
    if (!failed) return;
    if (retry < CTR_RETRY_ATTEMPTS) {
      // The shard waits: the event source retries the failed record, backing off.
      this.schedule(this.now + 2 ** retry, () => this.deliverCtr(contact, ctr, retry + 1));
      return;
    }
    this.deadLetters.push({ time: this.now, source: 'CTR', contact: contact.label });
    this.log('kinesis', `CTR of ${contact.label} sent to the dead-letter queue after ${retry} retries`);
  }

  /** StopContact from a handler, through the Connect API endpoint. */
  private stopContact(contactId: string, instanceId: string): 'STOPPED' | 'NOT_FOUND' | ConnectApiError {
    const contact = this.contacts.get(contactId);
    const answer = (text: string) => {
      this.stopContactCalls.push({ time: this.now, contact: this.labelOf(contactId), answer: text });
      this.log('connect api', `StopContact ${this.labelOf(contactId)}: ${text}`);
    };
    if (instanceId !== this.stack.instanceArn.split('instance/')[1] || !contact || contact.endedAt !== undefined) {
      answer('ContactNotFoundException');
      return 'NOT_FOUND';
    }
    if (STOP_CONTACT_UNSUPPORTED.has(contact.initiationMethod)) {
      answer(`InvalidRequestException (a ${contact.initiationMethod} contact)`);
      return INVALID_REQUEST;
    }
    if (contact.state === 'AGENT_WHISPER' && (this.options.stopContactDuringAgentWhisper ?? 'END_CONTACT') === 'REFUSED') {
      answer('InvalidRequestException (its agent whisper is running)');
      return INVALID_REQUEST;
    }
    const ringing = contact.initiationMethod === CUSTOMER_FIRST_DIALED && contact.state === 'DIALLING';
    if (ringing && (this.options.stopContactDuringDial ?? 'END_CONTACT') === 'REFUSED') {
      answer('InvalidRequestException (its call is ringing)');
      return INVALID_REQUEST;
    }
    const wasQueued = contact.state === 'QUEUED';
    answer(wasQueued ? 'removed from the queue' : `ended (${contact.state.toLowerCase().replace('_', ' ')})`);
    // A customer-first dialled leg's previous contact is its queued leg, not the booking contact.
    const recordId = this.legRecords.get(contact.contactId) ?? contact.previousContactId;
    if (recordId && contact.initiationMethod === CUSTOMER_FIRST_DIALED) {
      this.timelineOf(recordId).dialStoppedAt ??= this.now;
      if (contact.state === 'DIALLING') this.timelineOf(recordId).ringingEndedAt ??= this.now;
    } else if (recordId) {this.timelineOf(recordId).removedFromQueueAt ??= this.now;}
    this.endContact(contact, 'API');
    if (contact.agent) this.releaseAgentLater(contact.agent, contact);
    return 'STOPPED';
  }

  private async dispatch(): Promise<void> {
    for (const agent of this.agents.values()) {
      if (agent.state !== 'AVAILABLE') continue;
      const index = this.queue.findIndex((entry) => entry.routableAt <= this.now && entry.kind !== 'QUEUED_LEG');
      if (index < 0) break;
      const [entry] = this.queue.splice(index, 1);
      await this.queueFlowStops.get(entry.contact.contactId)?.();
      agent.state = 'BUSY';
      agent.contact = entry.contact;
      entry.contact.agent = agent.name;
      this.offered.push({ agent: agent.name, contact: entry.contact.label, time: this.now });
      this.log(`agent ${agent.name}`, `is offered ${entry.contact.label} and accepts`);
      await this.handleAccepted(agent, entry);
    }
    await this.dispatchQueuedLegs();
  }

  /** The agent is free again once the contact they had ended without them (e.g. StopContact). */
  private releaseAgentLater(name: string, contact: SimContact): void {
    this.schedule(this.now, async () => {
      const agent = this.agent(name);
      if (agent.contact === contact) await this.agentAvailable(name);
    });
  }

  /**
   * Every accepted contact runs the agent whisper its AgentWhisper hook names. The whisper takes the time its prompts
   * take. An agent told to hang up does so AGENT_REACTION_SECONDS after the instruction was said in full. For a
   * callback, Connect dials the customer when the whisper ends, unless the contact has ended by then.
   */
  private async handleAccepted(agent: Agent, entry: QueueEntry): Promise<void> {
    const contact = entry.contact;
    const whisperFlow = this.flowByArn(contact.eventHooks.AgentWhisper);
    let run: FlowRun | undefined;
    if (whisperFlow) {
      contact.state = 'AGENT_WHISPER';
      const heard: string[] = [];
      run = await runFlow(whisperFlow.name, whisperFlow.content, contact, this.host(`agent ${agent.name}`, whisperFlow.name, () => undefined, heard));
    }
    if (contact.endedAt !== undefined) {
      this.log(`agent ${agent.name}`, `${contact.label} ended during its agent whisper`);
      return;
    }
    const whisperEnds = this.now + (run?.seconds ?? 0);
    // The instruction is the agent whisper's hang-up prompt, in whatever language: the agent has heard it once its
    // first part (up to its first pause) has been said.
    const instruction = (run?.spoken ?? []).find((prompt) => prompt.actionId === HANG_UP_PROMPT);
    const toldAt = instruction === undefined ? undefined : saidBy(instruction, /^[\s\S]*?(?=<break\b)/) ?? instruction.endsAt;
    const hangsUpAt = toldAt === undefined ? undefined : this.now + toldAt + AGENT_REACTION_SECONDS;
    contact.state = entry.kind === 'CALLBACK' ? 'AGENT_WHISPER' : 'CONNECTED';

    if (hangsUpAt !== undefined) {
      this.schedule(hangsUpAt, async () => {
        if (contact.endedAt !== undefined || agent.contact !== contact) return;
        const who = entry.kind === 'CALLBACK' ? '' : ', a live caller';
        this.log(`agent ${agent.name}`, `hangs up on ${contact.label}${who} as told`);
        if (entry.kind === 'CALL') this.hungUpOnCallers.push(contact.label);
        if (contact.previousContactId) this.timelineOf(contact.previousContactId).agentHungUpAt = this.now;
        this.endContact(contact, 'AGENT_DISCONNECT');
        await this.agentAvailable(agent.name);
      });
    }
    if (entry.kind === 'CALL') {
      if (hangsUpAt === undefined) this.schedule(whisperEnds, async () => this.talk(agent, contact));
      return;
    }
    this.schedule(whisperEnds, () => this.dialCustomer(agent, entry, hangsUpAt));
  }

  private async dialCustomer(agent: Agent, entry: QueueEntry, hangsUpAt: number | undefined): Promise<void> {
    const contact = entry.contact;
    if (contact.endedAt !== undefined) return;
    if (hangsUpAt !== undefined && hangsUpAt <= this.now) return;
    contact.state = 'DIALLING';
    this.log('connect', `the agent whisper of ${contact.label} has ended: dials ${contact.customerAddress}`);
    if (contact.previousContactId) this.timelineOf(contact.previousContactId).dialledAt.push(this.now);
    if (hangsUpAt !== undefined) {
      // The agent will hang up, but not before the customer's phone rings.
      this.log(`customer ${contact.label}`, 'phone rings');
      return;
    }
    if (!contact.customerAddress || this.unansweredNumbers.has(contact.customerAddress)) {
      this.log(`customer ${contact.label}`, 'does not answer');
      agent.state = 'AVAILABLE';
      agent.contact = undefined;
      contact.agent = undefined;
      if (entry.retriesLeft > 0) {
        contact.state = 'QUEUED';
        this.queue.push({ ...entry, routableAt: this.now + entry.retryDelaySeconds, retriesLeft: entry.retriesLeft - 1 });
        this.log('queue', `${contact.label} tried again in ${entry.retryDelaySeconds}s (${entry.retriesLeft - 1} retries left after that)`);
        this.schedule(this.now + entry.retryDelaySeconds, () => this.dispatch());
      } else {
        this.endContact(contact, 'CUSTOMER_NOT_ANSWERED');
      }
      await this.agentAvailable(agent.name);
      return;
    }
    this.log(`customer ${contact.label}`, 'answers');
    await this.runOutboundWhisper(contact, []);
    this.talk(agent, contact);
  }

  /** The queue's outbound whisper flow, if the construct set it, for an outbound call whose customer answered. */
  private async runOutboundWhisper(contact: SimContact, heard: string[]): Promise<FlowRun | undefined> {
    const outbound = this.stack.outboundWhisperOnQueue ? this.stack.flows['outbound-whisper'] : undefined;
    if (!outbound) return undefined;
    return runFlow(outbound.name, outbound.content, contact, this.host(`customer ${contact.label}`, outbound.name, () => undefined, heard));
  }

  private talk(agent: Agent, contact: SimContact): void {
    if (contact.endedAt !== undefined) return;
    contact.state = 'CONNECTED';
    contact.connectedToAgentAt ??= this.now;
    this.log(`agent ${agent.name}`, `talks with ${contact.customerAddress ?? 'the customer'}`);
    this.schedule(this.now + (this.options.talkSeconds ?? 120), async () => {
      if (contact.endedAt !== undefined || agent.contact !== contact) return;
      this.log(`agent ${agent.name}`, `finishes ${contact.label}`);
      this.endContact(contact, 'AGENT_DISCONNECT');
      await this.agentAvailable(agent.name);
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Customer-first callbacks ("Use customer first callback mode", adminguide/customer-first-cb.html). Its lifecycle
  // spreads over three contacts, modelled as the page describes them, and where it is silent as noted:
  // - The callback block creates the queued leg C2 (initiation method CALLBACK_CUSTOMER_FIRST_QUEUED, previous and
  //   initial contact the inbound C1, whose NextContactId it becomes). C2 inherits C1's attributes and hooks: the page
  //   says so only of C4 and C3, and an agent-first callback inherits them too, so that is the least surprising model.
  // - After the initial delay (or at once, with initialDelayWithCreationFlow IGNORED: the docs disagree) C2 runs the
  //   creation flow, "before it is queued in the working queue"; the flow's Transfer to queue queues it.
  // - C2 waits "for agent availability to dial out to customers"; it takes no agent ("zero reserved agent capacity"
  //   is the issue's word, not the docs'): an agent available and not already promised to a dial in progress or to a
  //   waiting caller takes C2 out of the queue. C2 is then disconnected ("customer will be dialed"; its DisconnectReason
  //   is a placeholder on the page, so its CTR has none) with NextContactId the dialled leg C3.
  // - C3 (CALLBACK_CUSTOMER_FIRST_DIALED, previous contact C2, initial contact C1) calls the customer. An unanswered call
  //   rings for 60 seconds (StartOutboundVoiceContact's "60-second dialing timeout"; which DisconnectReason and
  //   AnsweringMachineDetectionStatus Connect records is not documented: TELECOM_TIMEOUT and AMD_UNANSWERED here), and
  //   the outbound callback flow never runs ("If the call is rejected by the network ... the flow will not run", Check
  //   call progress). An answered call (a person, HUMAN_ANSWERED, or a voicemail, VOICEMAIL_BEEP) runs the outbound
  //   callback flow the block named; its Transfer to queue queues C3 as a live call for an agent, whose agent whisper
  //   is the one its hook names. Whether the queue's outbound whisper runs on C3 is not documented: it is not run.
  // - Contact events: the contact-events page shows none for these legs. Each leg's INITIATED, QUEUED,
  //   CONNECTED_TO_AGENT and DISCONNECTED are sent with the fields every contact event has, and the synthesized rule's
  //   pattern decides which reach the processor.
  // ---------------------------------------------------------------------------------------------------------------

  private createCustomerFirstCallback(inbound: SimContact, queueArn: string, parameters: Record<string, string>): string | undefined {
    const queued = this.newContact('queued', {
      initialContactId: inbound.initialContactId,
      previousContactId: inbound.contactId,
      initiationMethod: CUSTOMER_FIRST_QUEUED,
      customerAddress: inbound.callbackNumber,
      attributes: { ...inbound.attributes },
      eventHooks: { ...inbound.eventHooks },
      targetQueueArn: queueArn,
      state: 'INITIAL_DELAY',
    });
    inbound.nextContactId = queued.contactId;
    this.legRecords.set(queued.contactId, inbound.contactId);
    this.legOutboundFlows.set(queued.contactId, this.flowByArn(parameters.SimulatedOutboundCallbackFlow));
    this.timelineOf(inbound.contactId).legs.push(queued.label);
    const creationFlow = this.flowByArn(parameters.ContactFlowId);
    const ignored = creationFlow !== undefined && this.options.initialDelayWithCreationFlow === 'IGNORED';
    const delay = ignored ? 0 : Number(parameters.InitialCallDelaySeconds ?? '0');
    this.log('queue', `${queued.label} (customer first) created for ${inbound.label} (${queued.customerAddress}), `
      + `${creationFlow ? `its creation flow runs in ${delay}s` : `queued in ${delay}s`}${ignored ? ' (initial delay ignored)' : ''}`);
    this.emitLegEvent(queued, 'INITIATED');
    this.schedule(this.now + delay, () => this.startQueuedLeg(queued, creationFlow));
    return undefined;
  }

  /** C2 after its initial delay: its creation flow (which queues it, or not), or straight into the queue. */
  private async startQueuedLeg(queued: SimContact, creationFlow: SimFlow | undefined): Promise<void> {
    if (queued.endedAt !== undefined) return;
    if (!creationFlow) {
      this.queueLeg(queued);
      return;
    }
    queued.state = 'IVR';
    const run = await runFlow(creationFlow.name, creationFlow.content, queued, this.host(`callback ${queued.label}`, creationFlow.name, () => undefined, []));
    if (run.ended === 'DISCONNECTED') this.endContact(queued, 'CONTACT_FLOW_DISCONNECT');
  }

  private queueLeg(queued: SimContact): void {
    queued.state = 'QUEUED';
    this.queue.push({ kind: 'QUEUED_LEG', contact: queued, routableAt: this.now, retriesLeft: 0, retryDelaySeconds: 0 });
    this.log('queue', `${queued.label} waits in the queue for an available agent, to dial its customer`);
    this.emitLegEvent(queued, 'QUEUED');
    this.schedule(this.now, () => this.dispatch());
  }

  /** Takes queued legs out to dial, one per agent who is available and not already expected by a dial or a caller. */
  private async dispatchQueuedLegs(): Promise<void> {
    for (;;) {
      const available = [...this.agents.values()].filter((agent) => agent.state === 'AVAILABLE').length;
      const waitingCallers = this.queue.filter((entry) => entry.kind === 'CALL').length;
      const dialsUnderway = [...this.contacts.values()].filter((contact) => contact.initiationMethod === CUSTOMER_FIRST_DIALED
        && contact.endedAt === undefined && contact.state !== 'QUEUED' && contact.agent === undefined && contact.connectedToAgentAt === undefined).length;
      if (available - waitingCallers - dialsUnderway <= 0) return;
      const index = this.queue.findIndex((entry) => entry.kind === 'QUEUED_LEG' && entry.routableAt <= this.now);
      if (index < 0) return;
      const [entry] = this.queue.splice(index, 1);
      this.dialQueuedLeg(entry.contact);
    }
  }

  private dialQueuedLeg(queued: SimContact): void {
    const recordId = this.legRecords.get(queued.contactId)!;
    const dialled = this.newContact('dialled', {
      initialContactId: queued.initialContactId,
      previousContactId: queued.contactId,
      initiationMethod: CUSTOMER_FIRST_DIALED,
      customerAddress: queued.customerAddress,
      attributes: { ...queued.attributes },
      eventHooks: { ...queued.eventHooks },
      targetQueueArn: queued.targetQueueArn,
      state: 'DIALLING',
    });
    queued.nextContactId = dialled.contactId;
    this.legRecords.set(dialled.contactId, recordId);
    this.legOutboundFlows.set(dialled.contactId, this.legOutboundFlows.get(queued.contactId));
    this.log('connect', `an agent is available: ${queued.label} is taken out of the queue to dial its customer (${dialled.label})`);
    this.endContact(queued, 'taken out of the queue to dial', undefined);
    const timeline = this.timelineOf(recordId);
    timeline.legs.push(dialled.label);
    timeline.dialledAt.push(this.now);
    this.emitLegEvent(dialled, 'INITIATED');
    this.log(`customer ${dialled.label}`, `phone rings (${dialled.customerAddress})`);
    const number = dialled.customerAddress ?? '';
    if (!number || this.unansweredNumbers.has(number)) {
      this.schedule(this.now + 60, async () => {
        if (dialled.endedAt !== undefined) return;
        dialled.answeringMachineDetectionStatus = 'AMD_UNANSWERED';
        this.timelineOf(recordId).ringingEndedAt ??= this.now;
        this.log(`customer ${dialled.label}`, 'does not answer');
        this.endContact(dialled, 'TELECOM_TIMEOUT');
      });
      return;
    }
    const answeredBy = this.voicemailNumbers.has(number) ? 'VOICEMAIL_BEEP' : 'HUMAN_ANSWERED';
    this.schedule(this.now + (this.options.answerAfterSeconds ?? 6), () => this.dialledLegAnswered(dialled, answeredBy));
  }

  /** The call has media: the outbound callback flow runs, then the contact is queued for an agent or hung up. */
  private async dialledLegAnswered(dialled: SimContact, answeredBy: 'VOICEMAIL_BEEP' | 'HUMAN_ANSWERED'): Promise<void> {
    if (dialled.endedAt !== undefined) return;
    dialled.state = 'CONNECTED';
    dialled.answeringMachineDetectionStatus = answeredBy;
    this.timelineOf(this.legRecords.get(dialled.contactId)!).ringingEndedAt ??= this.now;
    this.log(`customer ${dialled.label}`, answeredBy === 'HUMAN_ANSWERED' ? 'answers' : 'does not answer: the voicemail picks up');
    this.emitLegEvent(dialled, 'CONNECTED_TO_SYSTEM');
    const flow = this.legOutboundFlows.get(dialled.contactId);
    if (!flow) {
      this.log('connect', `${dialled.label} has no outbound callback flow: the call ends`);
      this.endContact(dialled, 'CONTACT_FLOW_DISCONNECT');
      return;
    }
    const run = await runFlow(flow.name, flow.content, dialled, this.host(`customer ${dialled.label}`, flow.name, () => undefined, []));
    if (run.ended !== 'DISCONNECTED') return;
    // The flow hangs up once its prompts have been said.
    const hangsUpAt = this.now + run.seconds;
    if (run.lastExternal.cancelled === 'true') this.timelineOf(this.legRecords.get(dialled.contactId)!).hungUpOnAnswerAt ??= hangsUpAt;
    this.schedule(hangsUpAt, async () => this.endContact(dialled, 'CONTACT_FLOW_DISCONNECT'));
  }

  /** A customer-first leg's contact event, sent if the construct's rule matches it. */
  private emitLegEvent(contact: SimContact, eventType: string): void {
    if (!this.contactEvents || !this.legRecords.has(contact.contactId)) return;
    const event = legContactEvent(contact, this.stack.instanceArn, this.now, eventType);
    if (!matchesFilter(this.stack.contactEventPattern, event)) return;
    this.schedule(this.now + this.eventDelay, () => this.deliverContactEvent(contact, event, 0));
  }

  /** What a customer-first dialled leg's CTR says of its call (C3's example contact record). */
  private legCtrFields(contact: SimContact): Record<string, unknown> {
    if (contact.initiationMethod !== CUSTOMER_FIRST_DIALED) return {};
    return {
      AnsweringMachineDetectionStatus: contact.answeringMachineDetectionStatus ?? 'AMD_NOT_APPLICABLE',
      SegmentAttributes: { 'connect:TrafficType': { ValueString: 'CUSTOMER_FIRST_CALLBACK' } },
      ...(contact.connectedToAgentAt === undefined ? {} : { Agent: { ConnectedToAgentTimestamp: simulatedTime(contact.connectedToAgentAt) } }),
    };
  }

  /** Logs each change of a callback record since the last look, and keeps the records' timelines. */
  private async logRecordChanges(): Promise<void> {
    if (this.gate?.unavailable) return;
    for (const item of await this.callbackRecords()) {
      const recordId = String(item.recordId);
      const before = this.records.get(recordId);
      this.records.set(recordId, item);
      const label = this.labelOf(recordId);
      const timeline = this.timelineOf(recordId);
      const state = (record: PlainItem) => (record.resolution ? `${record.status}(${record.resolution})` : String(record.status));
      if (!before) {
        timeline.bookedAt = this.now;
        this.log('record', `${label}: created ${state(item)} for ${item.phoneE164}`);
        continue;
      }
      if (before.callbackContactId !== item.callbackContactId) {
        timeline.idLearnedAt = this.now;
        this.log('record', `${label}: callback contact id learned (${this.labelOf(String(item.callbackContactId))})`);
      }
      if (before.dialledContactId !== item.dialledContactId) {
        this.log('record', `${label}: dialled leg id learned (${this.labelOf(String(item.dialledContactId))})`);
      }
      if (state(before) !== state(item)) {
        // A cancel that also removed the callback goes PENDING -> COMPLETED in one invocation: cancelledAt tells.
        if (timeline.cancelledAt === undefined && (item.status === 'CANCELLED' || item.cancelledAt !== undefined)) timeline.cancelledAt = this.now;
        if (item.status === 'COMPLETED') {
          timeline.completedAt = this.now;
          timeline.resolution = String(item.resolution);
        }
        this.log('record', `${label}: ${state(before)} -> ${state(item)}`);
      }
    }
  }
}

/**
 * A user's own inbound flow that hands its callers to the construct's customer queue flow: "Set customer queue flow"
 * (UpdateContactEventHooks, CustomerQueue), "Set working queue", "Transfer to queue", in the order AWS's sample exports
 * (aws-samples/amazon-connect-callback-contact-management, info/contactflow/test_callback_contact_flow).
 */
export function userInboundFlow(customerQueueFlowArn: string, queueArn: string): any {
  const hangUp = (...errorTypes: string[]) => errorTypes.map((ErrorType) => ({ NextAction: 'disconnect', ErrorType }));
  return {
    Version: '2019-10-30',
    StartAction: 'set-customer-queue-flow',
    Actions: [
      {
        Identifier: 'set-customer-queue-flow',
        Type: 'UpdateContactEventHooks',
        Parameters: { EventHooks: { CustomerQueue: customerQueueFlowArn } },
        Transitions: { NextAction: 'set-working-queue', Errors: hangUp('NoMatchingError') },
      },
      {
        Identifier: 'set-working-queue',
        Type: 'UpdateContactTargetQueue',
        Parameters: { QueueId: queueArn },
        Transitions: { NextAction: 'transfer-to-queue', Errors: hangUp('NoMatchingError') },
      },
      {
        Identifier: 'transfer-to-queue',
        Type: 'TransferContactToQueue',
        Parameters: {},
        Transitions: { NextAction: 'disconnect', Errors: hangUp('QueueAtCapacity', 'NoMatchingError') },
      },
      { Identifier: 'disconnect', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ],
  };
}

function describeReply(reply: unknown): string {
  if (reply === null || typeof reply !== 'object') return JSON.stringify(reply);
  const fields = reply as Record<string, unknown>;
  if (Array.isArray(fields.batchItemFailures)) return `batchItemFailures: ${fields.batchItemFailures.length}`;
  if (typeof fields.open === 'number' && typeof fields.repaired === 'object') {
    // A reconciler run's summary.
    const repaired = Object.entries(fields.repaired as Record<string, number>).map(([resolution, count]) => `${resolution} ${count}`).join(', ') || 'none';
    return `open=${fields.open} lookups=${String(fields.lookups)} repaired: ${repaired}; flagged=${String(fields.flagged)}`;
  }
  const shown = ['result', 'outcome', 'status', 'resolution', 'removedFromQueue', 'cancelled'].filter((key) => fields[key] !== undefined && fields[key] !== '');
  return shown.map((key) => `${key}=${String(fields[key])}`).join(' ');
}

/**
 * Whether an event source filter pattern (Lambda event filtering: exact values, `exists`, nested objects) matches
 * `value`; the construct's CTR filter uses only these forms.
 */
export function matchesFilter(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((rule) => {
      if (rule !== null && typeof rule === 'object' && 'exists' in rule) return (value !== undefined) === Boolean((rule as { exists: unknown }).exists);
      return value === rule;
    });
  }
  if (pattern === null || typeof pattern !== 'object') return false;
  if (value === null || typeof value !== 'object') {
    // Only `exists: false` matches a missing field.
    return Object.values(pattern).every((rule) => matchesFilter(rule, undefined));
  }
  return Object.entries(pattern).every(([key, rule]) => matchesFilter(rule, (value as Record<string, unknown>)[key]));
}

/** The EventBridge envelope of an Amazon Connect contact event about `contactId`, around its `detail`. */
function contactEventEnvelope<Detail>(contactId: string, instanceArn: string, now: number, detail: Detail) {
  return {
    'version': '0',
    'id': randomUUID(),
    'detail-type': 'Amazon Connect Contact Event',
    'source': 'aws.connect',
    'account': instanceArn.split(':')[4],
    'time': simulatedTime(now),
    'region': instanceArn.split(':')[3],
    'resources': [instanceArn, `${instanceArn}/contact/${contactId}`],
    'detail': detail,
  };
}

/** The EventBridge event Amazon Connect sends when a flow creates a callback contact. */
export function contactEvent(callback: FlowContact, instanceArn: string, now: number) {
  return contactEventEnvelope(callback.contactId, instanceArn, now, {
    eventType: 'INITIATED',
    contactId: callback.contactId,
    initialContactId: callback.initialContactId,
    previousContactId: callback.previousContactId,
    channel: callback.channel,
    instanceArn,
    initiationMethod: 'CALLBACK',
    initiationTimestamp: simulatedTime(now),
  });
}

/** Simulated seconds as the ISO time the events and CTRs carry (the clock starts at 2025-01-01). */
function simulatedTime(seconds: number): string {
  return new Date(Date.UTC(2025, 0, 1) + seconds * 1000).toISOString();
}

/** What Check call progress reports for an answering-machine detection result. */
function callProgressOf(status: string | undefined): string | undefined {
  if (status === 'HUMAN_ANSWERED') return 'CallAnswered';
  if (status === 'VOICEMAIL_BEEP') return 'VoicemailBeep';
  if (status === 'VOICEMAIL_NO_BEEP') return 'VoicemailNoBeep';
  return status === undefined ? undefined : 'NotDetected';
}

/**
 * A contact event of a customer-first callback's leg, with the fields the contact-events page gives every contact event
 * (contact-events.html) and the legs' links as their example contact records show them (customer-first-cb.html).
 */
function legContactEvent(contact: SimContact, instanceArn: string, now: number, eventType: string) {
  return contactEventEnvelope(contact.contactId, instanceArn, now, {
    eventType,
    contactId: contact.contactId,
    initialContactId: contact.initialContactId,
    previousContactId: contact.previousContactId,
    channel: contact.channel,
    instanceArn,
    initiationMethod: contact.initiationMethod,
    initiationTimestamp: simulatedTime(contact.startedAt),
    ...(contact.answeringMachineDetectionStatus ? { answeringMachineDetectionStatus: contact.answeringMachineDetectionStatus } : {}),
    ...(contact.connectedToAgentAt === undefined ? {} : { agentInfo: { connectedToAgentTimestamp: simulatedTime(contact.connectedToAgentAt) } }),
  });
}

/** A Kinesis event holding one CTR, as the event source mapping delivers it. */
export function kinesisEvent(ctr: unknown, sequence: number) {
  const sequenceNumber = `4960000000000000000000000000000000000000000000${String(sequence).padStart(10, '0')}`;
  return {
    Records: [{
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'ctr',
        sequenceNumber,
        data: Buffer.from(JSON.stringify(ctr)).toString('base64'),
        approximateArrivalTimestamp: Date.now() / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/ctr-processor',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/ctr',
    }],
  };
}
