/**
 * What the simulator runs: the contact flows and the handler environments exactly as the construct synthesizes them
 * (never flows/*.json directly), either from a sample stack with one CallbackManagement or from a user's own
 * synthesized template (`simulate --app`), with every token mapped back to something local: a function's Fn::GetAtt
 * Arn to its handler bundle, a flow's ContactFlowArn to that flow, a prompt's PromptArn to a local prompt, and the
 * table's Ref to the simulator's table name.
 *
 * A user's template is read by what the construct always writes: each flow's Description ("Callback management:
 * <template> (managed by CDK)") and Name ("<namePrefix>-<template>"), the functions the flows invoke, and the functions
 * that share their table (TABLE_NAME); which function is which handler, by the asset's source path where the template
 * has asset metadata, else by what calls it (the flows' blocks, the CTR stream's event source mapping, the contact
 * event rule).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack, aws_kinesis as kinesis } from 'aws-cdk-lib';
import { type AdmissionPolicy } from '../admission-policy';
import { CallbackManagement, CallbackMode } from '../callback-management';
import { HANDLER_METADATA_KEY } from '../handler-functions';
import { type CallbackPrompts } from '../prompts';
import { type Voice } from '../voice';

export const SIM_ACCOUNT = '123456789012';
export const SIM_REGION = 'us-east-1';
export const SIM_INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
export const SIM_INSTANCE_ARN = `arn:aws:connect:${SIM_REGION}:${SIM_ACCOUNT}:instance/${SIM_INSTANCE_ID}`;
export const SIM_QUEUE_ARN = `${SIM_INSTANCE_ARN}/queue/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;

export type SimFlowName =
  | 'set-callback' | 'agent-whisper' | 'outbound-whisper' | 'transferred-caller-whisper' | 'customer-queue'
  | 'callback-creation' | 'outbound-callback' | 'answered-callback-whisper';

/**
 * The customer-first parameters the simulator's stack gives the construct, and the simulator's Connect reads back. The
 * parameters that select the mode and name the outbound callback flow are documented nowhere and no public export shows
 * them, so these two names are the simulator's own stand-ins for whatever a user's export holds (a real instance
 * would not know them); ContactFlowId is the creation flow as CreateCallbackContact's reference names it
 * (APIReference/interactions-createcallbackcontact.html).
 */
export const SIM_CUSTOMER_FIRST_PARAMETERS = {
  SimulatedDialMode: 'CUSTOMER_FIRST',
  SimulatedOutboundCallbackFlow: CallbackManagement.OUTBOUND_CALLBACK_FLOW_ARN,
  ContactFlowId: CallbackManagement.CALLBACK_CREATION_FLOW_ARN,
} as const;

/** Flows every version of the construct has; the others are found when the stack has them. */
const REQUIRED_FLOWS: readonly SimFlowName[] = ['set-callback', 'agent-whisper', 'outbound-whisper'];

export interface SimFlow {
  readonly name: SimFlowName;
  /** The ARN the simulator gives the flow (what other flows' tokens resolve to). */
  readonly arn: string;
  readonly type: string;
  readonly content: any;
}

export interface SimFunction {
  readonly logicalId: string;
  /** The handler bundle directory name under assets/lambda. */
  readonly handler: string;
  /** The ARN flows invoke it by, after token mapping. */
  readonly arn: string;
  /** The construct's environment for it, with the table name resolved. */
  readonly environment: Record<string, string>;
  /** The bundle to run: the deployment's own asset when the app's cdk.out has it, else the library's. */
  readonly bundleFile?: string;
}

export interface SynthesizedCallbackStack {
  readonly flows: Record<SimFlowName, SimFlow | undefined> & Record<'set-callback' | 'agent-whisper' | 'outbound-whisper', SimFlow>;
  /** By handler name (write-callback, ctr-processor, ...); write-callback is whichever booking asset the stack has. */
  readonly functions: Record<string, SimFunction>;
  readonly queueArn: string;
  readonly instanceArn: string;
  readonly learnsIdFromContactEvents: boolean;
  /** The CTR event source's filter patterns, as synthesized: only CTRs one of them matches reach the processor. */
  readonly ctrFilters: readonly unknown[];
  /** Whether the construct sets the queue's outbound whisper flow (its configureQueueOutboundWhisper). */
  readonly outboundWhisperOnQueue: boolean;
  /** Where it was read from, for the transcript: the stack and the construct's name prefix. */
  readonly source?: string;
  /** The construct's callbackMode. */
  readonly callbackMode: 'AGENT_FIRST' | 'CUSTOMER_FIRST';
  /** The contact event rule's pattern, as synthesized (undefined without contact events): only events it matches are sent. */
  readonly contactEventPattern?: unknown;
}

