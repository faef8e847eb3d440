/**
 * `@smithy/core/event-streams`, as the bundles need it: not at all. The SDK's protocols load it with a
 * dynamic import for operations that stream events (Bedrock, Transcribe, S3 Select…); DynamoDB, SQS and
 * Secrets Manager have none, yet esbuild, which cannot split a bundle CDK builds into one file, inlines
 * it: about 15 KB minified never run. Should an operation ever reach for it, it fails saying so.
 */
export class EventStreamsNotBundledError extends Error {
  override name = 'EventStreamsNotBundledError';
  constructor() {
    super('AWS event streams are not in this bundle (infra/shims/event-streams.ts)');
  }
}

export class EventStreamSerde {
  constructor() {
    throw new EventStreamsNotBundledError();
  }
}

export const eventStreamSerdeProvider = (): never => {
  throw new EventStreamsNotBundledError();
};

/**
 * The Lambda client (the tick's, to invoke its worker) resolves this at construction for
 * `InvokeWithResponseStream`, which the bot never calls: the config goes on without a marshaller,
 * and such an operation would fail for want of one.
 */
export const resolveEventStreamSerdeConfig = <T>(input: T): T => input;
