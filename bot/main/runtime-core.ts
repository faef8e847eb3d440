import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { AppDeps } from '../app/common/deps.js';
import { deliveryEvents } from '../app/alerts/delivery.js';
import { runTick, type TickOptions, type TickReport } from '../app/tick.js';
import { telegramBot, type BotContext } from '../adapters/channels/telegram/bot.js';
import { TelegramMessenger } from '../adapters/channels/telegram/messenger.js';
import { systemTime, type TimeSource } from '../adapters/channels/time-source.js';
import {
  TelegramSender,
  telegramPacing,
  type TelegramSenderDeps,
} from '../adapters/channels/telegram/sender.js';
import { AnswerFirstOutbox } from '../adapters/outbox/answer-first.js';
import { Afterwards } from '../core/afterwards.js';
import { RateLimiter } from '../adapters/channels/rate-limiter.js';
import {
  createWhatsAppSending,
  whatsappMessenger,
  type WhatsAppOptions,
  type WhatsAppSending,
} from '../adapters/channels/whatsapp/channel.js';
import { InProcessOutbox } from '../adapters/outbox/in-process.js';
import { countingAlerts, countingCheckIns, type Count } from '../adapters/metrics.js';
import type { Network } from '../domain/network.js';
import {
  emptySendResult,
  type OutboundMessage,
  type Outbox,
  type SendOptions,
  type SendResult,
} from '../core/outbound.js';
import type { Clock, Ids, Messenger } from '../core/ports.js';
import { SqsOutbox, type SqsSender } from '../adapters/outbox/sqs.js';
import { DynamoDeliveryLog } from '../adapters/store/delivery-log.js';
import { DynamoAlerts } from '../adapters/store/dynamo-alerts.js';
import { DynamoFigures } from '../adapters/store/dynamo-figures.js';
import { resvgCharts } from '../adapters/charts/resvg.js';
import { countAlerts, countCheckIns, countPeople, countRequests } from '../app/figures/counting.js';
import { DynamoCheckIns } from '../adapters/store/dynamo-checkins.js';
import { DynamoRequests } from '../adapters/store/dynamo-requests.js';
import { DynamoStore } from '../adapters/store/dynamo-store.js';
import { DynamoTimers } from '../adapters/store/dynamo-timers.js';
import { DynamoWhatsAppState } from '../adapters/store/whatsapp-state.js';
import { randomIds, systemClock } from '../adapters/system.js';
import { quietOutbox } from '../app/common/quiet-hours.js';

export interface RuntimeOptions {
  doc: DynamoDBDocumentClient;
  table: string;
  network: Network;
  token: string;
  apiRoot?: string;
  /** Each Bot API call gives up after this long (the webhook: a few seconds, well inside its Lambda timeout). */
  apiTimeoutSeconds?: number;
  botInfo?: UserFromGetMe;
  clock?: Clock;
  ids?: Ids;
  /** The sender's time source for pacing and backoff (tests use a virtual one). */
  time?: TimeSource;
  /** Send in the background as soon as messages are queued (npm start). */
  autoDrain?: boolean;
  sender?: Partial<Omit<TelegramSenderDeps, 'api' | 'log' | 'events' | 'botUsername' | 'time'>>;
  /**
   * Queue outbound messages on SQS (AWS: `OUTBOX_QUEUE_URL`), for the outbox sender Lambda to
   * send; the answers to whoever just wrote are still sent from this process first (what that
   * does not finish goes to the queue). Without it they wait in this process until drained.
   */
  outbox?: { queueUrl: string; client: SqsSender };
  /** Counts check-ins and alerts as they happen (CloudWatch metrics on AWS). */
  count?: Count;
  /** The WhatsApp channel (Cloud API); without it, messages to WhatsApp numbers are kept as undeliverable. */
  whatsapp?: WhatsAppOptions;
  /**
   * Index partitions per hour bucket of the due timers (default `timerShards`, 16). The tick reads
   * every one of them for every hour it covers, so a small world may use fewer.
   */
  timerShards?: number;
}

