import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDocumentClient } from '../../bot/adapters/store/client.js';
import { initTable } from '../../bot/adapters/store/init-table.js';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { uniqueTableName, testRegion } from '../support/dynamo.js';

const secret = 'lambda-webhook-secret-0123456789';
let api: FakeBotApi;
let handler: (event: unknown) => Promise<{ statusCode: number; body: string }>;

/** A recorded shape of a Lambda Function URL event (payload 2.0) carrying a Telegram update. */
function functionUrlEvent(update: unknown, token = secret) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      host: 'abc123.lambda-url.eu-south-1.on.aws',
      'x-telegram-bot-api-secret-token': token,
      'x-forwarded-for': '91.108.6.1',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.eu-south-1.on.aws',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '91.108.6.1', userAgent: '' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '21/Nov/2026:09:00:00 +0000',
      timeEpoch: 1795338000000,
    },
    body: JSON.stringify(update),
    isBase64Encoded: false,
  };
}

beforeAll(async () => {
  api = await startFakeBotApi({ botUsername: 'vicini_lambda_bot' });
  const endpoint = inject('dynamoEndpoint');
  const table = uniqueTableName();
  await initTable(createDocumentClient({ region: testRegion, endpoint }), table);
  Object.assign(process.env, {
    TABLE_NAME: table,
    AWS_REGION: testRegion,
    DYNAMODB_ENDPOINT: endpoint,
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.apiRoot,
    TELEGRAM_BOT_USERNAME: 'vicini_lambda_bot',
    TELEGRAM_WEBHOOK_SECRET: secret,
    NETWORK_FILE: 'network/brescia.json',
  });
  ({ handler } = (await import('../../functions/telegram-webhook.js')) as unknown as {
    handler: typeof handler;
  });
});
afterAll(async () => api.close());

describe('functions/telegram-webhook handler', () => {
  it('answers /start from a Function URL event, without calling getMe', async () => {
    const update = api.userSends({ id: 4242, first_name: 'Anna', language_code: 'it' }, '/start');
    const response = await handler(functionUrlEvent(update));
    expect(response.statusCode).toBe(200);
    expect(api.messages(4242).at(-1)?.text).toMatch(/In che lingua/);
    expect(api.callsTo('getMe')).toEqual([]);
  });

  it('refuses a wrong secret with 401', async () => {
    const update = api.userSends({ id: 4243, first_name: 'Bo' }, '/start');
    expect((await handler(functionUrlEvent(update, 'not-the-secret-000000'))).statusCode).toBe(401);
    expect(api.messages(4243)).toEqual([]);
  });
});
