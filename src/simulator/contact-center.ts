/**
 * An offline Amazon Connect contact center around the construct's flows and handler bundles: inbound calls,
 * one queue of callback contacts, agents, the whisper flows, CTRs on a Kinesis-shaped event and contact events
 * on an EventBridge-shaped one, a Connect API endpoint for StopContact, and a simulated clock (nothing waits
 * in real time). Every step goes to a transcript.
 */
import { randomUUID } from 'crypto';
import { type FlowContact, type FlowHost, type LambdaOutcome, runFlow } from './flow-interpreter';
import { type LoadedHandler, loadBundledHandler } from './handler-runtime';
import { type DynamoDbGate, type LocalServer, type PlainItem, createTable, scanTable, startConnectApi, startDynamoDbGate } from './local-services';
import { SIM_INSTANCE_ID, SIM_REGION, type SynthesizedCallbackStack, synthesizeCallbackStack } from './stack-flows';

export interface SimulationOptions {
  /** A DynamoDB endpoint supporting transactions (DynamoDB Local). */
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
  /** Unique per simulation by default. */
  readonly tableName?: string;
}

export interface TranscriptLine {
  readonly time: number;
  readonly who: string;
  readonly text: string;
}

export interface LambdaInvocation {
  readonly time: number;
  /** The flow (set-callback, agent-whisper, outbound-whisper) or the event source (contact event, CTR). */
  readonly source: string;
  readonly handler: string;
  readonly outcome: string;
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
}

interface SimContact extends FlowContact {
  readonly label: string;
  nextContactId?: string;
  startedAt: number;
  endedAt?: number;
  disconnectReason?: string;
}

interface QueueEntry {
  readonly kind: 'CALLBACK' | 'CALL';
  readonly contact: SimContact;
  readonly routableAt: number;
}

interface Agent {
  readonly name: string;
  state: 'AVAILABLE' | 'BUSY' | 'OFFLINE';
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

export class Simulation {
  public static async start(options: SimulationOptions): Promise<Simulation> {
    const tableName = options.tableName ?? `callbacks-${randomUUID().slice(0, 8)}`;
    const stack = synthesizeCallbackStack({
      tableName,
      learnCallbackIdFromContactEvents: options.contactEvents ?? true,
      initialCallDelaySeconds: options.initialCallDelaySeconds,
    });
    await createTable(options.dynamoDbEndpoint, tableName);
    const simulation = new Simulation(options, stack, tableName);
    await simulation.startServices();
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
  /** Callback numbers that do not answer. */
  public readonly unansweredNumbers = new Set<string>();
  public readonly handlerLogs: string[] = [];
  public readonly stack: SynthesizedCallbackStack;

  private readonly options: SimulationOptions;
  private readonly tableName: string;
  private readonly contacts = new Map<string, SimContact>();
  private readonly agents = new Map<string, Agent>();
  private readonly scheduled: Scheduled[] = [];
  private readonly handlers = new Map<string, LoadedHandler>();
  private readonly records = new Map<string, PlainItem>();
  private seq = 0;
  private inboundCount = 0;
  private callbackCount = 0;
  private gate?: DynamoDbGate;
  private connectApi?: LocalServer;

  private constructor(options: SimulationOptions, stack: SynthesizedCallbackStack, tableName: string) {
    this.options = options;
    this.stack = stack;
    this.tableName = tableName;
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
    const contactId = randomUUID();
    const contact: SimContact = {
      contactId,
      initialContactId: contactId,
      initiationMethod: 'INBOUND',
      channel: 'VOICE',
      customerAddress: from,
      attributes: {},
      eventHooks: {},
      label: `call#${++this.inboundCount}`,
      startedAt: this.now,
    };
    this.contacts.set(contactId, contact);
    this.log(contact.label, `rings in from ${from ?? '(withheld number)'}`);
    const script = [...inputs];
    const heard: string[] = [];
    const host = this.host(`caller ${contact.label}`, 'set-callback', (_c, _id, storeInput) => {
      const input = script.shift();
      this.log(`caller ${contact.label}`, input === undefined ? '(says nothing)' : storeInput ? `types ${input}` : `presses ${input}`);
      return input ?? undefined;
    }, heard);
    const run = await runFlow('set-callback', this.stack.flows['set-callback'].content, contact, host);
    if (run.ended === 'DISCONNECTED') this.endContact(contact, 'CONTACT_FLOW_DISCONNECT');
    return { contactId, label: contact.label, heard, path: run.path, lambdaInvocations: run.lambdaInvocations, ended: run.ended };
  }

  /** An agent logs in (or finishes a contact) and is offered the oldest routable contact of the queue. */
  public async agentAvailable(name: string): Promise<void> {
    const agent = this.agents.get(name) ?? { name, state: 'OFFLINE' };
    this.agents.set(name, agent);
    agent.state = 'AVAILABLE';
    this.log(`agent ${name}`, 'is AVAILABLE');
    await this.dispatch();
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

  /** Callback contacts in the queue (waiting or in their initial delay). */
  public queuedCallbacks(): string[] {
    return this.queue.filter((entry) => entry.kind === 'CALLBACK').map((entry) => entry.contact.label);
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
      timeline = { recordId: inboundContactId };
      this.timelines.set(inboundContactId, timeline);
    }
    return timeline;
  }

  private async startServices(): Promise<void> {
    this.gate = await startDynamoDbGate(this.options.dynamoDbEndpoint);
    this.connectApi = await startConnectApi((request) => this.stopContact(request.contactId, request.instanceId));
    const baseEnv: Record<string, string> = {
      AWS_REGION: SIM_REGION,
      AWS_ACCESS_KEY_ID: 'simulator',
      AWS_SECRET_ACCESS_KEY: 'simulator',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: this.gate.endpoint,
      AWS_ENDPOINT_URL_CONNECT: this.connectApi.endpoint,
      PATH: process.env.PATH ?? '',
    };
    for (const fn of Object.values(this.stack.functions)) {
      if (fn.handler === 'queue-outbound-whisper') continue;
      this.handlers.set(fn.handler, loadBundledHandler(fn.handler, { ...baseEnv, ...fn.environment }, (line) => this.handlerLogs.push(line)));
    }
    this.log('system', `flows synthesized from a CallbackManagement stack; contact events ${this.contactEvents ? 'on' : 'off'}; `
      + `CTR delay ${this.ctrDelay}s${this.contactEvents ? `, contact event delay ${this.eventDelay}s` : ''}`);
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

  /** Invokes a handler bundle and logs the record changes it made. */
  private async invoke(source: string, handler: string, event: unknown, extraSeconds = 0, timeLimitSeconds = Infinity): Promise<LambdaOutcome> {
    const fn = this.handlers.get(handler);
    if (!fn) throw new Error(`no bundle loaded for ${handler}`);
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
    this.invocations.push({ time: this.now, source, handler, outcome: described });
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
        sim.targetQueueArn = queueArn;
        this.queue.push({ kind: 'CALL', contact: sim, routableAt: this.now });
        this.log('queue', `${sim.label} waits in the queue for an agent`);
        return undefined;
      },
      say: (_contact, text) => {
        heard.push(text);
        this.log(`IVR -> ${listener}`, `"${text}"`);
      },
      step: (_contact, actionId, type, detail) => this.log(`  ${flowName}`, `${actionId} [${type}]${detail ? ` ${detail}` : ''}`),
      injectedError: (actionKey) => this.failingActions[actionKey],
    };
  }

