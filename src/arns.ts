import { Token } from 'aws-cdk-lib';

/** The parts of an Amazon Connect ARN that the construct needs. */
export interface ConnectArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly instanceId: string;
}

export interface QueueArnParts extends ConnectArnParts {
  readonly queueId: string;
}

const PARTITION = '(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc)';
const REGION = '([a-z]{2}(?:-[a-z]+)+-\\d)';
const ACCOUNT = '(\\d{12})';
const RESOURCE_ID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';

const INSTANCE_ARN = new RegExp(`^arn:${PARTITION}:connect:${REGION}:${ACCOUNT}:instance/${RESOURCE_ID}$`);
const QUEUE_ARN = new RegExp(`^arn:${PARTITION}:connect:${REGION}:${ACCOUNT}:instance/${RESOURCE_ID}/queue/${RESOURCE_ID}$`);
// Claimed numbers have had two ARN shapes: the current instance-independent one and the older per-instance one.
const PHONE_NUMBER_ARN = new RegExp(`^arn:${PARTITION}:connect:${REGION}:${ACCOUNT}:(?:instance/${RESOURCE_ID}/)?phone-number/${RESOURCE_ID}$`);

/** Returns undefined for an unresolved token: it is validated by CloudFormation at deploy time instead. */
export function parseInstanceArn(value: string, propName: string): ConnectArnParts | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const match = INSTANCE_ARN.exec(value);
  if (!match) {
    throw new Error(`${propName} must be an Amazon Connect instance ARN like arn:aws:connect:us-east-1:123456789012:instance/<instance-id>, got '${value}'`);
  }
  return { partition: match[1], region: match[2], account: match[3], instanceId: match[4] };
}

export function parseQueueArn(value: string, propName: string): QueueArnParts | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const match = QUEUE_ARN.exec(value);
  if (!match) {
    throw new Error(`${propName} must be an Amazon Connect queue ARN like arn:aws:connect:us-east-1:123456789012:instance/<instance-id>/queue/<queue-id>, got '${value}'`);
  }
  return { partition: match[1], region: match[2], account: match[3], instanceId: match[4], queueId: match[5] };
}

export function parsePhoneNumberArn(value: string, propName: string): { readonly phoneNumberId: string } | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const match = PHONE_NUMBER_ARN.exec(value);
  if (!match) {
    throw new Error(`${propName} must be an Amazon Connect phone number ARN like arn:aws:connect:us-east-1:123456789012:phone-number/<phone-number-id>, got '${value}'`);
  }
  return { phoneNumberId: match[match.length - 1] };
}

/** A queue of another instance would make every flow fail at run time: refuse it at synth. */
export function assertQueueBelongsToInstance(instance: ConnectArnParts, queue: QueueArnParts): void {
  const mismatches = (['partition', 'region', 'account', 'instanceId'] as const)
    .filter((key) => instance[key] !== queue[key]);
  if (mismatches.length > 0) {
    throw new Error(`queueArn must belong to the instance given in instanceArn (they differ in ${mismatches.join(', ')})`);
  }
}