export interface SynthesizeOptions {
  readonly tableName: string;
  readonly learnCallbackIdFromContactEvents?: boolean;
  readonly initialCallDelaySeconds?: number;
  readonly defaultCountry?: string;
  readonly prompts?: CallbackPrompts;
  readonly voice?: Voice;
  readonly agentVoice?: Voice;
  /** With a customer queue flow offering callbacks every so many seconds. */
  readonly offerIntervalSeconds?: number;
  readonly minimumWaitSeconds?: number;
  readonly callbackMode?: 'AGENT_FIRST' | 'CUSTOMER_FIRST';
  readonly admissionPolicy?: AdmissionPolicy;
}

/** The construct's flow names, longest first (one may end with another). */
const FLOW_NAMES: readonly SimFlowName[] = [
  'answered-callback-whisper', 'transferred-caller-whisper', 'callback-creation', 'outbound-callback', 'outbound-whisper',
  'agent-whisper', 'set-callback', 'customer-queue',
];
/** The construct's flow descriptions (src/contact-flows.ts). */
const FLOW_DESCRIPTION = /^Callback management: ([a-z-]+) \(managed by CDK\)$/;

/**
 * Rebuilds a flow's JSON from its synthesized Content (a string, or Fn::Join of strings and tokens). A value that is
 * one token becomes whatever `resolveToken` returns for it (e.g. the Fn::GetAtt object itself); a token inside a
 * longer string is replaced by its text.
 */
export function flowContentOf(content: any, resolveToken: (token: any) => unknown): any {
  if (typeof content === 'string') return JSON.parse(content);
  const parts: unknown[] = content['Fn::Join'][1];
  const tokens: unknown[] = [];
  const text = parts.map((part) => {
    if (typeof part === 'string') return part;
    tokens.push(part);
    return `@@TOKEN${tokens.length - 1}@@`;
  }).join('');
  const revive = (node: any): any => {
    if (typeof node === 'string') {
      const whole = /^@@TOKEN(\d+)@@$/.exec(node);
      if (whole) return resolveToken(tokens[Number(whole[1])]);
      return node.replace(/@@TOKEN(\d+)@@/g, (_all, index: string) => String(resolveToken(tokens[Number(index)])));
    }
    if (Array.isArray(node)) return node.map(revive);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, revive(v)]));
    return node;
  };
  return revive(JSON.parse(text));
}

const TABLE_PLACEHOLDER = '@@SIMULATOR_TABLE@@';
const synthesized = new Map<string, SynthesizedCallbackStack>();

/**
 * Synthesizes a sample stack with one CallbackManagement and reads back what would be deployed. Synthesis is
 * memoized per set of construct options; only the table name differs between simulations.
 */
export function synthesizeCallbackStack(options: SynthesizeOptions): SynthesizedCallbackStack {
  const key = JSON.stringify({ ...options, tableName: undefined });
  let result = synthesized.get(key);
  if (!result) {
    result = synthesizeOnce(options);
    synthesized.set(key, result);
  }
  return withTableName(result, options.tableName);
}

/** The deployment with its functions' table name set to the simulation's table. */
export function withTableName(stack: SynthesizedCallbackStack, tableName: string): SynthesizedCallbackStack {
  const functions = Object.fromEntries(Object.entries(stack.functions).map(([name, fn]) => [name, {
    ...fn,
    environment: Object.fromEntries(Object.entries(fn.environment).map(([variable, value]) =>
      [variable, value === TABLE_PLACEHOLDER ? tableName : value])),
  }]));
  return { ...stack, functions };
}

