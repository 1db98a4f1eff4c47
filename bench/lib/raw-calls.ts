/**
 * The raw @aws-sdk/client-dynamodb (and client-connect) requests that a handler's work is compared with: each caller
 * path's request mix, in order, built by bench/lib/requests.ts exactly as lambda-src/shared/callback-store.ts builds
 * it, and issued by a plain client (from node_modules, default options) with no handler around it.
 */
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { COMPLETED_TTL_SECONDS, INSTANCE_ID, QUEUE_ARN, TABLE_NAME } from './handlers';
import {
  bookingInput, cancelInput, type CancelTold, completeCancelledInput, connectInput, getRecordInput, learnPointerInput, learnRecordInput,
  recordItem, releaseInput, type Target,
} from './requests';

export const BENCH_TARGET: Target = { table: TABLE_NAME, queueArn: QUEUE_ARN, completedTtlSeconds: COMPLETED_TTL_SECONDS };

export class RawCalls {
  readonly dynamodb: DynamoDBClient;
  readonly connect: ConnectClient;
  private readonly target = BENCH_TARGET;

  /** Plain clients: region, credentials and endpoints from the environment (or `endpoints`), SDK defaults otherwise. */
  constructor(endpoints: { dynamodb?: string; connect?: string } = {}) {
    this.dynamodb = new DynamoDBClient(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {});
    this.connect = new ConnectClient(endpoints.connect ? { endpoint: endpoints.connect } : {});
  }

  /** The first request of CONNECT and RELEASE: a consistent GetItem of the record. */
  async getRecord(recordId: string): Promise<Record<string, AttributeValue> | undefined> {
    return (await this.dynamodb.send(new GetItemCommand(getRecordInput(this.target, recordId)))).Item;
  }

  /** write-callback's request: one TransactWriteItems with two conditional Puts (active pointer, record). */
  async book(recordId: string, phoneE164: string): Promise<void> {
    await this.dynamodb.send(new TransactWriteItemsCommand(bookingInput(this.target, recordId, phoneE164)));
  }

  /** The same request for a number that already has a PENDING callback: the pointer's condition fails (EXISTS). */
  async bookExisting(recordId: string, phoneE164: string): Promise<void> {
    try {
      await this.book(recordId, phoneE164);
    } catch (error) {
      if ((error as Error).name === 'TransactionCanceledException') return;
      throw error;
    }
    throw new Error('bookExisting: the number had no PENDING callback');
  }

  /** A conditional PutItem of the record alone: the cheapest possible booking, shown for context. */
  async putRecordOnly(recordId: string, phoneE164: string): Promise<void> {
    await this.dynamodb.send(new PutItemCommand({
      TableName: this.target.table,
      Item: recordItem(this.target, recordId, phoneE164, new Date()),
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }));
  }

  /** CONNECT: the read, then PENDING -> COMPLETED(CONNECTED) with the pointer deleted. */
  async connectPending(recordId: string, phoneE164: string, callbackContactId: string): Promise<void> {
    await this.getRecord(recordId);
    await this.dynamodb.send(new TransactWriteItemsCommand(connectInput(this.target, recordId, phoneE164, callbackContactId)));
  }

  /** RELEASE: the read, then PENDING -> COMPLETED(RELEASED) with the pointer deleted. */
  async releasePending(recordId: string, phoneE164: string): Promise<void> {
    await this.getRecord(recordId);
    await this.dynamodb.send(new TransactWriteItemsCommand(releaseInput(this.target, recordId, phoneE164)));
  }

  /** CANCEL as the flow tells it, callback id not known yet: the conditional cancel alone. */
  async cancelPending(told: CancelTold): Promise<void> {
    await this.dynamodb.send(new TransactWriteItemsCommand(cancelInput(this.target, told)));
  }

  /** CANCEL with the callback contact id known: the cancel, StopContact, and CANCELLED -> COMPLETED(REMOVED_BY_API). */
  async cancelAndRemove(told: CancelTold & { readonly callbackContactId: string }): Promise<void> {
    await this.cancelPending(told);
    await this.stopContact(told.callbackContactId);
    await this.dynamodb.send(new UpdateItemCommand(completeCancelledInput(this.target, told.recordId, 'REMOVED_BY_API')));
  }

  /** AGENT_HANG_UP on a cancelled callback: CANCELLED -> COMPLETED(HUNG_UP_BY_AGENT), then StopContact. */
  async hangUpCancelled(recordId: string, callbackContactId: string): Promise<void> {
    await this.dynamodb.send(new UpdateItemCommand(completeCancelledInput(this.target, recordId, 'HUNG_UP_BY_AGENT', callbackContactId)));
    await this.stopContact(callbackContactId);
  }

  /** A processor learning the callback contact id of a PENDING record: on the record, then on its active pointer. */
  async learnCallbackId(recordId: string, phoneE164: string, callbackContactId: string): Promise<void> {
    await this.dynamodb.send(new UpdateItemCommand(learnRecordInput(this.target, recordId, callbackContactId)));
    await this.dynamodb.send(new UpdateItemCommand(learnPointerInput(this.target, recordId, phoneE164, callbackContactId)));
  }

  /** The same step again for an id already stored (the inbound CTR after the contact event): the record's UpdateItem alone. */
  async learnCallbackIdAgain(recordId: string, callbackContactId: string): Promise<void> {
    await this.dynamodb.send(new UpdateItemCommand(learnRecordInput(this.target, recordId, callbackContactId)));
  }

  /** AGENT_HANG_UP on a callback still PENDING: the conditional UpdateItem, refused (the agent is told to go ahead). */
  async hangUpPending(recordId: string, callbackContactId: string): Promise<void> {
    try {
      await this.dynamodb.send(new UpdateItemCommand(completeCancelledInput(this.target, recordId, 'HUNG_UP_BY_AGENT', callbackContactId)));
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return;
      throw error;
    }
    throw new Error('hangUpPending: the record was not PENDING');
  }

  async stopContact(contactId: string): Promise<void> {
    await this.connect.send(new StopContactCommand({ InstanceId: INSTANCE_ID, ContactId: contactId }));
  }

  destroy(): void {
    this.dynamodb.destroy();
    this.connect.destroy();
  }
}
