/** The parts of the Amazon Connect Lambda event the handlers read, and the flat reply they return. */
import { RECORD_ID_ATTRIBUTE } from './contract';

export interface ConnectContactData {
  readonly ContactId?: string;
  readonly InitialContactId?: string;
  readonly PreviousContactId?: string;
  readonly Channel?: string;
  readonly InstanceARN?: string;
  readonly InitiationMethod?: string;
  readonly CustomerEndpoint?: { readonly Address?: string; readonly Type?: string } | null;
  readonly Queue?: { readonly ARN?: string; readonly Name?: string } | null;
  readonly Attributes?: Record<string, string | undefined> | null;
}

export interface ConnectFlowEvent {
  readonly Name?: string;
  readonly Details?: {
    readonly ContactData?: ConnectContactData;
    readonly Parameters?: Record<string, unknown> | null;
  };
}

/** Contact flows can only read string values from a Lambda reply. */
export type FlowReply = Record<string, string>;

export function contactData(event: ConnectFlowEvent | undefined): ConnectContactData {
  return event?.Details?.ContactData ?? {};
}

/** A trimmed string parameter, or undefined when absent, blank or not a string. */
export function parameter(event: ConnectFlowEvent | undefined, name: string): string | undefined {
  const value = event?.Details?.Parameters?.[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

/** Parameters.recordId, else the callbackRecordId contact attribute the callback contact inherits. */
export function recordIdOf(event: ConnectFlowEvent | undefined): string | undefined {
  const fromAttribute = contactData(event).Attributes?.[RECORD_ID_ATTRIBUTE]?.trim();
  return parameter(event, 'recordId') ?? (fromAttribute ? fromAttribute : undefined);
}

/** Record ids are contact ids; anything else (too long, odd characters) is bad input, not a lookup. */
export function isPlausibleContactId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9-]{1,256}$/.test(id);
}

/** Fills every key the flow may read, so a missing value is '' rather than an absent attribute. */
export function reply<K extends string>(keys: readonly K[], values: Partial<Record<K, string | undefined>>): FlowReply {
  return Object.fromEntries(keys.map((key) => [key, values[key] ?? ''])) as FlowReply;
}
