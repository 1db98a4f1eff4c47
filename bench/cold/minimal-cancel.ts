/**
 * Cold-start baseline of update-callback CANCEL with the callback id known: a DynamoDB and a Connect client built at
 * load, the cancel's transaction, StopContact and the completing UpdateItem, with what the flow passes.
 */
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { DynamoDBClient, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type FlowEvent, INSTANCE_ID, TARGET } from './target';
import { cancelInput, completeCancelledInput } from '../lib/requests';

const dynamodb = new DynamoDBClient({});
const connect = new ConnectClient({});

export async function handler(event: FlowEvent): Promise<Record<string, string>> {
  const { recordId = '', phoneE164 = '', callbackContactId = '' } = event.Details.Parameters;
  await dynamodb.send(new TransactWriteItemsCommand(cancelInput(TARGET, { recordId, phoneE164, callbackContactId })));
  await connect.send(new StopContactCommand({ InstanceId: INSTANCE_ID, ContactId: callbackContactId }));
  await dynamodb.send(new UpdateItemCommand(completeCancelledInput(TARGET, recordId, 'REMOVED_BY_API')));
  return { result: 'APPLIED' };
}
