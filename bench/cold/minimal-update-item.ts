/** The size floor of a handler with the DynamoDB client alone: a client built at load and one conditional UpdateItem. */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type FlowEvent, TARGET } from './target';
import { completeCancelledInput } from '../lib/requests';

const client = new DynamoDBClient({});

export async function handler(event: FlowEvent): Promise<Record<string, string>> {
  const { Attributes } = await client.send(new UpdateItemCommand(completeCancelledInput(TARGET, event.Details.Parameters.recordId ?? '', 'HUNG_UP_BY_AGENT')));
  return { result: Attributes ? 'APPLIED' : 'ERROR' };
}