function synthesizeOnce(options: SynthesizeOptions): SynthesizedCallbackStack {
  const app = new App({
    context: {
      // No copies of the bundles into cdk.out, and the source path of each asset in the template's metadata.
      'aws:cdk:disable-asset-staging': true,
      'aws:cdk:enable-asset-metadata': true,
    },
  });
  const stack = new Stack(app, 'CallbackSimulator', { env: { account: SIM_ACCOUNT, region: SIM_REGION } });
  new CallbackManagement(stack, 'Callbacks', {
    instanceArn: SIM_INSTANCE_ARN,
    queueArn: SIM_QUEUE_ARN,
    stream: kinesis.Stream.fromStreamArn(stack, 'CtrStream', `arn:aws:kinesis:${SIM_REGION}:${SIM_ACCOUNT}:stream/ctr`),
    namePrefix: 'sim',
    learnCallbackIdFromContactEvents: options.learnCallbackIdFromContactEvents ?? true,
    defaultCountry: options.defaultCountry,
    prompts: options.prompts,
    voice: options.voice,
    agentVoice: options.agentVoice,
    ...(options.initialCallDelaySeconds === undefined ? {} : { initialCallDelay: Duration.seconds(options.initialCallDelaySeconds) }),
    ...(options.offerIntervalSeconds === undefined ? {} : { inQueueCallbackOffer: { interval: Duration.seconds(options.offerIntervalSeconds) } }),
    ...(options.minimumWaitSeconds === undefined ? {} : { minimumWaitForCallback: Duration.seconds(options.minimumWaitSeconds) }),
    ...(options.callbackMode === 'CUSTOMER_FIRST'
      ? { callbackMode: CallbackMode.CUSTOMER_FIRST, customerFirstCallbackParameters: { ...SIM_CUSTOMER_FIRST_PARAMETERS } }
      : {}),
    admissionPolicy: options.admissionPolicy,
  });
  const template = app.synth().getStackByName(stack.stackName).template;
  const [deployment] = readDeployments(template, { stackName: stack.stackName });
  if (!deployment) throw new Error('the sample stack has no CallbackManagement');
  // The sample's instance and queue are the simulator's own.
  return { ...deployment, queueArn: SIM_QUEUE_ARN, instanceArn: SIM_INSTANCE_ARN };
}

/** Where a deployment's template was found, and its assets. */
export interface TemplateSource {
  readonly stackName: string;
  /** The cdk.out folder holding the template's staged assets (asset.<hash>/), if any. */
  readonly assetDir?: string;
}

/** Every CallbackManagement in a synthesized CloudFormation template, as the simulator runs it. */
export function readDeployments(template: any, source: TemplateSource): SynthesizedCallbackStack[] {
  const resources: Record<string, any> = template?.Resources ?? {};
  const byPrefix = new Map<string, Array<[string, any, SimFlowName]>>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Connect::ContactFlow') continue;
    const name = FLOW_DESCRIPTION.exec(String(resource.Properties?.Description ?? ''))?.[1] as SimFlowName | undefined;
    const physical = resource.Properties?.Name;
    if (!name || !FLOW_NAMES.includes(name) || typeof physical !== 'string' || !physical.endsWith(`-${name}`)) continue;
    const prefix = physical.slice(0, -name.length - 1);
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), [logicalId, resource, name]]);
  }
  return [...byPrefix].map(([prefix, flows]) => readDeployment(resources, prefix, flows, source));
}

/** The logical id a reference points to: { Ref } or { Fn::GetAtt: [id, attribute] }. */
function referenceOf(value: unknown): { id: string; attribute?: string } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const ref = (value as any).Ref;
  if (typeof ref === 'string') return { id: ref };
  const getAtt = (value as any)['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return { id: getAtt[0], attribute: String(getAtt[1]) };
  return undefined;
}

/** Every token object in a flow's synthesized Content. */
function tokensOf(content: any): unknown[] {
  if (typeof content === 'string') return [];
  return (content?.['Fn::Join']?.[1] ?? []).filter((part: unknown) => typeof part !== 'string');
}

