/**
 * The contract between the construct (src/), the contact flows (flows/) and the handlers.
 *
 * The construct cannot import this file (jsii compiles src/ only, and src/ must not depend on
 * handler code), so it repeats the environment variable names; test/contract.test.ts checks
 * that both sides agree. Flows reference reply keys and contact attribute names by string.
 */

/** Environment variables the construct sets on every function. */
export const ENV = {
  TABLE_NAME: 'TABLE_NAME',
  QUEUE_ARN: 'QUEUE_ARN',
  INSTANCE_ARN: 'INSTANCE_ARN',
  DEFAULT_COUNTRY: 'DEFAULT_COUNTRY',
  /** How long a COMPLETED record is kept (the construct's `callbackTtl`), in seconds. */
  COMPLETED_RECORD_TTL_SECONDS: 'COMPLETED_RECORD_TTL_SECONDS',
  /** 'true' lets a caller cancel a callback booked for a number other than the one they call from. */
  ALLOW_CANCEL_FOR_OTHER_NUMBER: 'ALLOW_CANCEL_FOR_OTHER_NUMBER',
  /** IANA time zone for times spoken to callers. */
  TIME_ZONE: 'TIME_ZONE',
  /** BCP 47 locale (e.g. 'es-US') of the prompts' language: how times spoken to callers are worded. */
  LOCALE: 'LOCALE',
  /** CloudWatch namespace of the embedded-format metrics the handlers write (metrics.ts). */
  METRICS_NAMESPACE: 'METRICS_NAMESPACE',
  /** Value of the METRICS.DIMENSION dimension on every metric: the construct's namePrefix, one per construct. */
  METRICS_SERVICE: 'METRICS_SERVICE',
  /** AGENT_FIRST or CUSTOMER_FIRST: the construct's callbackMode, stamped on each record write-callback creates. */
  CALLBACK_MODE: 'CALLBACK_MODE',
} as const;

/**
 * Environment variables of the admission policy (the construct's admissionPolicy), set on write-callback only, and
 * only for the rules the policy has: without them write-callback books as it always did.
 */
export const ADMISSION_ENV = {
  /** Refuse a new booking (AT_CAPACITY) when the queue already holds this many contacts. */
  MAX_QUEUED_CONTACTS: 'ADMISSION_MAX_QUEUED_CONTACTS',
  /** Refuse a new booking (LIMIT_REACHED) for a number that booked this many callbacks on the queue this calendar day. */
  MAX_CALLBACKS_PER_NUMBER_PER_DAY: 'ADMISSION_MAX_CALLBACKS_PER_NUMBER_PER_DAY',
  /**
   * The queue's hours of operation ARN: a booking while closed, or within STOP_BEFORE_CLOSE_SECONDS of the close, is
   * refused (CLOSING, CLOSED) or deferred (CLOSED_DEFERRED). Set only on the write-callback-hours asset's function.
   */
  HOURS_OF_OPERATION_ARN: 'ADMISSION_HOURS_OF_OPERATION_ARN',
  /** No booking within this many seconds of the close (absent: 0). */
  STOP_BEFORE_CLOSE_SECONDS: 'ADMISSION_STOP_BEFORE_CLOSE_SECONDS',
  /** REFUSE or DEFER. */
  WHEN_CLOSED: 'ADMISSION_WHEN_CLOSED',
  /** DEFER: the initial delays the flows hold a callback block for, comma-separated seconds, ascending. */
  DEFERRAL_DELAYS_SECONDS: 'ADMISSION_DEFERRAL_DELAYS_SECONDS',
} as const;

/** Environment variables the construct sets on the reconciler only, on top of ENV. */
export const RECONCILER_ENV = {
  /** Seconds between two scheduled runs (the construct's reconcileInterval). */
  INTERVAL_SECONDS: 'RECONCILE_INTERVAL_SECONDS',
  /** Milliseconds kept between two Amazon Connect calls of one run (the account-wide API rate is shared). */
  CALL_SPACING_MS: 'RECONCILE_CALL_SPACING_MS',
} as const;

/**
 * How Amazon Connect runs the queued callbacks of the set-callback flow ("Use customer first callback mode",
 * https://docs.aws.amazon.com/connect/latest/adminguide/customer-first-cb.html):
 * - AGENT_FIRST (the default): one callback contact (initiation method CALLBACK) is offered to an agent, and the
 *   customer is dialled once the agent has accepted it;
 * - CUSTOMER_FIRST: a queued leg C2 (CALLBACK_CUSTOMER_FIRST_QUEUED) waits in the queue until an agent is available,
 *   is then disconnected and a dialled leg C3 (CALLBACK_CUSTOMER_FIRST_DIALED) calls the customer; only a customer who
 *   answers is queued again, for an agent.
 * A record without a mode was written before modes existed: AGENT_FIRST.
 */
