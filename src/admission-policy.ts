/**
 * When a callback is offered only if it can be kept (the construct's `admissionPolicy`). The rules are decided by
 * write-callback in the booking call itself, so a flow still makes one Lambda call per caller decision.
 */
import { Duration, Token } from 'aws-cdk-lib';

/** The environment variables of the rules (lambda-src/shared/contract.ts ADMISSION_ENV; checked by a test). */
export const ADMISSION_ENV = {
  MAX_QUEUED_CONTACTS: 'ADMISSION_MAX_QUEUED_CONTACTS',
  MAX_CALLBACKS_PER_NUMBER_PER_DAY: 'ADMISSION_MAX_CALLBACKS_PER_NUMBER_PER_DAY',
  HOURS_OF_OPERATION_ARN: 'ADMISSION_HOURS_OF_OPERATION_ARN',
  STOP_BEFORE_CLOSE_SECONDS: 'ADMISSION_STOP_BEFORE_CLOSE_SECONDS',
  WHEN_CLOSED: 'ADMISSION_WHEN_CLOSED',
  DEFERRAL_DELAYS_SECONDS: 'ADMISSION_DEFERRAL_DELAYS_SECONDS',
} as const;

/** What a booking made while the queue is closed (or closing) gets. */
export enum WhenClosed {
  /** Refused: the caller hears `closed` (or `closingSoon`, offered the queue). */
  REFUSE = 'REFUSE',
  /**
   * Booked with the smallest of the `deferralDelays` that reaches the next opening, at least `stopOfferingBeforeClose`
   * before it closes; refused as REFUSE does when none does. The caller hears `callbackDeferred`.
   */
  DEFER = 'DEFER',
}

/**
 * CreateCallbackContact's initial delay is at most 259,200 seconds, 3 days
 * (APIReference/interactions-createcallbackcontact.html, InitialCallDelaySeconds).
 */
export const MAX_DEFERRAL_SECONDS = 259_200;
/** Each delay is one callback block in each flow that books: a bound on the flows' size, and on a list nobody maintains. */
export const MAX_DEFERRAL_DELAYS = 8;

/**
 * Rules a booking must pass. Every rule is optional; without any, callbacks are booked as before. A refused caller
 * hears the rule's prompt (`atCapacity`, `limitReached`, `queueLimitReached`).
 */
export interface AdmissionPolicy {
  /**
   * Book no new callback while the queue holds this many contacts or more: the set-callback flow reads the queue's
   * "Contacts in queue" with its Get queue metrics block and passes it to the booking. A caller who already has a
   * callback pending still hears it, and may cancel it. When the flow has no figure to pass (Connect returns none
   * when the contact center has no activity), the callback is booked: the rule fails open, and says so in the
   * `AdmissionInputMissing` metric. The customer queue flow's offer is not limited by it: the caller who books there
   * already holds a place in the queue, and gives it up.
   *
   * @default - no limit
   */
  readonly maxQueuedContacts?: number;

  /**
   * At most this many callbacks booked by one number on the queue per calendar day, counted in the construct's
   * `timeZone`. A booking the flow gives up (the callback could not be created) does not count. The count is kept in
   * the booking's own transaction, so concurrent bookings cannot pass it. A number at its limit waits in the queue
   * instead (set-callback), or keeps waiting and is not offered a callback again (customer queue flow).
   *
   * @default - no limit
   */
  readonly maxCallbacksPerNumberPerDay?: number;

  /**
   * The queue's hours of operation (`arn:...:instance/<id>/operating-hours/<id>`, of the construct's instance). With
   * it, write-callback asks Connect for the effective hours, overrides applied (GetEffectiveHoursOfOperations), and
   * applies `stopOfferingBeforeClose` and `whenClosed`. Queued callbacks do not wait for the queue to open: an agent
   * who is available takes them whatever the hours, so a callback booked after closing could be dialled at night.
   *
   * The answer is kept for 5 minutes per warm function. When Connect does not answer in time, or refuses (throttled,
   * no such hours), the callback is booked: the rule fails open, and says so in the `AdmissionInputMissing` metric.
   *
   * @default - the hours are not checked
   */
  readonly hoursOfOperationArn?: string;

  /**
   * No callback is booked within this long of the queue's closing time: the caller hears `closingSoon` and is put
   * through to the queue instead. Needs `hoursOfOperationArn`.
   *
   * @default Duration.minutes(0) - callbacks are booked until the queue closes
   */
  readonly stopOfferingBeforeClose?: Duration;

  /**
   * What a booking made while the queue is closed, or within `stopOfferingBeforeClose` of its close, gets. Needs
   * `hoursOfOperationArn`; DEFER needs `deferralDelays`, and is agent-first only (the docs disagree on whether a
   * customer-first callback honours its initial delay).
   *
   * @default WhenClosed.REFUSE
   */
  readonly whenClosed?: WhenClosed;

  /**
   * The initial delays a deferred callback may have, each a whole number of seconds, at most 3 days (CreateCallbackContact's
   * limit), at most 8 of them. A flow's callback block must have a fixed delay, so each flow that books holds one block
   * per delay, and write-callback picks the smallest that lands in the next opening. Pick delays that reach the hours
   * you want from the times callers call: e.g. 12, 16 and 24 hours after an evening call. Needs `whenClosed` DEFER.
   *
   * @default - none
   */
  readonly deferralDelays?: Duration[];
}

/** The parts of the construct the hours rules depend on. */
export interface AdmissionContext {
  /** The construct's instance id; undefined when its ARN is a token. */
  readonly instanceId?: string;
  readonly customerFirst: boolean;
}

