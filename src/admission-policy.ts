/**
 * When a callback is offered only if it can be kept (the construct's `admissionPolicy`). The rules are decided by
 * write-callback in the booking call itself, so a flow still makes one Lambda call per caller decision.
 */

/** The environment variables of the rules (lambda-src/shared/contract.ts ADMISSION_ENV; checked by a test). */
export const ADMISSION_ENV = {
  MAX_QUEUED_CONTACTS: 'ADMISSION_MAX_QUEUED_CONTACTS',
  MAX_CALLBACKS_PER_NUMBER_PER_DAY: 'ADMISSION_MAX_CALLBACKS_PER_NUMBER_PER_DAY',
} as const;

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
}

/** The policy's environment for write-callback; a bad rule is an error naming it. */
export function admissionEnvironment(policy: AdmissionPolicy | undefined): Record<string, string> {
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
  return environment;
}
