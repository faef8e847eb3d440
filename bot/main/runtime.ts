import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { AppDeps } from '../app/common/deps.js';
import { deliveryEvents } from '../app/alerts/delivery.js';
import { runTick, type TickOptions, type TickReport } from '../app/tick.js';
import { handleUpdates, telegramBot, type BotContext } from '../adapters/channels/telegram/bot.js';
import { TelegramMessenger } from '../adapters/channels/telegram/messenger.js';
import { systemTime, type TimeSource } from '../adapters/channels/time-source.js';
import { TelegramSender, type TelegramSenderDeps } from '../adapters/channels/telegram/sender.js';
import {
  createWhatsApp,
  whatsappMessenger,
  type WhatsAppChannel,
  type WhatsAppOptions,
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
   * Queue outbound messages on SQS (AWS: `OUTBOX_QUEUE_URL`), for the outbox
   * sender Lambda to send. Without it they wait in this process until drained.
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

export interface Runtime<O extends DrainableOutbox = InProcessOutbox> {
  bot: Bot<BotContext>;
  deps: AppDeps;
  outbox: O;
  /** Sends outbound messages, each on its own channel (the SQS outbox sender calls this). */
  sender: { send(messages: OutboundMessage[], options?: SendOptions): Promise<SendResult> };
  telegramSender: TelegramSender;
  whatsapp?: WhatsAppChannel;
  deliveryLog: DynamoDeliveryLog;
  tick(now: Date, options?: Partial<TickOptions>): Promise<TickReport>;
}

let tickRuns = 0;
const processId = randomUUID().slice(0, 8);

/**
 * Wires the Telegram bot, the stores, the outbox and the sender to the use
 * cases: one place, used by the webhook, the tick, the local runner and the tests.
 */
export function createRuntime(options: RuntimeOptions & { outbox?: undefined }): Runtime;
export function createRuntime(options: RuntimeOptions): Runtime<DrainableOutbox>;
export function createRuntime(options: RuntimeOptions): Runtime<DrainableOutbox> {
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
  // Delivery reports and the WhatsApp webhook reach the use cases through `deps`, built below:
  // they are only called once the runtime is running.
  const events = deliveryEvents(() => deps);
  const whatsapp =
    options.whatsapp &&
    createWhatsApp(options.whatsapp, {
      deps: () => deps,
      state: new DynamoWhatsAppState(doc, table),
      log: deliveryLog,
      events,
      time,
      clock,
      afterUpdate: () => outbox.drain(),
    });
  const sender = new TelegramSender({
    api: bot.api,
    log: deliveryLog,
    events,
    botUsername: () => bot.botInfo.username,
    time,
    clock,
    ...options.sender,
  });
  const send = (messages: OutboundMessage[], sendOptions?: SendOptions) =>
    sendByChannel(messages, sender, whatsapp, sendOptions);
  const outbox: DrainableOutbox = options.outbox
    ? new SqsOutbox(options.outbox.client, options.outbox.queueUrl)
    : new InProcessOutbox(send, { autoDrain: options.autoDrain, time });
  const quiet = quietOutbox(outbox, { store, timers, network: options.network, clock: appClock });
  const figures = new DynamoFigures(doc, table, clock);
  const counting = { figures, network: options.network, clock: appClock };
  const deps: AppDeps = {
    store: countPeople(store, counting),
    timers,
    checkIns: countCheckIns(count ? countingCheckIns(checkIns, count, options.network) : checkIns, counting),
    requests: countRequests(new DynamoRequests(doc, table), counting),
    alerts: countAlerts(count ? countingAlerts(alerts, count) : alerts, counting),
    figures,
    charts: resvgCharts(),
    outbox: quiet,
    network: options.network,
    clock: appClock,
    ids: options.ids ?? randomIds,
    messenger: bothChannels(
      new TelegramMessenger(bot.api, () => bot.botInfo.username),
      whatsappMessenger(() => quiet),
    ),
  };
  handleUpdates(bot, deps);
  return {
    bot,
    deps,
    outbox,
    sender: { send },
    telegramSender: sender,
    ...(whatsapp ? { whatsapp } : {}),
    deliveryLog,
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
