/**
 * What the construct deploys, read from a synthesized template: each function's handler (matched by its code
 * asset), memory and architecture; the event source mappings with their filters; the EventBridge rules with
 * their patterns and target handlers.
 */
import * as path from 'node:path';
import { App, Stack, aws_lambda as lambda } from 'aws-cdk-lib';
import type { Pattern } from './event-pattern';
import { ASSET_DIR, handlerNames } from './handlers';
import { resourcesOfType } from './synth';

export interface DeployedFunction {
  readonly logicalId: string;
  readonly handler: string;
  readonly memoryMb: number;
  readonly architecture: string;
  readonly timeoutSeconds: number;
}

export interface DeployedDesign {
  readonly functions: DeployedFunction[];
  readonly eventSourceMappings: Array<{ readonly handler: string; readonly batchSize: number; readonly filters: Pattern[] }>;
  readonly rules: Array<{ readonly logicalId: string; readonly pattern: Pattern; readonly handlers: string[] }>;
  readonly resourceCount: number;
}

/** The S3 key each handler's asset gets (`<source hash>.zip`), computed the way the construct's Code.fromAsset does. */
function assetKeys(): Map<string, string> {
  const app = new App();
  return new Map(handlerNames().map((name) => {
    // One scope per asset: Code.bind adds a child named 'Code' to the scope it is given.
    const stack = new Stack(app, `AssetKey-${name}`, { env: { account: '123456789012', region: 'us-east-1' } });
    const code = lambda.Code.fromAsset(path.join(ASSET_DIR, name)).bind(stack);
    return [String(code.s3Location?.objectKey), name];
  }));
}

function logicalIdOf(reference: unknown): string | undefined {
  if (typeof reference !== 'object' || reference === null) return undefined;
  const ref = (reference as { Ref?: unknown }).Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = (reference as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

export function readDesign(template: Record<string, any>): DeployedDesign {
  const keys = assetKeys();
  const functions: DeployedFunction[] = resourcesOfType(template, 'AWS::Lambda::Function').flatMap(([logicalId, resource]) => {
    const handler = keys.get(String(resource.Properties?.Code?.S3Key));
    if (!handler) return [];
    return [{
      logicalId,
      handler,
      memoryMb: Number(resource.Properties.MemorySize ?? 128),
      architecture: String(resource.Properties.Architectures?.[0] ?? 'x86_64'),
      timeoutSeconds: Number(resource.Properties.Timeout ?? 3),
    }];
  });
  const handlerOf = (reference: unknown) => functions.find((fn) => fn.logicalId === logicalIdOf(reference))?.handler ?? 'unknown';

  const eventSourceMappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(([, resource]) => ({
    handler: handlerOf(resource.Properties.FunctionName),
    batchSize: Number(resource.Properties.BatchSize ?? 100),
    filters: ((resource.Properties.FilterCriteria?.Filters ?? []) as Array<{ Pattern: string }>)
      .map((filter) => JSON.parse(filter.Pattern) as Pattern),
  }));
  // Rules that match events; a scheduled rule (the reconciler's) has a ScheduleExpression and no pattern.
  const rules = resourcesOfType(template, 'AWS::Events::Rule').filter(([, resource]) => resource.Properties.EventPattern !== undefined).map(([logicalId, resource]) => ({
    logicalId,
    pattern: resource.Properties.EventPattern as Pattern,
    handlers: ((resource.Properties.Targets ?? []) as Array<{ Arn: unknown }>).map((target) => handlerOf(target.Arn)),
  }));
  return { functions, eventSourceMappings, rules, resourceCount: Object.keys(template.Resources ?? {}).length };
}
