/**
 * Removes a CANCELLED callback from the queue with StopContact and completes its record
 * (REMOVED_BY_API). A contact Amazon Connect no longer knows is already gone, which is success too.
 */
import { removeCancelledCallback } from '../shared/callback-lifecycle';
import { missingSettings } from '../shared/config';
import { createConnectClient, createContactStopper } from '../shared/connect-client';
import { contactData, type ConnectFlowEvent, type FlowReply, isPlausibleContactId, recordIdOf, reply } from '../shared/connect-event';
import { describeError } from '../shared/log';
import { createRuntime, createStore } from '../shared/runtime';

const { config, log } = createRuntime('stop-contact');
const store = createStore(config);
const stopContact = config.instanceId === undefined ? undefined : createContactStopper(createConnectClient(), config.instanceId);
const KEYS = ['result', 'status'] as const;

export async function handler(event: ConnectFlowEvent): Promise<FlowReply> {
  const contactId = contactData(event).ContactId;
  const problems = missingSettings(config, ['tableName', 'instanceId']);
  if (!store || !stopContact || problems.length > 0) {
    log.error('configuration invalid', { contactId, problems });
    return reply(KEYS, { result: 'ERROR' });
  }
  const recordId = recordIdOf(event);
  if (!recordId || !isPlausibleContactId(recordId)) {
    log.info('no callback record id', { contactId });
    return reply(KEYS, { result: 'NOT_FOUND' });
  }
  try {
    const record = await store.get(recordId);
    if (!record) return reply(KEYS, { result: 'NOT_FOUND' });
    const removal = await removeCancelledCallback(store, stopContact, record);
    log.info('stop contact', { contactId, recordId, removal: removal.kind, stop: removal.kind === 'REMOVED' ? removal.stop : undefined });
    switch (removal.kind) {
      case 'REMOVED':
        return reply(KEYS, { result: removal.stop, status: removal.record.status });
      case 'NOT_CANCELLED':
        return reply(KEYS, { result: 'NOT_CANCELLED', status: removal.record.status });
      case 'ID_UNKNOWN':
        return reply(KEYS, { result: 'ID_UNKNOWN', status: removal.record.status });
    }
  } catch (error) {
    log.error('stop contact failed', { contactId, recordId, error: describeError(error) });
    return reply(KEYS, { result: 'ERROR' });
  }
}
