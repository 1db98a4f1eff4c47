import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ConnectArnParts } from './arns';
import { SUPPORTED_PHONE_REGIONS } from './phone-regions';

export function validateDurationRange(value: Duration, propName: string, minSeconds: number, maxSeconds: number, rangeText: string): void {
  const seconds = value.toSeconds();
  if (Token.isUnresolved(seconds)) {
    throw new Error(`${propName} must be a fixed duration, not a token`);
  }
  if (seconds < minSeconds || seconds > maxSeconds) {
    throw new Error(`${propName} must be between ${rangeText}, got ${value.toHumanString()}`);
  }
}

export function validateCountry(country: string): string {
  if (!SUPPORTED_PHONE_REGIONS.has(country)) {
    throw new Error(`defaultCountry must be an ISO 3166-1 alpha-2 code in upper case with a telephone numbering plan, e.g. 'US' or 'GB', got '${country}'`);
  }
  return country;
}

export function validateTimeZone(timeZone: string): string {
  try {
    Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`timeZone must be an IANA time zone such as 'UTC' or 'America/New_York', got '${timeZone}'`);
  }
  return timeZone;
}

export function validateNamePrefix(prefix: string): string {
  if (Token.isUnresolved(prefix) || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(prefix)) {
    throw new Error(`namePrefix must be 1 to 64 letters, digits, '-' or '_' starting with a letter or digit, got '${prefix}'`);
  }
  return prefix;
}

/**
 * Integration associations, contact flows and the contact event rule only work in the instance's own region and
 * account: Connect invokes functions and sends contact events there, and CloudFormation creates the flows there.
 * An environment-agnostic stack, or a token, cannot be checked at synth (the prop's documentation says so).
 */
export function assertInstanceInStackEnvironment(scope: Construct, instance: ConnectArnParts): void {
  const stack = Stack.of(scope);
  const differences: string[] = [];
  if (!Token.isUnresolved(stack.region) && stack.region !== instance.region) {
    differences.push(`region ${instance.region}, not the stack's ${stack.region}`);
  }
  if (!Token.isUnresolved(stack.account) && stack.account !== instance.account) {
    differences.push(`account ${instance.account}, not the stack's ${stack.account}`);
  }
  if (differences.length > 0) {
    throw new Error('instanceArn must be an instance in the stack\'s own region and account (its flows, function associations and '
      + `contact event rule are created there), but it is in ${differences.join(' and ')}`);
  }
}
