/**
 * The construct's table of the reply keys each result fills (src/handler-replies.ts), which the flow checker uses to
 * refuse a prompt placeholder its handler does not give on some path, checked against the handlers' real replies.
 */
import { RESULTS } from '../../lambda-src/shared/contract';
import { HANDLER_OPTIONAL_REPLIES, HANDLER_REPLIES, HANDLER_REPLIES_BY_TRANSITION } from '../../src/handler-replies';
import { type FlowHandler, useTestEnvironment } from '../support/environment';
import { INSTANCE_ARN, flowEvent, hoursOpenOnlyBetween, newContactId } from '../support/events';
import { VARIANTS } from '../support/handlers';

const env = useTestEnvironment();

const HOURS_ENV = { ADMISSION_HOURS_OF_OPERATION_ARN: `${INSTANCE_ARN}/operating-hours/12121212-3434-4565-8787-909090909090` };
/** The answers of a function that defers: only they carry deferSeconds (HANDLER_OPTIONAL_REPLIES). */
const deferringAnswers = new Set<Record<string, string>>();

let line = 300;
const newNumber = () => `+1202555${String(++line).padStart(4, '0')}`;

describe.each(VARIANTS)('reply keys (%s)', (variant) => {
  let write: FlowHandler;
  let update: FlowHandler;
  beforeAll(() => {
    write = env.load('write-callback', variant);
    update = env.load('update-callback', variant);
  });

  /** One reply of every result each handler has, as a flow would get it. */
  async function replies(): Promise<Record<'write-callback' | 'update-callback', Array<Record<string, string>>>> {
    const broken = { TABLE_NAME: undefined };
    const phone = newNumber();
    const recordId = newContactId();
    const created = await write(flowEvent({ contactId: recordId, callerNumber: phone }));
    const exists = await write(flowEvent({ callerNumber: phone }));
    const invalid = await write(flowEvent({ callerNumber: null }));
    const writeError = await env.load('write-callback', variant, broken)(flowEvent({ callerNumber: newNumber() }));
    // The admission policy's refusals, from a write-callback with both rules.
    const policy = env.load('write-callback', variant, { ADMISSION_MAX_QUEUED_CONTACTS: '1', ADMISSION_MAX_CALLBACKS_PER_NUMBER_PER_DAY: '1' });
    const atCapacity = await policy(flowEvent({ callerNumber: newNumber(), parameters: { contactsInQueue: '1' } }));
    const limited = newNumber();
    const once = newContactId();
    await policy(flowEvent({ contactId: once, callerNumber: limited }));
    await update(flowEvent({ callerNumber: limited, parameters: { recordId: once, transition: 'CANCEL' } }));
    const limitReached = await policy(flowEvent({ callerNumber: limited }));
    // The closing-time rules, from write-callback-hours: each case a cold start of its own (the hours are cached).
    const hour = 3600_000;
    const withHours = async (answer: unknown, rules: Record<string, string>) => {
      env.connect.effectiveHours = () => answer as any;
      return env.load('write-callback-hours', variant, { ...HOURS_ENV, ...rules })(flowEvent({ callerNumber: newNumber() }));
    };
    const closing = await withHours(hoursOpenOnlyBetween(Date.now() - hour, Date.now() + 10 * 60_000), { ADMISSION_STOP_BEFORE_CLOSE_SECONDS: '900' });
    const closed = await withHours(hoursOpenOnlyBetween(Date.now() + hour, Date.now() + 2 * hour), {});
    const defer = { ADMISSION_WHEN_CLOSED: 'DEFER', ADMISSION_DEFERRAL_DELAYS_SECONDS: '5400' };
    const deferred = await withHours(hoursOpenOnlyBetween(Date.now() + hour, Date.now() + 3 * hour), defer);
    const createdDeferring = await withHours(hoursOpenOnlyBetween(Date.now() - hour, Date.now() + 3 * hour), defer);
    deferringAnswers.add(deferred).add(createdDeferring);

    const applied = await update(flowEvent({ callerNumber: phone, parameters: { recordId, transition: 'CANCEL' } }));
    const refused = await update(flowEvent({ callerNumber: phone, parameters: { recordId, transition: 'CANCEL' } }));
    const notFound = await update(flowEvent({ callerNumber: phone, parameters: { recordId: newContactId(), transition: 'CANCEL' } }));
    const other = newContactId();
    await write(flowEvent({ contactId: other, callerNumber: newNumber() }));
    const forbidden = await update(flowEvent({ callerNumber: newNumber(), parameters: { recordId: other, transition: 'CANCEL' } }));
    const notACallback = await update(flowEvent({ contactId: other, parameters: { recordId: other, transition: 'CONNECT' } }));
    const invalidInput = await update(flowEvent({ parameters: { recordId: other, transition: 'TELEPORT' } }));
    const updateError = await env.load('update-callback', variant, broken)(flowEvent({ parameters: { recordId: other, transition: 'CANCEL' } }));
    return {
      'write-callback': [created, exists, invalid, atCapacity, limitReached, closing, closed, deferred, createdDeferring, writeError],
      'update-callback': [applied, refused, notFound, forbidden, notACallback, invalidInput, updateError],
    };
  }

  test('every result of each handler has a row, and every key of its row is filled in its replies', async () => {
    const got = await replies();
    expect(Object.keys(HANDLER_REPLIES['write-callback']).sort()).toEqual([...RESULTS.WRITE_CALLBACK].sort());
    expect(Object.keys(HANDLER_REPLIES['update-callback']).sort()).toEqual([...RESULTS.UPDATE_CALLBACK].sort());
    for (const [handler, answers] of Object.entries(got) as Array<[keyof typeof HANDLER_REPLIES, Array<Record<string, string>>]>) {
      const table: Record<string, readonly string[]> = HANDLER_REPLIES[handler];
      expect([...new Set(answers.map((answer) => answer.result))].sort()).toEqual(Object.keys(table).sort());
      for (const answer of answers) {
        // Every update-callback answer here but NOT_A_CALLBACK (a CONNECT) and INVALID_INPUT (no transition) is a CANCEL's.
        const transition = handler === 'update-callback' && !['NOT_A_CALLBACK', 'INVALID_INPUT'].includes(answer.result) ? 'CANCEL' : undefined;
        const byTransition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = HANDLER_REPLIES_BY_TRANSITION[handler];
        const row = (transition === undefined ? undefined : byTransition[transition]?.[answer.result]) ?? table[answer.result];
        const unfilled = row.filter((key) => !answer[key]);
        expect({ handler, result: answer.result, unfilled }).toEqual({ handler, result: answer.result, unfilled: [] });
        // The keys it may leave empty are still in the reply, so a flow may pass them on.
        const optional = ((HANDLER_OPTIONAL_REPLIES[handler] as Record<string, readonly string[]>)[answer.result] ?? [])
          .filter((key) => key !== 'deferSeconds' || deferringAnswers.has(answer));
        const absent = optional.filter((key) => answer[key] === undefined);
        expect({ handler, result: answer.result, absent }).toEqual({ handler, result: answer.result, absent: [] });
      }
    }
  });

  test('no reply fills a key the table leaves out of its row, except where the row cannot promise it', async () => {
    const got = await replies();
    // resolution is filled only once a record is COMPLETED, so no row can promise it; nothing else may be left out.
    const mayBeFilled = new Set(['result', 'resolution']);
    for (const [handler, answers] of Object.entries(got) as Array<[keyof typeof HANDLER_REPLIES, Array<Record<string, string>>]>) {
      const table: Record<string, readonly string[]> = HANDLER_REPLIES[handler];
      for (const answer of answers) {
        const extra = Object.keys(answer).filter((key) => answer[key] !== '' && !mayBeFilled.has(key) && !table[answer.result].includes(key));
        expect({ handler, result: answer.result, extra }).toEqual({ handler, result: answer.result, extra: [] });
      }
    }
  });
});