export type CallbackMode = 'AGENT_FIRST' | 'CUSTOMER_FIRST';
export const CALLBACK_MODES: readonly CallbackMode[] = ['AGENT_FIRST', 'CUSTOMER_FIRST'];

/**
 * The initiation methods of the customer-first legs (customer-first-cb.html). They are in neither the contact-events
 * nor the contact-record data model pages, nor the SDK's ContactInitiationMethod enum (3.1136.0): InitiationMethod
 * is read as an open string.
 */
export const CUSTOMER_FIRST_INITIATION = {
  QUEUED: 'CALLBACK_CUSTOMER_FIRST_QUEUED',
  DIALED: 'CALLBACK_CUSTOMER_FIRST_DIALED',
} as const;

export type CallbackStatus = 'PENDING' | 'CANCELLED' | 'COMPLETED';

/**
 * Why a record reached COMPLETED.
 * - CONNECTED: the outbound whisper ran while the record was PENDING (customer answered).
 * - REMOVED_BY_API: a cancelled callback was removed from the queue with StopContact
 *   (or StopContact said it was already gone).
 * - HUNG_UP_BY_AGENT: a cancelled callback reached an agent, who was told to hang up.
 * - ENDED: the callback contact's own CTR arrived while the record was still open, so the
 *   callback ended in Amazon Connect without any of the above (not answered, expired in queue).
 *   Without it a missed callback would block the caller's next request until the record expired.
 * - RELEASED: the booking contact gave the record up because no callback was created after all (the
 *   set-callback flow's undo path); no callback contact exists for it, and none may be learned.
 * - STOP_REFUSED: the caller cancelled, and StopContact refused the callback contact with an error that
 *   retrying cannot fix (kept in `stopError`); nothing more is tried for it.
 * - EXPIRED (the reconciler only): the record outlived the longest time Amazon Connect keeps a callback
 *   (LONGEST_CALLBACK_WAIT_SECONDS) and no documented API could say what became of it (its callback contact id was
 *   never learned, or DescribeContact does not know it): the callback cannot be queued any more, so the number is freed.
 * Customer-first callbacks only (their dialled leg, C3):
 * - NOT_ANSWERED: the customer was dialled and did not answer (it rang out, was busy, or the number was not
 *   reachable): the dialled leg ended with no answer and no voicemail. Not retried.
 * - VOICEMAIL: the dialled leg reached a voicemail (Check call progress in the outbound callback flow, or the leg's
 *   AnsweringMachineDetectionStatus VOICEMAIL_BEEP / VOICEMAIL_NO_BEEP). Not retried.
 * - DIAL_STOPPED: the caller cancelled after the customer's phone had started to ring, and StopContact ended the
 *   dialled leg.
 * - CANCELLED_ON_ANSWER: the caller cancelled after the dial had begun, and the customer answered it; the outbound
 *   callback flow tells them the callback was cancelled and hangs up instead of queueing them for an agent.
 * (CONNECTED, for a customer-first callback: the customer answered the dialled leg while the record was PENDING.)
 */
export type CallbackResolution =
  | 'CONNECTED' | 'REMOVED_BY_API' | 'HUNG_UP_BY_AGENT' | 'ENDED' | 'RELEASED' | 'STOP_REFUSED' | 'EXPIRED'
  | 'NOT_ANSWERED' | 'VOICEMAIL' | 'DIAL_STOPPED' | 'CANCELLED_ON_ANSWER';

/**
 * The longest a queued callback can wait: an initial delay of at most 3 days (InitialCallDelaySeconds "no greater
 * than 259,200 (three days)", interactions-createcallbackcontact.html) and then "at least 7 days and up to 14 days
 * after they are created before Amazon Connect automatically removes them" (setup-queued-cb.html).
 */
export const LONGEST_CALLBACK_WAIT_SECONDS = (3 + 14) * 24 * 60 * 60;

/**
 * The sparse global secondary index of open records (PENDING or CANCELLED), which the reconciler walks and the
 * callbacks API lists: only a record item carries its partition key attribute, from its booking until it is
 * COMPLETED, so the index never holds a finished record or an active pointer. Its key is the record's queue and
 * creation time: one partition per queue, oldest first. The construct repeats these names (checked by a test).
 */
