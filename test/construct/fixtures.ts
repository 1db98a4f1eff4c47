import { App, Stack, aws_kinesis as kinesis } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CallbackManagement, CallbackManagementProps } from '../../src';
import { flowContentOf } from '../../src/simulator/stack-flows';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-2';
export const INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`;
export const QUEUE_ARN = `${INSTANCE_ARN}/queue/11111111-2222-4333-8444-555555555555`;
/** An hours of operation of the instance. */
export const HOURS_ARN = `${INSTANCE_ARN}/operating-hours/33333333-4444-4555-8666-777777777777`;
export const OTHER_QUEUE_ARN = `${INSTANCE_ARN}/queue/22222222-3333-4444-8555-666666666666`;
export const STREAM_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/ctr-stream`;
export const PHONE_NUMBER_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:phone-number/99999999-8888-4777-8666-555555555555`;

export function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
}

export function addConstruct(stack: Stack, id = 'Callbacks', overrides: Partial<CallbackManagementProps> = {}): CallbackManagement {
  return new CallbackManagement(stack, id, {
    instanceArn: INSTANCE_ARN,
    queueArn: QUEUE_ARN,
    stream: kinesis.Stream.fromStreamArn(stack, `${id}Stream`, STREAM_ARN),
    ...overrides,
  });
}

export function synth(overrides: Partial<CallbackManagementProps> = {}): { stack: Stack; construct: CallbackManagement; template: Template } {
  const stack = newStack();
  const construct = addConstruct(stack, 'Callbacks', overrides);
  return { stack, construct, template: Template.fromStack(stack) };
}

/** Every resource of a type, as [logicalId, resource] pairs. */
export function resourcesOf(template: Template, type: string): Array<[string, any]> {
  return Object.entries(template.findResources(type));
}

/** The parsed flow JSON of a CfnContactFlow, with Fn::GetAtt/Ref objects in place of tokens. */
export function flowContent(resource: any): any {
  return flowContentOf(resource.Properties.Content, (token) => token);
}