  private createCallback(inbound: SimContact, queueArn: string, parameters: Record<string, string>): string | undefined {
    const contactId = randomUUID();
    const callback: SimContact = {
      contactId,
      initialContactId: inbound.initialContactId,
      previousContactId: inbound.contactId,
      initiationMethod: 'CALLBACK',
      channel: 'VOICE',
      customerAddress: inbound.callbackNumber,
      attributes: { ...inbound.attributes },
      eventHooks: { ...inbound.eventHooks },
      targetQueueArn: queueArn,
      label: `callback#${++this.callbackCount}`,
      startedAt: this.now,
    };
    this.contacts.set(contactId, callback);
    inbound.nextContactId = contactId;
    const delay = Number(parameters.InitialCallDelaySeconds ?? '0');
    this.queue.push({ kind: 'CALLBACK', contact: callback, routableAt: this.now + delay });
    this.log('queue', `${callback.label} created for ${inbound.label} (${callback.customerAddress}), routable in ${delay}s, `
      + `${parameters.MaximumConnectionAttempts} attempt(s)`);
    this.schedule(this.now + delay, () => this.dispatch());
    if (this.contactEvents) {
      const event = contactEvent(callback, this.stack.instanceArn, this.now);
      this.schedule(this.now + this.eventDelay, async () => {
        this.log('eventbridge', `contact event INITIATED/CALLBACK for ${callback.label} delivered`);
        await this.invoke('contact event', 'contact-event-processor', event);
      });
    }
    return undefined;
  }

  private endContact(contact: SimContact, reason: string): void {
    if (contact.endedAt !== undefined) return;
    contact.endedAt = this.now;
    contact.disconnectReason = reason;
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
      DisconnectReason: reason,
      InstanceARN: this.stack.instanceArn,
    };
    this.schedule(this.now + this.ctrDelay, async () => {
      this.log('kinesis', `CTR of ${contact.label} delivered`);
      await this.invoke('CTR', 'ctr-processor', kinesisEvent(ctr, this.seq));
    });
  }