function readDeployment(
  resources: Record<string, any>,
  prefix: string,
  flowEntries: Array<[string, any, SimFlowName]>,
  source: TemplateSource,
): SynthesizedCallbackStack {
  const where = `the CallbackManagement with namePrefix ${prefix} in ${source.stackName}`;
  // The flows name the functions they invoke; with them, the table they share names the construct's other functions.
  const invoked = new Set<string>();
  for (const [, flow] of flowEntries) {
    for (const token of tokensOf(flow.Properties.Content)) {
      const reference = referenceOf(token);
      if (reference?.attribute === 'Arn' && resources[reference.id]?.Type === 'AWS::Lambda::Function') invoked.add(reference.id);
    }
  }
  const tableOf = (id: string) => referenceOf(resources[id]?.Properties?.Environment?.Variables?.TABLE_NAME)?.id;
  const tableId = [...invoked].map(tableOf).find((id) => id !== undefined);
  if (tableId === undefined) throw new Error(`the simulator cannot find the table of ${where}`);
  const ownFunctions = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::Lambda::Function' && tableOf(id) === tableId);

  const flowIdOfName = Object.fromEntries(flowEntries.map(([id, , name]) => [name, id]));
  const handlerOf = (id: string): string | undefined => {
    const named: unknown = resources[id].Metadata?.[HANDLER_METADATA_KEY];
    if (typeof named === 'string') return named;
    const assetPath: unknown = resources[id].Metadata?.['aws:asset:path'];
    if (typeof assetPath === 'string' && path.basename(path.dirname(assetPath)) === 'lambda') return path.basename(assetPath);
    if (isInvokedBy(resources, flowIdOfName['set-callback'], 'book-caller-number', id)) return 'write-callback';
    if (isInvokedBy(resources, flowIdOfName['set-callback'], 'undo-booking', id)) return 'update-callback';
    const calls = (type: string, target: (resource: any) => unknown[]) => Object.values(resources)
      .some((resource) => resource.Type === type && target(resource).some((value) => referenceOf(value)?.id === id));
    if (calls('AWS::Lambda::EventSourceMapping', (r) => [r.Properties?.FunctionName])) return 'ctr-processor';
    if (calls('AWS::Events::Rule', (r) => (r.Properties?.Targets ?? []).map((t: any) => t.Arn))) return 'contact-event-processor';
    // The custom resource's handler is the one function left: its provider framework's function calls it.
    return 'queue-outbound-whisper';
  };

  const instanceArnOf = (environment: Record<string, unknown>) => environment.INSTANCE_ARN;
  const functions: Record<string, SimFunction> = {};
  const functionArnById: Record<string, string> = {};
  let instanceArn: string | undefined;
  let queueArn: string | undefined;
  for (const logicalId of ownFunctions) {
    const resource = resources[logicalId];
    const handler = handlerOf(logicalId)!;
    const variables: Record<string, unknown> = resource.Properties?.Environment?.Variables ?? {};
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) {
      if (typeof value === 'string') environment[name] = value;
      else if (referenceOf(value)?.id === tableId) environment[name] = TABLE_PLACEHOLDER;
      else throw new Error(`the simulator cannot resolve ${name} of ${logicalId} in ${where}: ${JSON.stringify(value)} is not known before deployment`);
    }
    instanceArn ??= String(instanceArnOf(environment));
    queueArn ??= environment.QUEUE_ARN;
    const region = instanceArn.split(':')[3] || SIM_REGION;
    const account = instanceArn.split(':')[4] || SIM_ACCOUNT;
    const arn = `arn:aws:lambda:${region}:${account}:function:${logicalId}`;
    functionArnById[logicalId] = arn;
    // Both write-callback assets are the flows' booking function (the hours one checks the hours of operation too).
    const role = handler === 'write-callback-hours' ? 'write-callback' : handler;
    functions[role] = { logicalId, handler, arn, environment, bundleFile: stagedBundle(resource, source.assetDir) };
  }
  if (!instanceArn || !queueArn) throw new Error(`the simulator cannot read the instance and queue of ${where}`);

  const flowArnById: Record<string, string> = Object.fromEntries(flowEntries.map(([id]) => [id, `${instanceArn}/contact-flow/${id}`]));
  const resolveToken = (token: any): string => {
    const reference = referenceOf(token);
    if (reference?.attribute === 'Arn' && functionArnById[reference.id]) return functionArnById[reference.id];
    if (reference?.attribute === 'ContactFlowArn' && flowArnById[reference.id]) return flowArnById[reference.id];
    if (reference?.attribute === 'PromptArn' && resources[reference.id]?.Type === 'AWS::Connect::Prompt') return `${instanceArn}/prompt/${reference.id}`;
    throw new Error(`the simulator cannot map the token ${JSON.stringify(token)} in a flow of ${where}`);
  };
  const flows: Partial<Record<SimFlowName, SimFlow>> = {};
  for (const [logicalId, resource, name] of flowEntries) {
    const content = flowContentOf(resource.Properties.Content, resolveToken);
    flows[name] = { name, arn: flowArnById[logicalId], type: resource.Properties.Type, content };
  }
  for (const name of REQUIRED_FLOWS) {
    if (!flows[name]) throw new Error(`${where} has no ${name} flow`);
  }
  const ctrProcessor = functions['ctr-processor']?.logicalId;
  const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && referenceOf(r.Properties?.FunctionName)?.id === ctrProcessor);
  const ctrFilters = mappings.flatMap((mapping) => (mapping.Properties.FilterCriteria?.Filters ?? [])
    .map((filter: any) => JSON.parse(filter.Pattern)));
  const outboundFlowId = flowIdOfName['outbound-whisper'];
  return {
    flows: flows as SynthesizedCallbackStack['flows'],
    functions,
    queueArn,
    instanceArn,
    learnsIdFromContactEvents: functions['contact-event-processor'] !== undefined,
    // No filter at all would let every CTR through.
    ctrFilters: mappings.length > 0 && ctrFilters.length === 0 ? [{}] : ctrFilters,
    outboundWhisperOnQueue: Object.values(resources).some((r) => r.Type === 'Custom::ConnectQueueOutboundWhisper'
      && referenceOf(r.Properties?.OutboundFlowArn)?.id === outboundFlowId),
    source: `${source.stackName}, namePrefix ${prefix}`,
    callbackMode: functions['write-callback']?.environment.CALLBACK_MODE === 'CUSTOMER_FIRST' ? 'CUSTOMER_FIRST' : 'AGENT_FIRST',
    contactEventPattern: Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule'
      && (r.Properties?.Targets ?? []).some((target: any) => referenceOf(target.Arn)?.id === functions['contact-event-processor']?.logicalId))
      ?.Properties.EventPattern,
  };
}

