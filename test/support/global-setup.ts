import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../bot/adapters/store/dynamo-local.js';
import { specLoaded } from '../../simulator/bot-api/spec.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/** One in-memory DynamoDB Local per test run; tests reach it with `inject('dynamoEndpoint')`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The workers get this from vitest.config.ts; this process starts DynamoDB Local's readiness client.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (!specLoaded) {
    // Without it the fake Bot API accepts every call unchecked, and every Telegram test would pass on faith.
    throw new Error(
      'The Bot API method list ../shared/telegram/bot-api.min.json is missing: the tests need it beside the repository.',
    );
  }
  const dynamo = await startDynamoLocal({ lightJvm: true });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}
