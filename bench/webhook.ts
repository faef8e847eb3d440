/**
 * `npm run bench` (webhook part): how long one webhook call takes, from the
 * request to the reply sent, with AWS-like latency injected by delaying
 * proxies — every DynamoDB request +5 ms, every Bot API call +40 ms — for
 * three kinds of update, beside a bare grammY bot that makes the same dedupe
 * write and one sendMessage. It prints p50/p99, the ratio to the bare bot and
 * the calls each update makes, and writes them into BENCHMARKS.md.
 *
 * The runtime is wired as the deployed webhook is: an SQS outbox (here a fake
 * queue that keeps what it is given) for notices to others, and the person's
 * answers sent from the webhook itself as soon as the turn is committed, on
 * the claims the commit made, before it answers Telegram; its response is
 * streamed, so the time measured is the time until the person has the answer
 * and Telegram its 200 (the records written after that are counted, not timed).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { OutboundMessage } from '../bot/core/outbound.js';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { loadNetworkFile } from '../bot/config/network.js';
import { botInfoFrom } from '../bot/adapters/channels/telegram/bot.js';
import { handleWebhook } from '../bot/adapters/channels/telegram/webhook.js';
import { createDocumentClient } from '../bot/adapters/store/client.js';
import { startDynamoLocal } from '../bot/adapters/store/dynamo-local.js';
import { initTable } from '../bot/adapters/store/init-table.js';
import { createRuntime } from '../bot/main/runtime.js';
import { FakeBotApi } from '../simulator/bot-api/server.js';
import { chatOf, seedElders } from './support/elders.js';
import { latencyProxy } from './support/latency-proxy.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// 200 of each kind: with 40, the p99 was their slowest one, and moved by half from one run to the next.
const runs = Number(process.env.BENCH_WEBHOOK_RUNS ?? 200);
const latency = { dynamoMs: 5, botApiMs: 40 };
const file = new URL('../BENCHMARKS.md', import.meta.url);
const start = '<!-- bench:webhook:start -->';
const end = '<!-- bench:webhook:end -->';
const secret = 'bench-webhook-secret-0123456789';
const region = 'eu-south-1';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

interface Sample {
  ms: number;
  dynamo: number;
  botApi: number;
}

const dynamo = await startDynamoLocal();
const api = await new FakeBotApi({ botUsername: 'vicini_bench_bot' }).listen();
const ddb = await latencyProxy(dynamo.endpoint, latency.dynamoMs);
const tg = await latencyProxy(api.apiRoot, latency.botApiMs);
const rows: string[] = [];
/** SQS calls the measured updates made (the deployed webhook queues only what is for others). */
let sqsCalls = 0;
try {
  const direct = createDocumentClient({ region, endpoint: dynamo.endpoint });
  const table = 'bench_webhook';
  await initTable(direct, table);
  // Monday 09:00 in Rome, moving on in real time: the prompt is due, and no quiet hours hold anything.
  const now = new Date('2026-11-23T08:00:00.000Z');
  const realStart = Date.now();
  const clock = { now: () => new Date(now.getTime() + (Date.now() - realStart)) };
  // One elder per run, each with a check-in prompt due now: a fresh "I'm fine" for every sample.
  const elders = await seedElders(direct, table, 0, runs, now.toISOString());
  const doc = createDocumentClient({ region, endpoint: ddb.url });
  const network = loadNetworkFile('network/brescia.json');
  // The outbox's queue: what the tick queues (and anything a turn leaves for others) waits here.
  const queued: OutboundMessage[] = [];
  let queueCalls = 0;
  const queue = {
    async send(command: SendMessageBatchCommand) {
      queueCalls++;
      for (const e of command.input.Entries ?? [])
        queued.push(JSON.parse(e.MessageBody ?? '') as OutboundMessage);
      return { Failed: [] };
    },
  };
  const runtime = createRuntime({
    doc,
    table,
    network,
    token: api.token,
    apiRoot: tg.url,
    botInfo: botInfoFrom(api.token, 'vicini_bench_bot'),
    clock,
    outbox: { queueUrl: 'https://sqs.eu-south-1.amazonaws.com/1/outbox.fifo', client: queue },
  });
  // The previous minute's tick sets the cursor; this minute's queues every prompt.
  await runtime.tick(new Date(now.getTime() - 60_000));
  await runtime.tick(new Date(now.getTime() + 1000));
  // The outbox sender Lambda's part: the prompts reach the elders.
  await runtime.sender.send(queued.splice(0));
  const queueCallsBefore = queueCalls;

  /** Delivers an update as the deployed (streamed) webhook does; resolves when it is done, with when it answered. */
  const deliver = async (update: Update): Promise<number | undefined> => {
    let answered: number | undefined;
    await handleWebhook(
      { headers: { 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(update) },
      {
        bot: runtime.bot,
        store: runtime.deps.store,
        clock: runtime.deps.clock,
        secret,
        respond: () => (answered = performance.now()),
        afterUpdate: () => runtime.finish(),
      },
    );
    return answered;
  };

  // The bare bot: the same dedupe write and one sendMessage, through the same proxies.
  const bare = new Bot(api.token, {
    botInfo: botInfoFrom(api.token, 'vicini_bench_bot'),
    client: { apiRoot: tg.url },
  });
  bare.use(async (ctx) => {
    const chat = ctx.chat?.id ?? ctx.callbackQuery?.from.id;
    if (chat !== undefined) await ctx.api.sendMessage(chat, 'ok');
  });
  const bareDeliver = async (update: Update) => {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { PK: `UPD#bare#${update.update_id}`, SK: 'UPD', entity: 'processed' },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    await bare.handleUpdate(update);
  };

  /**
   * Until the webhook's answer: for ours the 200 its streamed response gives once the replies are
   * taken (its records are written after it, and counted in the calls); for the bare bot, its end.
   * The next update waits until this one is done.
   */
  const measure = async (deliverOne: () => Promise<unknown>): Promise<Sample> => {
    const [d0, t0] = [ddb.count(), tg.count()];
    const started = performance.now();
    const answered = await deliverOne();
    const end = typeof answered === 'number' ? answered : performance.now();
    return { ms: end - started, dynamo: ddb.count() - d0, botApi: tg.count() - t0 };
  };

  const users = elders.map((e, i) => ({
    id: chatOf(i),
    is_bot: false,
    first_name: e.name ?? 'Anziano',
    language_code: 'it',
  }));
  const buttonIn = (chat: number, prefix: string): { messageId: number; data: string } => {
    for (const call of [...api.calls].reverse()) {
      if (Number(call.params.chat_id) !== chat || !call.ok) continue;
      const markup = call.params.reply_markup as
        { inline_keyboard?: { callback_data?: string }[][] } | undefined;
      const data = markup?.inline_keyboard
        ?.flat()
        .find((b) => b.callback_data?.startsWith(prefix))?.callback_data;
      const messageId = (call.result as { message_id?: number } | undefined)?.message_id;
      if (data && messageId) return { messageId, data };
    }
    throw new Error(`no button ${prefix}… in chat ${chat}`);
  };

  const kinds: Record<string, { ours: Sample[]; bare: Sample[] }> = {};
  const record = (kind: string, ours: Sample, bareOne: Sample) => {
    kinds[kind] ??= { ours: [], bare: [] };
    kinds[kind].ours.push(ours);
    kinds[kind].bare.push(bareOne);
  };

  // One kind at a time over every elder, so each update reaches a chat that has been quiet for a
  // few seconds, as a person's next message does (a chat's pacing allows a short burst, then 1/s).
  for (let i = 0; i < runs; i++) {
    const user = users[i]!;
    // /start of a known person.
    record(
      '`/start` of a known elder',
      await measure(() => deliver(api.userSends(user, '/start'))),
      await measure(() => bareDeliver(api.userSends(user, '/start'))),
    );
  }
  for (let i = 0; i < runs; i++) {
    const user = users[i]!;
    // "I'm fine" on today's prompt.
    const ok = buttonIn(user.id, 'a:cf:');
    record(
      '"I\'m fine" press',
      await measure(() => deliver(api.userPresses(user, user.id, ok.messageId, ok.data))),
      await measure(() => bareDeliver(api.userSends(user, 'bare'))),
    );
  }
  for (let i = 0; i < runs; i++) {
    const user = users[i]!;
    // Free text mid-flow: the address typed after "change address" (the press is not measured).
    await deliver(api.userSends(user, '/profile'));
    const edit = buttonIn(user.id, 'p:addr');
    await deliver(api.userPresses(user, user.id, edit.messageId, edit.data));
  }
  for (let i = 0; i < runs; i++) {
    const user = users[i]!;
    record(
      'free text mid-flow (address edit)',
      await measure(() => deliver(api.userSends(user, `Via Roma ${i + 1}`))),
      await measure(() => bareDeliver(api.userSends(user, 'bare'))),
    );
  }

  for (const [kind, { ours, bare: base }] of Object.entries(kinds)) {
    const p = (s: Sample[], q: number) =>
      percentile(
        s.map((x) => x.ms),
        q,
      );
    const calls = (s: Sample[], k: 'dynamo' | 'botApi') =>
      percentile(
        s.map((x) => x[k]),
        50,
      );
    const ratio = p(ours, 99) / p(base, 99);
    const median = p(ours, 50) / p(base, 50);
    rows.push(
      `| ${kind} | ${p(ours, 50).toFixed(0)} ms | ${p(ours, 99).toFixed(0)} ms | ${p(base, 50).toFixed(0)} ms | ${p(base, 99).toFixed(0)} ms | ${median.toFixed(2)}× | **${ratio.toFixed(2)}×** | ${calls(ours, 'dynamo')} / ${calls(ours, 'botApi')} | ${ratio <= 1.5 ? 'met' : 'not met'} |`,
    );
  }
  // None of the three leaves anything for the queue: the answers went from the webhook.
  sqsCalls = queueCalls - queueCallsBefore;
} finally {
  await ddb.close();
  await tg.close();
  await api.close();
  await dynamo.stop();
}

const section = [
  start,
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end${loadavg()[0]! > cpus().length ? ' (above the core count, p99s are noisy)' : ''}; ${runs} updates of each kind, each kind over every elder in turn (a chat quiet for a few seconds, as a person's next message finds it), DynamoDB Local behind a proxy adding ${latency.dynamoMs} ms to every request, the loopback Bot API behind one adding ${latency.botApiMs} ms to every call. Time from the webhook request until it answers Telegram, the replies sent: wired as deployed, the answers leave from the webhook on the claims made in the commit, anything for others goes to an SQS outbox (a fake queue here: the three updates made ${sqsCalls} SQS calls in all), and the response is streamed, so the 200 leaves once Telegram has taken the replies, before their delivery records and the turn record's settle are written (the invocation lasts until they are). The calls counted are all the update makes, those after the 200 and side by side ones included. The bare bot makes one conditional put and one sendMessage.`,
  '',
  '| update | ours p50 | ours p99 | bare p50 | bare p99 | p50 ratio | p99 ratio | DynamoDB / Bot API calls (median; some side by side, see below) | goal ≤ 1.5× (p99) |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  end,
].join('\n');
console.log(section);
const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
const next = current.includes(start)
  ? current.replace(new RegExp(`${start}[\\s\\S]*?${end}`), section)
  : `${current.trimEnd()}\n\n## Webhook round trips under AWS-like latency\n\n${section}\n`;
writeFileSync(file, next);
process.exit(0);
