/** Synthesizes stacks with the construct from src/ (as the library's consumers would, offline) for sections 4 and 5. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, aws_kinesis as kinesis } from 'aws-cdk-lib';
import { CallbackManagement } from '../../src';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/11111111-2222-4333-8444-555555555555`;
const STREAM_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/connect-contact-trace-records`;

/** A queue ARN of the instance; each construct instance gets its own queue. */
function queueArn(index: number): string {
  return `${INSTANCE_ARN}/queue/66666666-7777-4888-9999-${String(index).padStart(12, '0')}`;
}

export interface Synthesized {
  readonly template: Record<string, any>;
  readonly ms: number;
}

/** Builds and synthesizes a stack with `instances` constructs (0: an empty stack), into a fresh temporary directory. */
export function synthesize(instances: number): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    const start = process.hrtime.bigint();
    // Raised so that any number of constructs synthesizes; the section reports whether the stack could deploy (≤ 500 resources).
    const app = new App({ outdir, context: { '@aws-cdk/core:stackResourceLimit': '0' } });
    const stack = new Stack(app, 'BenchStack', { env: { account: ACCOUNT, region: REGION } });
    for (let i = 0; i < instances; i++) {
      new CallbackManagement(stack, `Callbacks${i}`, {
        instanceArn: INSTANCE_ARN,
        queueArn: queueArn(i),
        stream: kinesis.Stream.fromStreamArn(stack, `CtrStream${i}`, STREAM_ARN),
        namePrefix: `bench-callbacks-${i}`,
      });
    }
    const assembly = app.synth();
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    const template = assembly.getStackByName(stack.stackName).template as Record<string, any>;
    return { template, ms: elapsed };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Resources of one CloudFormation type in a template. */
export function resourcesOfType(template: Record<string, any>, type: string): Array<[string, Record<string, any>]> {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => (resource as { Type?: string }).Type === type) as Array<[string, Record<string, any>]>;
}
