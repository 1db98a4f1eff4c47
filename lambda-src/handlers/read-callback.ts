/** Reads a callback record, for the whisper flows that decide from the stored state (never a stale attribute). */
import { missingSettings } from '../shared/config';
import { contactData, type ConnectFlowEvent, type FlowReply, isPlausibleContactId, recordIdOf, reply } from '../shared/connect-event';
import { describeError } from '../shared/log';
import { createRuntime, createStore } from '../shared/runtime';

const { config, log } = createRuntime('read-callback');
const store = createStore(config);
const KEYS = ['result', 'recordId', 'status', 'resolution', 'phoneE164', 'phoneNational', 'callbackContactIdKnown'] as const;

export async function handler(event: ConnectFlowEvent): Promise<FlowReply> {
  const contactId = contactData(event).ContactId;
  const problems = missingSettings(config, ['tableName']);
  if (!store || problems.length > 0) {
    log.error('configuration invalid', { contactId, problems });
    return reply(KEYS, { result: 'ERROR' });
  }
  const recordId = recordIdOf(event);
  // No id (or one that cannot be a contact id) means this contact has no callback record.
  if (!recordId || !isPlausibleContactId(recordId)) {
    log.info('no callback record id', { contactId });
    return reply(KEYS, { result: 'NOT_FOUND' });
  }
  try {
    const record = await store.get(recordId);
    log.info('callback read', { contactId, recordId, status: record?.status ?? 'NOT_FOUND' });
    if (!record) return reply(KEYS, { result: 'NOT_FOUND', recordId });
    return reply(KEYS, {
      result: 'FOUND',
      recordId,
      status: record.status,
      resolution: record.resolution,
      phoneE164: record.phoneE164,
      phoneNational: record.phoneNational,
      callbackContactIdKnown: String(record.callbackContactId !== undefined),
    });
  } catch (error) {
    log.error('callback read failed', { contactId, recordId, error: describeError(error) });
    return reply(KEYS, { result: 'ERROR', recordId });
  }
}