/** An outbox the runtime can flush after a turn or a tick (a no-op for SQS). */
export type DrainableOutbox = Outbox & { drain(): Promise<void> };

/** The runtime without update handling (./runtime.ts adds it): what the tick and the outbox sender run. */
export interface RuntimeCore<O extends DrainableOutbox = InProcessOutbox> {
  /** The Bot API client; no update handler is installed here. */
  bot: Bot<BotContext>;
  deps: AppDeps;
  outbox: O;
  /** Sends outbound messages, each on its own channel (the SQS outbox sender calls this). */
  sender: { send(messages: OutboundMessage[], options?: SendOptions): Promise<SendResult> };
  telegramSender: TelegramSender;
  whatsapp?: WhatsAppSending;
  deliveryLog: DynamoDeliveryLog;
  tick(now: Date, options?: Partial<TickOptions>): Promise<TickReport>;
  /**
   * Waits for what the updates handled so far left running once their answers were taken: the
   * outbox's sends and their delivery records, the turn records' settles. A webhook answers its
   * channel first, then calls this before its invocation ends.
   */
  finish(): Promise<void>;
}

let tickRuns = 0;
const processId = randomUUID().slice(0, 8);

/**
 * Wires the Bot API client, the stores, the outbox and the senders to the use cases, without
 * handling updates: the tick and the outbox sender start here, and leave the conversation out of
 * their bundles; `createRuntime` (./runtime.ts) adds the update handlers for the webhooks, the
 * local runner and the tests.
 */
export function createRuntimeCore(options: RuntimeOptions & { outbox?: undefined }): RuntimeCore;
export function createRuntimeCore(options: RuntimeOptions): RuntimeCore<DrainableOutbox>;
export function createRuntimeCore(options: RuntimeOptions): RuntimeCore<DrainableOutbox> {
  const { doc, table, count } = options;
  const checkIns = new DynamoCheckIns(doc, table, options.timerShards);
  const time = options.time ?? systemTime;
  const appClock = options.clock ?? systemClock;
  const clock = () => appClock.now();
  const alerts = new DynamoAlerts(doc, table, clock);
  const deliveryLog = new DynamoDeliveryLog(doc, table);
  const store = new DynamoStore(doc, table, clock);
  const timers = new DynamoTimers(doc, table, options.timerShards);
  // The Bot API client first; the update handler is installed once everything it needs exists.
  const bot = telegramBot({
    token: options.token,
    apiRoot: options.apiRoot,
    botInfo: options.botInfo,
    timeoutSeconds: options.apiTimeoutSeconds,
  });
  // Delivery reports reach the use cases through `deps`, built below: they are only called once
  // the runtime is running.
  const events = deliveryEvents(() => deps);
  const whatsapp =
    options.whatsapp &&
    createWhatsAppSending(options.whatsapp, {
      state: new DynamoWhatsAppState(doc, table),
      log: deliveryLog,
      events,
      time,
      clock,
    });
  // One limiter for whatever this process sends on Telegram.
  const limiter = new RateLimiter(time, { ...telegramPacing, ...options.sender?.pacing });
  const senderDeps = {
    api: bot.api,
    log: deliveryLog,
    events,
    botUsername: () => bot.botInfo.username,
    time,
    clock,
    limiter,
    ...options.sender,
  };
  const sender = new TelegramSender(senderDeps);
  const send = (messages: OutboundMessage[], sendOptions?: SendOptions) =>
    sendByChannel(messages, sender, whatsapp, sendOptions);
  const outbox: DrainableOutbox = options.outbox
    ? new AnswerFirstOutbox(
        // A person's answer is tried twice here, then left to the queue: the webhook must answer in time.
        answerSender(senderDeps, whatsapp),
        new SqsOutbox(options.outbox.client, options.outbox.queueUrl),
      )
    : new InProcessOutbox(send, { autoDrain: options.autoDrain, time });
  const quiet = quietOutbox(outbox, { store, timers, network: options.network, clock: appClock });
  const figures = new DynamoFigures(doc, table, clock);
  const afterwards = new Afterwards({ sleep: (ms) => time.sleep(ms) });
  const counting = { figures, network: options.network, clock: appClock };
  const deps: AppDeps = {
    store: countPeople(store, counting),
    timers,
    checkIns: countCheckIns(count ? countingCheckIns(checkIns, count, options.network) : checkIns, counting),
    requests: countRequests(new DynamoRequests(doc, table), counting),
    alerts: countAlerts(count ? countingAlerts(alerts, count) : alerts, counting),
    figures,
    charts: resvgCharts(),
    afterwards,
    outbox: quiet,
    network: options.network,
    clock: appClock,
    ids: options.ids ?? randomIds,
    messenger: bothChannels(
      new TelegramMessenger(bot.api, () => bot.botInfo.username),
      whatsappMessenger(() => quiet),
    ),
  };
  return {
    bot,
    deps,
    outbox,
    sender: { send },
    telegramSender: sender,
    ...(whatsapp ? { whatsapp } : {}),
    deliveryLog,
    async finish() {
      try {
        await outbox.drain();
      } finally {
        await afterwards.drain();
      }
    },
    async tick(now, tickOptions = {}) {
      try {
        return await runTick(deps, now, {
          // Unique per run across processes too: Lambda containers often share a pid.
          claimer: `tick-${process.pid}-${processId}-${++tickRuns}`,
          ...tickOptions,
        });
      } finally {
        // What the run fired goes out even when one of its timers failed.
        await outbox.drain();
      }
    },
  };
}