  /** StopContact from a handler, through the Connect API endpoint: removes a queued contact. */
  private stopContact(contactId: string, instanceId: string): 'STOPPED' | 'NOT_FOUND' {
    const contact = this.contacts.get(contactId);
    const index = this.queue.findIndex((entry) => entry.contact.contactId === contactId);
    if (instanceId !== SIM_INSTANCE_ID || !contact || contact.endedAt !== undefined || index < 0) {
      this.log('connect api', `StopContact ${this.labelOf(contactId)}: ContactNotFoundException`);
      return 'NOT_FOUND';
    }
    this.queue.splice(index, 1);
    this.log('connect api', `StopContact ${contact.label}: removed from the queue`);
    if (contact.previousContactId) this.timelineOf(contact.previousContactId).removedFromQueueAt = this.now;
    this.endContact(contact, 'API');
    return 'STOPPED';
  }

  private async dispatch(): Promise<void> {
    for (const agent of this.agents.values()) {
      if (agent.state !== 'AVAILABLE') continue;
      const index = this.queue.findIndex((entry) => entry.routableAt <= this.now);
      if (index < 0) return;
      const [entry] = this.queue.splice(index, 1);
      agent.state = 'BUSY';
      this.offered.push({ agent: agent.name, contact: entry.contact.label, time: this.now });
      this.log(`agent ${agent.name}`, `is offered ${entry.contact.label} and accepts`);
      await this.handleAccepted(agent, entry);
    }
  }

  private async handleAccepted(agent: Agent, entry: QueueEntry): Promise<void> {
    const contact = entry.contact;
    const talk = async () => {
      this.log(`agent ${agent.name}`, `talks with ${contact.customerAddress ?? 'the customer'}`);
      this.schedule(this.now + (this.options.talkSeconds ?? 120), async () => {
        this.log(`agent ${agent.name}`, `finishes ${contact.label}`);
        this.endContact(contact, 'AGENT_DISCONNECT');
        await this.agentAvailable(agent.name);
      });
    };
    if (entry.kind === 'CALL') {
      await talk();
      return;
    }
    const whisperArn = contact.eventHooks.AgentWhisper;
    const whisper = Object.values(this.stack.flows).find((flow) => flow.arn === whisperArn);
    if (whisper) {
      const run = await runFlow(whisper.name, whisper.content, contact, this.host(`agent ${agent.name}`, whisper.name, () => undefined, []));
      // The flow's outcome, not its words: the record the whisper's Lambda reported is no longer PENDING.
      const reported = run.lastExternal;
      const hangUp = (reported.result === 'APPLIED' || reported.result === 'REFUSED') && reported.status !== '' && reported.status !== 'PENDING';
      if (hangUp) {
        this.log(`agent ${agent.name}`, `hangs up (record ${reported.status}${reported.resolution ? `/${reported.resolution}` : ''})`);
        if (contact.previousContactId) this.timelineOf(contact.previousContactId).agentHungUpAt = this.now;
        this.endContact(contact, 'AGENT_DISCONNECT');
        agent.state = 'AVAILABLE';
        await this.dispatch();
        return;
      }
    }
    this.log('connect', `dials ${contact.customerAddress} for ${contact.label}`);
    if (!contact.customerAddress || this.unansweredNumbers.has(contact.customerAddress)) {
      this.log(`customer ${contact.label}`, 'does not answer');
      this.endContact(contact, 'CUSTOMER_NOT_ANSWERED');
      agent.state = 'AVAILABLE';
      await this.dispatch();
      return;
    }
    this.log(`customer ${contact.label}`, 'answers');
    const outbound = this.stack.flows['outbound-whisper'];
    await runFlow(outbound.name, outbound.content, contact, this.host(`customer ${contact.label}`, outbound.name, () => undefined, []));
    await talk();
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

function describeReply(reply: unknown): string {
  if (reply === null || typeof reply !== 'object') return JSON.stringify(reply);
  const fields = reply as Record<string, unknown>;
  if (Array.isArray(fields.batchItemFailures)) return `batchItemFailures: ${fields.batchItemFailures.length}`;
  const shown = ['result', 'outcome', 'status', 'resolution', 'removedFromQueue'].filter((key) => fields[key] !== undefined && fields[key] !== '');
  return shown.map((key) => `${key}=${String(fields[key])}`).join(' ');
}

/** The EventBridge event Amazon Connect sends when a flow creates a callback contact. */
export function contactEvent(callback: FlowContact, instanceArn: string, now: number) {
  const time = new Date(Date.UTC(2025, 0, 1) + now * 1000).toISOString();
  return {
    'version': '0',
    'id': randomUUID(),
    'detail-type': 'Amazon Connect Contact Event',
    'source': 'aws.connect',
    'account': instanceArn.split(':')[4],
    'time': time,
    'region': instanceArn.split(':')[3],
    'resources': [instanceArn, `${instanceArn}/contact/${callback.contactId}`],
    'detail': {
      eventType: 'INITIATED',
      contactId: callback.contactId,
      initialContactId: callback.initialContactId,
      previousContactId: callback.previousContactId,
      channel: callback.channel,
      instanceArn,
      initiationMethod: 'CALLBACK',
      initiationTimestamp: time,
    },
  };
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
