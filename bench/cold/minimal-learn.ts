/**
 * Cold-start baseline of the two processors learning a pending callback's contact id: a DynamoDB client built at load
 * and the two UpdateItems (the record, then its active pointer). Takes the contact event (EventBridge) or a Kinesis
 * batch with one inbound CTR, reading only the two ids.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { TARGET } from './target';
import { learnPointerInput, learnRecordInput } from '../lib/requests';

const client = new DynamoDBClient({});

interface Input {
  readonly detail?: { readonly contactId: string; readonly previousContactId: string };
  readonly Records?: ReadonlyArray<{ readonly kinesis: { readonly data: string } }>;
}

export async function handler(event: Input): Promise<unknown> {
  let recordId: string;
  let callbackContactId: string;
  if (event.detail) {
    ({ previousContactId: recordId, contactId: callbackContactId } = event.detail);
  } else {
    const ctr = JSON.parse(Buffer.from(event.Records?.[0]?.kinesis.data ?? '', 'base64').toString('utf8')) as { ContactId: string; NextContactId: string };
    ({ ContactId: recordId, NextContactId: callbackContactId } = ctr);
  }
  const { Attributes } = await client.send(new UpdateItemCommand(learnRecordInput(TARGET, recordId, callbackContactId)));
  await client.send(new UpdateItemCommand(learnPointerInput(TARGET, recordId, Attributes?.phoneE164?.S ?? '', callbackContactId)));
  return event.detail ? { outcome: 'ID_LEARNED' } : { batchItemFailures: [] };
}
