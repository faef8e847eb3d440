import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Fake credentials for DynamoDB Local, which accepts any key but keys its data by them. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * A document client for the table. With `endpoint` (DynamoDB Local) it uses fixed fake
 * credentials; without it, the default AWS credential chain.
 */
export function createDocumentClient(options: { region: string; endpoint?: string }): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: localCredentials } : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
