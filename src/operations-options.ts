import { Duration } from 'aws-cdk-lib';

/**
 * When the construct's alarms fire. Every threshold is compared with "greater than or equal to", over one period of
 * 5 minutes unless said otherwise. The README's "Alarms" section says what each alarm means and what to do.
 */
export interface CallbackAlarmThresholds {
  /**
   * Messages visible in a dead-letter queue (the CTR processor's, and the contact event processor's).
   *
   * @default 1
   */
  readonly deadLetterQueueMessages?: number;

  /**
   * Age of the oldest CTR the CTR processor has yet to read (its IteratorAge, maximum over 5 minutes). Between 1 minute
   * and 1 day (the event source's maximum record age: an older CTR goes to the dead-letter queue).
   *
   * @default Duration.minutes(10)
   */
  readonly ctrIteratorAge?: Duration;

  /**
   * Errors of one function in 5 minutes (one alarm per function).
   *
   * @default 1
   */
  readonly functionErrors?: number;

  /**
   * Throttled invocations of one function in 5 minutes (one alarm per function).
   *
   * @default 1
   */
  readonly functionThrottles?: number;

  /**
   * Throttled requests to the callback table in 5 minutes, all operations together.
   *
   * @default 1
   */
  readonly tableThrottles?: number;

  /**
   * DynamoDB system errors (HTTP 500) on the callback table in 5 minutes, all operations together.
   *
   * @default 1
   */
  readonly tableSystemErrors?: number;

  /**
   * StopContact calls that failed (after the SDK's retries), all functions together, in 5 minutes.
   *
   * @default 1
   */
  readonly stopContactFailures?: number;

  /**
   * Records the reconciler repaired in one hour: a sign that contact events or CTRs are being lost upstream.
   *
   * @default 5
   */
  readonly reconcilerRepairsPerHour?: number;
}
