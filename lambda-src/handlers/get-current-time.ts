/** The current time in the configured time zone, for business-hours and prompt decisions in flows. */
import { contactData, type ConnectFlowEvent, type FlowReply, reply } from '../shared/connect-event';
import { ENV } from '../shared/contract';
import { localTime } from '../shared/local-time';
import { createRuntime } from '../shared/runtime';

const { config, log } = createRuntime('get-current-time');
const KEYS = ['result', 'epochSeconds', 'isoUtc', 'localDate', 'localTime', 'spokenTime', 'dayOfWeek', 'timeZone'] as const;

export async function handler(event: ConnectFlowEvent): Promise<FlowReply> {
  const problems = config.problems.filter((problem) => problem.startsWith(ENV.TIME_ZONE));
  if (problems.length > 0) {
    // A wrong zone would tell callers a wrong time; the flow takes its error branch instead.
    log.error('configuration invalid', { contactId: contactData(event).ContactId, problems });
    return reply(KEYS, { result: 'ERROR', timeZone: config.timeZone });
  }
  const now = new Date();
  return reply(KEYS, {
    result: 'OK',
    epochSeconds: String(Math.floor(now.getTime() / 1000)),
    isoUtc: now.toISOString(),
    ...localTime(now, config.timeZone),
    timeZone: config.timeZone,
  });
}
