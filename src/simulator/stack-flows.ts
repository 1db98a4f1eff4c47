/**
 * What the simulator runs: the three contact flows and the handler environments exactly as the construct
 * synthesizes them in a sample stack (never flows/*.json directly), with every token mapped back to something
 * local: a function's Fn::GetAtt Arn to its handler bundle (by the function's logical id and asset path), the
 * agent whisper flow's ContactFlowArn to that flow, and the table's Ref to the simulator's table name.
 */
import * as path from 'path';
import { App, Duration, Stack, aws_kinesis as kinesis } from 'aws-cdk-lib';
import { CallbackManagement, CallbackMode } from '../callback-management';

export const SIM_ACCOUNT = '123456789012';
export const SIM_REGION = 'us-east-1';
export const SIM_INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
export const SIM_INSTANCE_ARN = `arn:aws:connect:${SIM_REGION}:${SIM_ACCOUNT}:instance/${SIM_INSTANCE_ID}`;
export const SIM_QUEUE_ARN = `${SIM_INSTANCE_ARN}/queue/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;

export type SimFlowName =
  | 'set-callback' | 'agent-whisper' | 'outbound-whisper' | 'transferred-caller-whisper'
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
}

export interface SynthesizedCallbackStack {
  readonly flows: Record<SimFlowName, SimFlow | undefined> & Record<'set-callback' | 'agent-whisper' | 'outbound-whisper', SimFlow>;
  /** By handler name (write-callback, ctr-processor, ...). */
  readonly functions: Record<string, SimFunction>;
  readonly queueArn: string;
  readonly instanceArn: string;
  readonly learnsIdFromContactEvents: boolean;
  /** The CTR event source's filter patterns, as synthesized: only CTRs one of them matches reach the processor. */
  readonly ctrFilters: readonly unknown[];
  /** Whether the construct sets the queue's outbound whisper flow (its configureQueueOutboundWhisper). */
  readonly outboundWhisperOnQueue: boolean;
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
  readonly callbackMode?: 'AGENT_FIRST' | 'CUSTOMER_FIRST';
}

/** A flow's template name is the end of its physical name (`<namePrefix>-<template>`); longest names first. */
const FLOW_NAMES: readonly SimFlowName[] = [
  'answered-callback-whisper', 'transferred-caller-whisper', 'callback-creation', 'outbound-callback', 'outbound-whisper', 'agent-whisper', 'set-callback',
];
const flowNameOf = (physicalName: string): SimFlowName | undefined => FLOW_NAMES.find((name) => physicalName.endsWith(`-${name}`));

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
    result = synthesizeOnce({ ...options, tableName: TABLE_PLACEHOLDER });
    synthesized.set(key, result);
  }
  const functions = Object.fromEntries(Object.entries(result.functions).map(([name, fn]) => [name, {
    ...fn,
    environment: Object.fromEntries(Object.entries(fn.environment).map(([variable, value]) =>
      [variable, value === TABLE_PLACEHOLDER ? options.tableName : value])),
  }]));
  return { ...result, functions };
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
    ...(options.initialCallDelaySeconds === undefined ? {} : { initialCallDelay: Duration.seconds(options.initialCallDelaySeconds) }),
    ...(options.callbackMode === 'CUSTOMER_FIRST'
      ? { callbackMode: CallbackMode.CUSTOMER_FIRST, customerFirstCallbackParameters: { ...SIM_CUSTOMER_FIRST_PARAMETERS } }
      : {}),
  });
  const template = app.synth().getStackByName(stack.stackName).template;
  const resources: Record<string, any> = template.Resources;

  const tableIds = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table').map(([id]) => id);
  const functions: Record<string, SimFunction> = {};
  const functionArnById: Record<string, string> = {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const assetPath: unknown = resource.Metadata?.['aws:asset:path'];
    // Only the handler bundles; the custom-resource provider framework's function is not simulated.
    if (typeof assetPath !== 'string' || path.basename(path.dirname(assetPath)) !== 'lambda') continue;
    const handler = path.basename(assetPath);
    const variables: Record<string, unknown> = resource.Properties?.Environment?.Variables ?? {};
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) {
      if (typeof value === 'string') environment[name] = value;
      else if (value && typeof value === 'object' && tableIds.includes((value as any).Ref)) environment[name] = options.tableName;
      else throw new Error(`the simulator cannot resolve ${name} of ${logicalId}: ${JSON.stringify(value)}`);
    }
    const arn = `arn:aws:lambda:${SIM_REGION}:${SIM_ACCOUNT}:function:${logicalId}`;
    functionArnById[logicalId] = arn;
    functions[handler] = { logicalId, handler, arn, environment };
  }

  const flowIdByLogicalId: Record<string, string> = {};
  const flowResources = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Connect::ContactFlow');
  for (const [logicalId] of flowResources) flowIdByLogicalId[logicalId] = `${SIM_INSTANCE_ARN}/contact-flow/${logicalId}`;

  const resolveToken = (token: any): string => {
    const getAtt = token?.['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      const [id, attribute] = getAtt;
      if (attribute === 'Arn' && functionArnById[id]) return functionArnById[id];
      if (attribute === 'ContactFlowArn' && flowIdByLogicalId[id]) return flowIdByLogicalId[id];
    }
    throw new Error(`the simulator cannot map the token ${JSON.stringify(token)} in a flow`);
  };

  const flows: Partial<Record<SimFlowName, SimFlow>> = {};
  for (const [logicalId, resource] of flowResources) {
    const name = flowNameOf(String(resource.Properties.Name));
    if (!name) continue;
    const content = flowContentOf(resource.Properties.Content, resolveToken);
    flows[name] = { name, arn: flowIdByLogicalId[logicalId], type: resource.Properties.Type, content };
  }
  for (const name of REQUIRED_FLOWS) {
    if (!flows[name]) throw new Error(`the synthesized stack has no ${name} flow`);
  }
  const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
  const ctrFilters = mappings.flatMap((mapping) => (mapping.Properties.FilterCriteria?.Filters ?? [])
    .map((filter: any) => JSON.parse(filter.Pattern)));
  return {
    flows: flows as SynthesizedCallbackStack['flows'],
    functions,
    queueArn: SIM_QUEUE_ARN,
    instanceArn: SIM_INSTANCE_ARN,
    learnsIdFromContactEvents: functions['contact-event-processor'] !== undefined,
    // No filter at all would let every CTR through.
    ctrFilters: mappings.length > 0 && ctrFilters.length === 0 ? [{}] : ctrFilters,
    outboundWhisperOnQueue: Object.values(resources).some((r) => r.Type === 'Custom::ConnectQueueOutboundWhisper'),
    callbackMode: options.callbackMode ?? 'AGENT_FIRST',
    contactEventPattern: Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule')?.Properties.EventPattern,
  };
}

