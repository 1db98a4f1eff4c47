import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { boundedClientOptions } from './sdk-bounds';

/**
 * The region, credentials and endpoint come from the standard environment (AWS_REGION, the Lambda
 * role, and AWS_ENDPOINT_URL_DYNAMODB where tests point it at a local server).
 */
export function createDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient(boundedClientOptions());
}
