import { ADMISSION_ENV, CALLBACK_MODES, type CallbackMode, DEFAULT_COMPLETED_RECORD_TTL_SECONDS, ENV } from './contract';
import { isUsableTimeZone } from './local-time';

/** Settings every handler reads once, at cold start, from the environment the construct sets. */
export interface HandlerConfig {
  readonly tableName?: string;
  readonly queueArn?: string;
  readonly instanceArn?: string;
  /** The instance id StopContact wants, taken from INSTANCE_ARN. */
  readonly instanceId?: string;
  readonly defaultCountry: string;
  readonly completedRecordTtlSeconds: number;
  readonly allowCancelForOtherNumber: boolean;
  /** Not checked at load: only write-callback speaks times, and it asks for it (missingSettings 'timeZone'). */
  readonly timeZone: string;
  /** The locale times are spoken in (the construct's `locale`, matching its voice); not checked at load. */
  readonly locale: string;
  /** The construct's callbackMode: what write-callback stamps on a new record (AGENT_FIRST when unset). */
  readonly callbackMode: CallbackMode;
  /** The admission policy's rules that write-callback applies (ADMISSION_ENV); each is absent without its rule. */
  readonly admission: AdmissionRules;
  /** What is wrong with the environment; handlers reply ERROR instead of throwing at cold start. */
  readonly problems: readonly string[];
}

export interface AdmissionRules {
  readonly maxQueuedContacts?: number;
  readonly maxCallbacksPerNumberPerDay?: number;
  /** The closing-time rules; absent without ADMISSION_HOURS_OF_OPERATION_ARN. */
  readonly hours?: HoursRules;
}

export interface HoursRules {
  readonly instanceId: string;
  readonly hoursOfOperationId: string;
  readonly stopBeforeCloseSeconds: number;
  readonly whenClosed: 'REFUSE' | 'DEFER';
  /** Ascending; empty unless DEFER. */
  readonly deferralDelaysSeconds: readonly number[];
}

const HOURS_ARN = /^arn:[^:]+:connect:[^:]*:[^:]*:instance\/([^/]+)\/operating-hours\/([^/]+)$/;

function instanceIdOf(instanceArn: string): string | undefined {
  const match = /^arn:[^:]+:connect:[^:]*:[^:]*:instance\/([^/]+)$/.exec(instanceArn);
  return match?.[1];
}

export function loadConfig(env: NodeJS.ProcessEnv): HandlerConfig {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const instanceArn = text(ENV.INSTANCE_ARN);
  const instanceId = instanceArn === undefined ? undefined : instanceIdOf(instanceArn);
  if (instanceArn !== undefined && instanceId === undefined) {
    problems.push(`${ENV.INSTANCE_ARN} is not an Amazon Connect instance ARN`);
  }

  const defaultCountry = (text(ENV.DEFAULT_COUNTRY) ?? 'US').toUpperCase();
  if (!/^[A-Z]{2}$/.test(defaultCountry)) {
    problems.push(`${ENV.DEFAULT_COUNTRY} must be an ISO 3166-1 alpha-2 code`);
  }

  const ttlText = text(ENV.COMPLETED_RECORD_TTL_SECONDS);
  const completedRecordTtlSeconds = ttlText === undefined ? DEFAULT_COMPLETED_RECORD_TTL_SECONDS : Number(ttlText);
  if (!Number.isInteger(completedRecordTtlSeconds) || completedRecordTtlSeconds <= 0) {
    problems.push(`${ENV.COMPLETED_RECORD_TTL_SECONDS} must be a positive whole number of seconds`);
  }

  // Checking the zone means building an Intl formatter, the first of which loads ICU's data: more than 10 ms of a cold
  // start, for handlers that never speak a time. The handler that does checks it on its first call (missingSettings).
  const timeZone = text(ENV.TIME_ZONE) ?? 'UTC';

  // Like the zone, not checked here (asking Intl about it loads the same data): the spoken time falls back to en-US
  // for a locale this runtime cannot format (local-time.ts), rather than refusing every booking over its wording.
  const locale = text(ENV.LOCALE) ?? 'en-US';

  const callbackMode = (text(ENV.CALLBACK_MODE) ?? 'AGENT_FIRST').toUpperCase() as CallbackMode;
  if (!CALLBACK_MODES.includes(callbackMode)) {
    problems.push(`${ENV.CALLBACK_MODE} must be one of ${CALLBACK_MODES.join(', ')}`);
  }

  const positiveWhole = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (/^\d+$/.test(value) && number >= 1) return number;
    problems.push(`${name} must be a whole number of at least 1`);
    return undefined;
  };
  const admission: AdmissionRules = {
    maxQueuedContacts: positiveWhole(ADMISSION_ENV.MAX_QUEUED_CONTACTS),
    maxCallbacksPerNumberPerDay: positiveWhole(ADMISSION_ENV.MAX_CALLBACKS_PER_NUMBER_PER_DAY),
    hours: hoursRules(text, problems),
  };

  return {
    tableName: text(ENV.TABLE_NAME),
    queueArn: text(ENV.QUEUE_ARN),
    instanceArn,
    instanceId,
    defaultCountry,
    completedRecordTtlSeconds,
    allowCancelForOtherNumber: text(ENV.ALLOW_CANCEL_FOR_OTHER_NUMBER)?.toLowerCase() === 'true',
    timeZone,
    locale,
    callbackMode,
    admission,
    problems,
  };
}