/**
 * Sends a webhook's answers: on Telegram two attempts at most, then the message is handed back (to
 * the queue, for the outbox sender to go on with), never kept as undeliverable from here.
 */
function answerSender(deps: TelegramSenderDeps, whatsapp: WhatsAppSending | undefined) {
  const telegram = new TelegramSender({
    ...deps,
    maxAttempts: Math.min(deps.maxAttempts ?? 2, 2),
    handBack: true,
  });
  const answers = whatsapp && { sender: whatsapp.answerSender };
  return (messages: OutboundMessage[], options?: SendOptions) =>
    sendByChannel(messages, telegram, answers, options);
}

/**
 * Each message to its channel's sender: WhatsApp numbers to the WhatsApp
 * sender when there is one, everything else to the Telegram sender (which
 * keeps what is not a Telegram chat as undeliverable).
 */
export async function sendByChannel(
  messages: OutboundMessage[],
  telegram: { send(m: OutboundMessage[], options?: SendOptions): Promise<SendResult> },
  whatsapp?: { sender: { send(m: OutboundMessage[], options?: SendOptions): Promise<SendResult> } },
  options?: SendOptions,
): Promise<SendResult> {
  const toWhatsApp = whatsapp ? messages.filter((m) => m.to.channel === 'whatsapp') : [];
  const rest = messages.filter((m) => !toWhatsApp.includes(m));
  const results = await Promise.all([
    rest.length ? telegram.send(rest, options) : undefined,
    toWhatsApp.length ? whatsapp?.sender.send(toWhatsApp, options) : undefined,
  ]);
  const report: SendResult = emptySendResult();
  for (const r of results) {
    if (!r) continue;
    const { later, ...lists } = r;
    for (const key of Object.keys(lists) as (keyof typeof lists)[]) report[key].push(...lists[key]);
    report.later.push(...later);
  }
  return report;
}

/** Messages outside a turn: Telegram sends at once; WhatsApp goes through the outbox and its window. */
function bothChannels(telegram: Messenger, whatsapp: Messenger): Messenger {
  return {
    async send(to, replies) {
      await telegram.send(to, replies);
      await whatsapp.send(to, replies);
    },
  };
}
