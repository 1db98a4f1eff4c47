/**
 * Which reply keys each flow-facing handler fills in, by the `result` it answers. The flows read these keys as
 * `$.External.<key>` right after the invocation; a key not in the row of a result is empty ('') in that reply. The
 * flow checker uses the table to tell, action by action, which keys are known to be filled on every path that reaches
 * it (flow-references.ts), so that a prompt never reads out a value the handler did not give on that path.
 *
 * The construct cannot import handler code (lambda-src/), so this repeats what lambda-src/handlers/write-callback.ts
 * and update-callback.ts reply; test/handlers/reply-keys.test.ts checks every row against the handlers' real replies
 * on DynamoDB Local.
 */

/** Keys (besides `result`) that a reply with this result always fills, by result. */
export type ReplyKeysByResult = Readonly<Record<string, readonly string[]>>;

const RECORD_KEYS = ['recordId', 'status', 'phoneE164', 'phoneNational', 'requestedAtSpoken', 'canCancel'] as const;
const TRANSITION_KEYS = ['status', 'phoneE164', 'phoneNational', 'removedFromQueue', 'cancelled'] as const;

export const HANDLER_REPLIES = {
  'write-callback': {
    CREATED: RECORD_KEYS,
    EXISTS: RECORD_KEYS,
    INVALID_NUMBER: [],
    // The admission policy's refusals (admissionPolicy): nothing was booked, nothing to say about a booking.
    AT_CAPACITY: [],
    LIMIT_REACHED: [],
    CLOSING: [],
    CLOSED: [],
    // Booked: as CREATED, and the delay the flow's callback block must have.
    CLOSED_DEFERRED: [...RECORD_KEYS, 'deferSeconds'],
    ERROR: [],
  },
  'update-callback': {
    APPLIED: TRANSITION_KEYS,
    REFUSED: TRANSITION_KEYS,
    NOT_FOUND: ['removedFromQueue'],
    FORBIDDEN: ['removedFromQueue'],
    NOT_A_CALLBACK: ['removedFromQueue'],
    INVALID_INPUT: ['removedFromQueue'],
    ERROR: ['removedFromQueue'],
  },
} as const satisfies Record<string, ReplyKeysByResult>;

export type FlowHandlerName = keyof typeof HANDLER_REPLIES;

/**
 * Keys a reply with this result carries but may leave empty (''), by handler and result: a flow may pass them on to a
 * function (which reads '' as "not known"), but a prompt may not read them out. write-callback's EXISTS carries the
 * pending callback's contact id once known, which the cancel decision uses (update-callback CANCEL).
 */
export const HANDLER_OPTIONAL_REPLIES: Readonly<Record<FlowHandlerName, ReplyKeysByResult>> = {
  // A construct that defers callbacks (admissionPolicy.whenClosed DEFER) answers CREATED with an empty deferSeconds:
  // its flows' Compare on it then takes the callback block of the construct's initialCallDelay.
  'write-callback': { EXISTS: ['callbackContactId'], CREATED: ['deferSeconds'] },
  'update-callback': {},
};

/**
 * Rows that differ for one transition of update-callback (Parameters.transition), by handler, transition and result;
 * other transitions use HANDLER_REPLIES. A cancel decided without reading the record (it was told the number, the
 * queue and the callback id) knows no national form of the number to give back.
 */
export const HANDLER_REPLIES_BY_TRANSITION: Readonly<Record<FlowHandlerName, Readonly<Record<string, ReplyKeysByResult>>>> = {
  'write-callback': {},
  'update-callback': {
    CANCEL: { APPLIED: ['status', 'phoneE164', 'removedFromQueue', 'cancelled'] },
  },
};