function hoursRules(text: (name: string) => string | undefined, problems: string[]): HoursRules | undefined {
  const arn = text(ADMISSION_ENV.HOURS_OF_OPERATION_ARN);
  if (arn === undefined) return undefined;
  const match = HOURS_ARN.exec(arn);
  if (!match) {
    problems.push(`${ADMISSION_ENV.HOURS_OF_OPERATION_ARN} is not an hours of operation ARN`);
    return undefined;
  }
  const stopText = text(ADMISSION_ENV.STOP_BEFORE_CLOSE_SECONDS) ?? '0';
  if (!/^\d+$/.test(stopText)) problems.push(`${ADMISSION_ENV.STOP_BEFORE_CLOSE_SECONDS} must be a whole number of seconds`);
  const whenClosed = (text(ADMISSION_ENV.WHEN_CLOSED) ?? 'REFUSE').toUpperCase();
  if (whenClosed !== 'REFUSE' && whenClosed !== 'DEFER') problems.push(`${ADMISSION_ENV.WHEN_CLOSED} must be REFUSE or DEFER`);
  const delays = (text(ADMISSION_ENV.DEFERRAL_DELAYS_SECONDS) ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  if (delays.some((delay) => !/^\d+$/.test(delay) || Number(delay) < 1)) {
    problems.push(`${ADMISSION_ENV.DEFERRAL_DELAYS_SECONDS} must be whole numbers of seconds, comma-separated`);
  }
  if (whenClosed === 'DEFER' && delays.length === 0) problems.push(`${ADMISSION_ENV.WHEN_CLOSED} DEFER needs ${ADMISSION_ENV.DEFERRAL_DELAYS_SECONDS}`);
  return {
    instanceId: match[1],
    hoursOfOperationId: match[2],
    stopBeforeCloseSeconds: Number(stopText),
    whenClosed: whenClosed === 'DEFER' ? 'DEFER' : 'REFUSE',
    deferralDelaysSeconds: whenClosed === 'DEFER' ? delays.map(Number).sort((a, b) => a - b) : [],
  };
}

/**
 * Names of required settings that are missing or wrong, for the handler's ERROR reply and log. 'timeZone' asks for a
 * TIME_ZONE Intl knows (its formatter is then built, and kept for the handler's spoken times).
 */
export function missingSettings(config: HandlerConfig, required: ReadonlyArray<'tableName' | 'queueArn' | 'instanceId' | 'timeZone'>): string[] {
  const envName = { tableName: ENV.TABLE_NAME, queueArn: ENV.QUEUE_ARN, instanceId: ENV.INSTANCE_ARN } as const;
  return [
    ...config.problems,
    ...required.filter((key) => key !== 'timeZone' && config[key] === undefined).map((key) => `${envName[key as keyof typeof envName]} is not set`),
    ...(required.includes('timeZone') && !isUsableTimeZone(config.timeZone) ? [`${ENV.TIME_ZONE} is not an IANA time zone`] : []),
  ];
}
