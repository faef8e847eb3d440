import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the fake SQS holds, as a Lambda SQS event record would carry it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  attributes: { MessageGroupId?: string; MessageDeduplicationId?: string };
}

export interface FakeAws {
  endpoint: string;
  queueUrl: string;
  /** Messages sent to the queue, oldest first; `take` empties it. */
  queued: QueuedMessage[];
  take(): QueuedMessage[];
  /** Secret ARN → value. */
  secrets: Map<string, string>;
  /** `<service>.<operation>` of every request, in order. */
  calls: string[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for the two AWS APIs the bundles call besides DynamoDB
 * (which DynamoDB Local serves): SQS SendMessageBatch and Secrets Manager
 * GetSecretValue (and PutSecretValue, for set-webhook), all on the JSON protocol. The SDK finds it through
 * AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
export async function startFakeAws(): Promise<FakeAws> {
  const queued: QueuedMessage[] = [];
  const secrets = new Map<string, string>();
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      calls.push(target);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const reply = (status: number, contentType: string, payload: unknown) => {
        res.writeHead(status, { 'content-type': contentType });
        res.end(JSON.stringify(payload));
      };
      if (target === 'AmazonSQS.SendMessageBatch') {
        const entries = body.Entries as {
          Id: string;
          MessageBody: string;
          MessageGroupId?: string;
          MessageDeduplicationId?: string;
        }[];
        const successful = entries.map((e) => {
          const messageId = randomUUID();
          queued.push({
            messageId,
            body: e.MessageBody,
            attributes: {
              MessageGroupId: e.MessageGroupId,
              MessageDeduplicationId: e.MessageDeduplicationId,
            },
          });
          const md5 = createHash('md5').update(e.MessageBody).digest('hex');
          return { Id: e.Id, MessageId: messageId, MD5OfMessageBody: md5 };
        });
        reply(200, 'application/x-amz-json-1.0', { Successful: successful, Failed: [] });
      } else if (target === 'secretsmanager.GetSecretValue') {
        const arn = String(body.SecretId);
        const value = secrets.get(arn);
        if (value === undefined) {
          reply(400, 'application/x-amz-json-1.1', {
            __type: 'ResourceNotFoundException',
            message: 'no such secret',
          });
        } else
          reply(200, 'application/x-amz-json-1.1', {
            ARN: arn,
            Name: arn.split(':').at(-1),
            SecretString: value,
          });
      } else if (target === 'secretsmanager.PutSecretValue') {
        secrets.set(String(body.SecretId), String(body.SecretString));
        reply(200, 'application/x-amz-json-1.1', { ARN: body.SecretId, VersionId: randomUUID() });
      } else {
        reply(400, 'application/x-amz-json-1.0', { __type: 'UnknownOperationException', message: target });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    queueUrl: `${endpoint}/000000000000/vicini-outbox.fifo`,
    queued,
    take: () => queued.splice(0),
    secrets,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
