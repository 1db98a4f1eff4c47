/**
 * The published sample's design, per caller path, as its description gives it: how many Lambda functions the flows
 * invoke, and which DynamoDB and Connect requests they send. The counts are the ones in the project's notes on the
 * sample (../shared/README.md, "The published sample's requests per caller path", counted by running its handlers
 * against DynamoDB Local) and its blog post (the flows' function table: cfSetCallBackflow invokes six functions,
 * cfAgentCallBackWhisperflow two, cfOutboundWhisperflow two). None of the sample's code is used: the requests below are
 * written from that description, as plain SDK calls on an item per phone number, unconditional as the notes say
 * ("None of its writes is conditional"), with the sample's record attributes (status, callback contact id, contact
 * id, a timestamp) as the blog describes them.
 */
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { type AttributeValue, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

export type SamplePath = 'new callback' | 'duplicate kept' | 'cancel' | 'agent whisper' | 'outbound whisper' | 'learning the callback id';

export interface SamplePathDesign {
  readonly path: SamplePath;
  /** Lambda invocations from the flow; a range where the path branches ('1–2'). */
  readonly invocations: string;
  /** The most invocations the path makes (for sums). */
  readonly maxInvocations: number;
  /** In order; 'GetItem' is eventually consistent, as the notes say of the new-callback read (the same read function serves every path). */
  readonly requests: ReadonlyArray<'GetItem' | 'PutItem' | 'UpdateItem' | 'StopContact'>;
}

export const SAMPLE_PATHS: readonly SamplePathDesign[] = [
  { path: 'new callback', invocations: '4', maxInvocations: 4, requests: ['GetItem', 'PutItem'] },
  { path: 'duplicate kept', invocations: '2', maxInvocations: 2, requests: ['GetItem'] },
  { path: 'cancel', invocations: '5', maxInvocations: 5, requests: ['GetItem', 'UpdateItem', 'StopContact'] },
  { path: 'agent whisper', invocations: '1–2', maxInvocations: 2, requests: ['GetItem'] },
  { path: 'outbound whisper', invocations: '2', maxInvocations: 2, requests: ['UpdateItem'] },
  { path: 'learning the callback id', invocations: '1 (CTR)', maxInvocations: 1, requests: ['UpdateItem'] },
];

/**
 * Request units of the sample's requests, by DynamoDB's rules for items under 1 KB: an eventually consistent read is
 * half a read unit, a write one write unit.
 */
export function sampleUnits(design: SamplePathDesign): { reads: number; writes: number } {
  return {
    reads: design.requests.filter((request) => request === 'GetItem').length * 0.5,
    writes: design.requests.filter((request) => request === 'PutItem' || request === 'UpdateItem').length,
  };
}

const s = (value: string): AttributeValue => ({ S: value });

/** Runs one path's request mix, in order, for the number `phone`, with plain clients. */
export class SampleRequests {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly connect: ConnectClient,
    private readonly table: string,
    private readonly instanceId: string,
  ) {}

  async run(design: SamplePathDesign, phone: string, contactId: string): Promise<void> {
    const key = { pk: s(`SAMPLE#${phone}`) };
    for (const request of design.requests) {
      switch (request) {
        case 'GetItem':
          await this.dynamodb.send(new GetItemCommand({ TableName: this.table, Key: key }));
          break;
        case 'PutItem':
          await this.dynamodb.send(new PutItemCommand({
            TableName: this.table,
            Item: { ...key, phoneNumber: s(phone), callbackStatus: s('PENDING'), contactId: s(contactId), createdAt: s(new Date().toISOString()) },
          }));
          break;
        case 'UpdateItem':
          await this.dynamodb.send(new UpdateItemCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: 'SET callbackStatus = :status, callbackId = :id, updatedAt = :at',
            ExpressionAttributeValues: { ':status': s(design.path === 'cancel' ? 'CANCELLED' : 'COMPLETED'), ':id': s(contactId), ':at': s(new Date().toISOString()) },
          }));
          break;
        case 'StopContact':
          await this.connect.send(new StopContactCommand({ InstanceId: this.instanceId, ContactId: contactId }));
          break;
      }
    }
  }
}

