import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateDefinitions } from '../../bot/adapters/channels/whatsapp/templates.js';
import { sign, whatsapp } from '../support/channels.js';
import { testTable } from '../support/dynamo.js';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { startFakeGraphApi, type FakeGraphApi } from '../support/fake-graph-api.js';

let handler: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;
let graph: FakeGraphApi & { close(): Promise<void> };
let telegram: FakeBotApi;

/** A Function URL event (payload 2.0) as Lambda delivers it. */
const event = (
  method: string,
  query: Record<string, string>,
  body?: string,
  headers: Record<string, string> = {},
) =>
  ({
    version: '2.0',
    rawPath: '/',
    rawQueryString: new URLSearchParams(query).toString(),
    queryStringParameters: query,
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: { http: { method, path: '/' } },
    body,
    isBase64Encoded: false,
  }) as unknown as LambdaFunctionURLEvent;

beforeAll(async () => {
  graph = await startFakeGraphApi({ ...whatsapp, templates: templateDefinitions(), now: () => Date.now() });
  telegram = await startFakeBotApi({ botUsername: 'vicini_wa_bot' });
  const { tableName, endpoint } = await testTable();
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: endpoint,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_BOT_USERNAME: 'vicini_wa_bot',
    WHATSAPP_PHONE_NUMBER_ID: whatsapp.phoneNumberId,
    WHATSAPP_BUSINESS_NUMBER: whatsapp.businessNumber,
    WHATSAPP_ACCESS_TOKEN: whatsapp.accessToken,
    WHATSAPP_APP_SECRET: whatsapp.appSecret,
    WHATSAPP_VERIFY_TOKEN: whatsapp.verifyToken,
    WHATSAPP_API_ROOT: graph.apiRoot,
  });
  ({ handler } = await import('../../functions/whatsapp-webhook.js'));
});

afterAll(async () => {
  await graph.close();
  await telegram.close();
});

describe('functions/whatsapp-webhook', () => {
  it("answers Meta's verification handshake with the challenge, and only for the right token", async () => {
    const query = {
      'hub.mode': 'subscribe',
      'hub.verify_token': whatsapp.verifyToken,
      'hub.challenge': '1158201444',
    };
    expect(await handler(event('GET', query))).toMatchObject({ statusCode: 200, body: '1158201444' });
    const wrong = { ...query, 'hub.verify_token': 'wrong-token-000000' };
    expect(await handler(event('GET', wrong))).toMatchObject({ statusCode: 403 });
    expect(await handler(event('GET', { ...query, 'hub.mode': 'unsubscribe' }))).toMatchObject({
      statusCode: 403,
    });
  });

  it('answers a signed message through the Graph API, and refuses an unsigned one with 401', async () => {
    const body = JSON.stringify(graph.userSends({ number: '393330009999', name: 'Anna' }, '/start'));
    expect(await handler(event('POST', {}, body))).toMatchObject({ statusCode: 401 });
    expect(graph.messages('393330009999')).toEqual([]);
    const signed = event('POST', {}, body, { 'x-hub-signature-256': sign(body) });
    expect(await handler(signed)).toMatchObject({ statusCode: 200, body: 'ok' });
    expect(graph.messages('393330009999').at(-1)?.text).toMatch(/In che lingua/);
    expect(graph.refused()).toEqual([]);
  });
});