/** The deferral delays in seconds, ascending (none without DEFER). */
export function deferralDelaysSeconds(policy: AdmissionPolicy | undefined): number[] {
  if (policy?.whenClosed !== WhenClosed.DEFER) return [];
  return (policy.deferralDelays ?? []).map((delay) => delay.toSeconds()).sort((a, b) => a - b);
}

/** The policy's environment for write-callback; a bad rule is an error naming it. */
export function admissionEnvironment(
  policy: AdmissionPolicy | undefined,
  context: AdmissionContext = { customerFirst: false },
): Record<string, string> {
  const environment: Record<string, string> = {};
  if (policy === undefined) return environment;
  const rule = (name: keyof AdmissionPolicy, value: number | undefined, envName: string) => {
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`admissionPolicy.${name} must be a whole number of at least 1, got ${value}`);
    }
    environment[envName] = String(value);
  };
  rule('maxQueuedContacts', policy.maxQueuedContacts, ADMISSION_ENV.MAX_QUEUED_CONTACTS);
  rule('maxCallbacksPerNumberPerDay', policy.maxCallbacksPerNumberPerDay, ADMISSION_ENV.MAX_CALLBACKS_PER_NUMBER_PER_DAY);
  Object.assign(environment, hoursEnvironment(policy, context));
  return environment;
}

const HOURS_ARN = /^arn:[^:]+:connect:[^:]*:[^:]*:instance\/([^/]+)\/operating-hours\/[^/]+$/;

function hoursEnvironment(policy: AdmissionPolicy, context: AdmissionContext): Record<string, string> {
  const { hoursOfOperationArn: arn, stopOfferingBeforeClose, whenClosed, deferralDelays } = policy;
  if (arn === undefined) {
    const needing = (['stopOfferingBeforeClose', 'whenClosed', 'deferralDelays'] as const).filter((name) => policy[name] !== undefined);
    if (needing.length > 0) throw new Error(`admissionPolicy.${needing[0]} needs admissionPolicy.hoursOfOperationArn: the rule is about the queue's hours`);
    return {};
  }
  if (!Token.isUnresolved(arn)) {
    const match = HOURS_ARN.exec(arn);
    if (!match) throw new Error(`admissionPolicy.hoursOfOperationArn must be an hours of operation ARN (arn:...:instance/<id>/operating-hours/<id>), got ${arn}`);
    if (context.instanceId !== undefined && match[1] !== context.instanceId) {
      throw new Error(`admissionPolicy.hoursOfOperationArn belongs to instance ${match[1]}, not to the construct's instance ${context.instanceId}`);
    }
  }
  const environment: Record<string, string> = { [ADMISSION_ENV.HOURS_OF_OPERATION_ARN]: arn };
  if (stopOfferingBeforeClose !== undefined) {
    // toMilliseconds: toSeconds() throws its own message for a fraction of a second.
    const seconds = stopOfferingBeforeClose.toMilliseconds() / 1000;
    if (!Number.isInteger(seconds) || seconds < 0 || seconds >= 24 * 3600) {
      throw new Error(`admissionPolicy.stopOfferingBeforeClose must be a whole number of seconds from 0 to less than a day, got ${stopOfferingBeforeClose.toHumanString()}`);
    }
    environment[ADMISSION_ENV.STOP_BEFORE_CLOSE_SECONDS] = String(seconds);
  }
  const mode = whenClosed ?? WhenClosed.REFUSE;
  if (mode === WhenClosed.DEFER) {
    if (context.customerFirst) {
      throw new Error('admissionPolicy.whenClosed DEFER is agent-first only: CreateCallbackContact\'s reference says the initial delay is '
        + 'ignored when the callback has a creation flow, as a customer-first callback does, so a deferred callback could be dialled at once');
    }
    const delays = deferralDelays ?? [];
    if (delays.length === 0) throw new Error('admissionPolicy.whenClosed DEFER needs admissionPolicy.deferralDelays: the delays a deferred callback may have');
    if (delays.length > MAX_DEFERRAL_DELAYS) throw new Error(`admissionPolicy.deferralDelays may hold at most ${MAX_DEFERRAL_DELAYS} delays, got ${delays.length}`);
    const seconds = delays.map((delay) => delay.toMilliseconds() / 1000);
    for (const [index, value] of seconds.entries()) {
      if (!Number.isInteger(value) || value < 1 || value > MAX_DEFERRAL_SECONDS) {
        throw new Error(`admissionPolicy.deferralDelays[${index}] must be a whole number of seconds from 1 to ${MAX_DEFERRAL_SECONDS} (3 days), got ${delays[index].toHumanString()}`);
      }
    }
    if (new Set(seconds).size !== seconds.length) throw new Error('admissionPolicy.deferralDelays lists the same delay twice');
    environment[ADMISSION_ENV.WHEN_CLOSED] = mode;
    environment[ADMISSION_ENV.DEFERRAL_DELAYS_SECONDS] = deferralDelaysSeconds(policy).join(',');
  } else {
    if (mode !== WhenClosed.REFUSE) throw new Error(`admissionPolicy.whenClosed must be REFUSE or DEFER, got ${String(mode)}`);
    if (deferralDelays !== undefined) throw new Error('admissionPolicy.deferralDelays needs admissionPolicy.whenClosed DEFER');
    environment[ADMISSION_ENV.WHEN_CLOSED] = mode;
  }
  return environment;
}
