/**
 * Reads the sparse index of open records (OPEN_RECORDS_INDEX, see callback-store.ts), for the reconciler and the
 * callbacks API only: kept out of CallbackStore so that the flow-facing handlers do not bundle the Query command.
 */
import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { type CallbackRecord, recordFromItem } from './callback-store';
import { OPEN_RECORDS_INDEX } from './contract';

/** A page of open records, oldest first; `nextKey` resumes after the last one. */
export interface OpenRecordsPage {
  readonly records: CallbackRecord[];
  readonly nextKey?: Record<string, AttributeValue>;
}

export interface OpenRecordsOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => Date;
  readonly abortSignal?: () => AbortSignal | undefined;
}

export type OpenRecordsReader = (queueArn: string, page?: { limit?: number; startKey?: Record<string, AttributeValue> }) => Promise<OpenRecordsPage>;

/**
 * One page of the open records of a queue, oldest first. A global secondary index is eventually consistent: a record
 * completed a moment ago may still be listed, and every transition re-checks the state it starts from. Records past
 * their expiresAt are left out, as the store's get() leaves them out.
 */
export function createOpenRecordsReader(options: OpenRecordsOptions): OpenRecordsReader {
  const now = options.now ?? (() => new Date());
  const abortSignal = options.abortSignal ?? (() => undefined);
  return async (queueArn, page = {}) => {
    const { Items, LastEvaluatedKey } = await options.client.send(new QueryCommand({
      TableName: options.tableName,
      IndexName: OPEN_RECORDS_INDEX.NAME,
      KeyConditionExpression: '#queue = :queue',
      ExpressionAttributeNames: { '#queue': OPEN_RECORDS_INDEX.PARTITION_KEY },
      ExpressionAttributeValues: { ':queue': { S: queueArn } },
      ScanIndexForward: true,
      Limit: page.limit,
      ExclusiveStartKey: page.startKey,
    }), { abortSignal: abortSignal() });
    const nowSeconds = Math.floor(now().getTime() / 1000);
    const records = (Items ?? []).map(recordFromItem).filter((record) => record.expiresAt > nowSeconds);
    return { records, nextKey: LastEvaluatedKey };
  };
}
