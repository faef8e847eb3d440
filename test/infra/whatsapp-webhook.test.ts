import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';

const verifyToken = 'whatsapp-verify-token-0123456789';
let handler: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;

const event = (method: string, query: Record<string, string>) =>
  ({
    version: '2.0',
    rawPath: '/',
    rawQueryString: new URLSearchParams(query).toString(),
    queryStringParameters: query,
    headers: {},
    requestContext: { http: { method, path: '/' } },
    isBase64Encoded: false,
  }) as unknown as LambdaFunctionURLEvent;

beforeAll(async () => {
  process.env.WHATSAPP_VERIFY_TOKEN = verifyToken;
  ({ handler } = await import('../../functions/whatsapp-webhook.js'));
});

describe('functions/whatsapp-webhook (placeholder)', () => {
  it("answers Meta's verification handshake with the challenge", async () => {
    const query = { 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '1158201444' };
    expect(await handler(event('GET', query))).toMatchObject({ statusCode: 200, body: '1158201444' });
  });

  it('refuses a wrong verify token, and any notification with 501', async () => {
    const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong-token-000000', 'hub.challenge': '1' };
    expect(await handler(event('GET', query))).toMatchObject({ statusCode: 403 });
    expect(await handler(event('POST', {}))).toMatchObject({ statusCode: 501 });
  });
});