export const OPEN_RECORDS_INDEX = {
  NAME: 'open-records',
  PARTITION_KEY: 'openQueueArn',
  SORT_KEY: 'createdAt',
} as const;

/**
 * The metrics the handlers write (CloudWatch embedded metric format, metrics.ts), in the namespace METRICS_NAMESPACE,
 * each with the dimension DIMENSION (the construct's namePrefix) and, for some, one more: PATH or RESOLUTION. The
 * construct repeats these names for its alarms and dashboard (checked by a test).
 */
export const METRICS = {
  DIMENSION: 'CallbackManagement',
  PATH_DIMENSION: 'Path',
  RESOLUTION_DIMENSION: 'Resolution',
  REASON_DIMENSION: 'Reason',
  /** A new callback booked (write-callback CREATED). */
  BOOKINGS: 'Bookings',
  /** A booking attempt that found the number's pending callback (write-callback EXISTS). */
  DUPLICATE_BOOKINGS: 'DuplicateBookings',
  /** A callback booked with an initial delay that lands in the queue's next opening (write-callback CLOSED_DEFERRED). */
  DEFERRED_BOOKINGS: 'DeferredBookings',
  /** A booking the admission policy refused, by REASON (AT_CAPACITY, LIMIT_REACHED, CLOSING, CLOSED). */
  ADMISSION_REFUSALS: 'AdmissionRefusals',
  /**
   * A booking made without a policy check because its input was missing (the policy fails open), by REASON (AT_CAPACITY:
   * no queue size; HOURS_OF_OPERATION: the effective hours could not be read).
   */
  ADMISSION_INPUT_MISSING: 'AdmissionInputMissing',
  /** A cancel stored, by PATH (caller, operator). */
  CANCELS: 'Cancels',
  /** A cancelled callback removed from the queue with StopContact and completed, by PATH. */
  REMOVALS: 'Removals',
  /** A cancelled callback that reached an agent, who was told to hang up. */
  AGENT_HANG_UPS: 'AgentHangUps',
  /** A record completed, by RESOLUTION. */
  OUTCOMES: 'Outcomes',
  /** A StopContact call that failed (thrown or refused; "already gone" is not a failure). */
  STOP_CONTACT_FAILURES: 'StopContactFailures',
  /** Milliseconds from a booking to its callback contact id being stored, by PATH (contact-event, ctr). */
  CALLBACK_ID_LAG: 'CallbackIdLag',
  /** Records the reconciler found open: one value per run. */
  OPEN_CALLBACKS: 'OpenCallbacks',
  /** Records the reconciler repaired (completed, or stopped and completed) in a run. */
  RECONCILER_REPAIRS: 'ReconcilerRepairs',
  /** Records the reconciler flagged: no documented API can say what became of their callback. */
  RECONCILER_FLAGS: 'ReconcilerFlags',
  /** DescribeContact calls the reconciler made. */
  RECONCILER_LOOKUPS: 'ReconcilerLookups',
  /** Records due for a lookup that the run had no time or budget left for. */
  RECONCILER_BACKLOG: 'ReconcilerBacklog',
} as const;

/** Values of METRICS.PATH_DIMENSION. */
export const METRIC_PATHS = {
  CALLER: 'caller',
  OPERATOR: 'operator',
  CONTACT_EVENT: 'contact-event',
  CTR: 'ctr',
  RECONCILER: 'reconciler',
  WHISPER: 'whisper',
  /** A customer-first callback's creation flow, which stops a cancelled callback before it is queued. */
  CREATION_FLOW: 'creation-flow',
} as const;

/** Contact attribute the set-callback flow sets (value: the inbound ContactId = record id) before creating the callback. */
export const RECORD_ID_ATTRIBUTE = 'callbackRecordId';

/**
 * Contact attribute the set-callback flow sets to BOOKED_VALUE together with the record id, and clears with it when
 * the booking is undone. The callback contact inherits both. The whisper flows, which run for other contacts too
 * (every outbound call of the queue; a caller transferred after a failed booking), compare it with Equals to tell one
 * of our callbacks from anything else without a Lambda call: a flow cannot test an attribute for "present and not
 * empty", so the positive marker is what makes the test exact. The CTR event source filters on it too.
 */
export const BOOKED_ATTRIBUTE = 'callbackBooked';
export const BOOKED_VALUE = 'true';

