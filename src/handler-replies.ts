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
const TRANSITION_KEYS = ['status', 'phoneE164', 'phoneNational', 'removedFromQueue'] as const;

export const HANDLER_REPLIES = {
  'write-callback': {
    CREATED: RECORD_KEYS,
    EXISTS: RECORD_KEYS,
    INVALID_NUMBER: [],
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