/** Whether the action `actionId` of the flow `flowId` invokes the function `functionId`. */
function isInvokedBy(resources: Record<string, any>, flowId: string | undefined, actionId: string, functionId: string): boolean {
  if (flowId === undefined) return false;
  const content = flowContentOf(resources[flowId].Properties.Content, (token) => token);
  const action = (content.Actions ?? []).find((candidate: any) => candidate.Identifier === actionId);
  return referenceOf(action?.Parameters?.LambdaFunctionARN)?.id === functionId;
}

/** The function's staged asset in cdk.out (asset.<hash>/index.js, the hash being its S3 key's), if it is there. */
function stagedBundle(resource: any, assetDir: string | undefined): string | undefined {
  const key = resource.Properties?.Code?.S3Key;
  if (assetDir === undefined || typeof key !== 'string') return undefined;
  const file = path.join(assetDir, `asset.${key.replace(/\.zip$/, '')}`, 'index.js');
  return fs.existsSync(file) ? file : undefined;
}

/** Every CallbackManagement of a synthesized app: each stack template that cdk.out's manifest.json lists. */
export function readApp(cdkOutDir: string): SynthesizedCallbackStack[] {
  // Absolute: the staged bundles are loaded by their path, from wherever the simulator runs.
  const cdkOut = path.resolve(cdkOutDir);
  const manifestFile = path.join(cdkOut, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${cdkOut} has no manifest.json: give the cdk.out folder of a synthesized app`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const deployments: SynthesizedCallbackStack[] = [];
  for (const [artifactId, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly') {
      // A stage's nested assembly.
      deployments.push(...readApp(path.join(cdkOut, artifact.properties.directoryName)));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const file = path.join(cdkOut, artifact.properties.templateFile);
    deployments.push(...readDeployments(JSON.parse(fs.readFileSync(file, 'utf8')), { stackName: artifact.displayName ?? artifactId, assetDir: cdkOut }));
  }
  return deployments;
}

/** Every CallbackManagement of one template file; its assets are looked for beside it. */
export function readTemplateFile(templateFile: string): SynthesizedCallbackStack[] {
  const file = path.resolve(templateFile);
  const template = JSON.parse(fs.readFileSync(file, 'utf8'));
  return readDeployments(template, { stackName: path.basename(file).replace(/\.template\.json$|\.json$/, ''), assetDir: path.dirname(file) });
}