/** Partition key prefixes and the one key attribute of the table (partition key only, `pk` of type S). */
export const TABLE_KEY = {
  PARTITION_KEY: 'pk',
  TTL_ATTRIBUTE: 'expiresAt',
  RECORD_PREFIX: 'CALLBACK#',
  ACTIVE_POINTER_PREFIX: 'ACTIVE#',
  /** `DAILY#<queueArn>#<phoneE164>#<YYYY-MM-DD>`: the callbacks a number booked on the queue that day (admission policy). */
  DAILY_COUNTER_PREFIX: 'DAILY#',
} as const;

/**
 * How long an open (PENDING or CANCELLED) record and its active pointer live, counted from createdAt.
 * Amazon Connect keeps a queued callback for 7 to 14 days after at most 3 days of initial delay, so an
 * open record never expires while its callback may still be queued; the hour covers the time between the
 * record's write and the flow's CreateCallbackContact, from which Connect counts.
 */
export const OPEN_RECORD_TTL_SECONDS = 17 * 24 * 60 * 60 + 60 * 60;

/** Default for COMPLETED_RECORD_TTL_SECONDS when the variable is unset (the construct's callbackTtl default). */
export const DEFAULT_COMPLETED_RECORD_TTL_SECONDS = 24 * 60 * 60;

/**
 * Transitions the update-callback handler accepts in Parameters.transition.
 * - CANCEL: the caller cancels (PENDING -> CANCELLED, then the callback is removed from the queue).
 * - RELEASE: the booking contact gives up its own record because the callback was not created after all.
 * - CONNECT: the outbound whisper of our callback contact (PENDING -> COMPLETED(CONNECTED)).
 * - AGENT_HANG_UP: the agent whisper of our callback contact (CANCELLED -> COMPLETED(HUNG_UP_BY_AGENT)).
 * Customer-first callbacks only:
 * - CHECK_BEFORE_QUEUE: the creation flow of the queued leg C2, before it queues it: the record learns C2's id, and a
 *   CANCELLED record has C2 stopped before it can reach the queue (so before any dial).
 * - CUSTOMER_ANSWERED: the outbound callback flow of the dialled leg C3, a person answered (PENDING ->
 *   COMPLETED(CONNECTED); CANCELLED -> COMPLETED(CANCELLED_ON_ANSWER)).
 * - VOICEMAIL: the outbound callback flow of C3, a voicemail answered (PENDING|CANCELLED -> COMPLETED(VOICEMAIL)).
 */
export type CallbackTransition = 'CANCEL' | 'RELEASE' | 'CONNECT' | 'AGENT_HANG_UP' | 'CHECK_BEFORE_QUEUE' | 'CUSTOMER_ANSWERED' | 'VOICEMAIL';

/** `result` values of each handler's reply, which the flows branch on. */
export const RESULTS = {
  WRITE_CALLBACK: ['CREATED', 'EXISTS', 'INVALID_NUMBER', 'AT_CAPACITY', 'LIMIT_REACHED', 'CLOSING', 'CLOSED', 'CLOSED_DEFERRED', 'ERROR'],
  UPDATE_CALLBACK: ['APPLIED', 'REFUSED', 'NOT_FOUND', 'FORBIDDEN', 'NOT_A_CALLBACK', 'INVALID_INPUT', 'ERROR'],
} as const;

/**
 * The Amazon Connect contact event that reports a new callback contact, as the construct's EventBridge rule
 * matches it (the construct repeats these values; test/construct/contract.test.ts checks they agree). INITIATED
 * is sent when the flow creates the callback, while the caller is still on the line; QUEUED would come only
 * after the callback's initial delay. See lambda-src/shared/contact-event.ts for the sources.
 */
export const CALLBACK_CONTACT_EVENT = {
  SOURCE: 'aws.connect',
  DETAIL_TYPE: 'Amazon Connect Contact Event',
  EVENT_TYPE: 'INITIATED',
  INITIATION_METHOD: 'CALLBACK',
} as const;

/**
 * The contact events of a customer-first callback's legs that the construct's rule matches in CUSTOMER_FIRST mode: the
 * creation of either leg (INITIATED) and the end of the dialled one (DISCONNECTED). The contact-events page lists
 * neither initiation method; that these events carry them, and previousContactId / initialContactId as the legs'
 * contact records do, is the least surprising reading, not a documented one (see customer-first-event.ts).
 */
export const CUSTOMER_FIRST_CONTACT_EVENT = {
  INITIATION_METHODS: [CUSTOMER_FIRST_INITIATION.QUEUED, CUSTOMER_FIRST_INITIATION.DIALED],
  EVENT_TYPES: ['INITIATED', 'DISCONNECTED'],
} as const;
