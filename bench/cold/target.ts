/** What every minimal handler reads at load, as the handlers do: the construct's environment. */
import type { Target } from '../lib/requests';

export const TARGET: Target = {
  table: process.env.TABLE_NAME ?? '',
  queueArn: process.env.QUEUE_ARN ?? '',
  completedTtlSeconds: Number(process.env.COMPLETED_RECORD_TTL_SECONDS ?? 86_400),
};

export const INSTANCE_ID = /instance\/([^/]+)$/.exec(process.env.INSTANCE_ARN ?? '')?.[1] ?? '';

/** The parts of a Connect flow event the minimal handlers read. */
export interface FlowEvent {
  readonly Details: {
    readonly ContactData: { readonly ContactId: string; readonly CustomerEndpoint?: { readonly Address: string } | null };
    readonly Parameters: Record<string, string | undefined>;
  };
}
