import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { AppDeps } from './app/deps.js';
import { deliveryEvents } from './app/delivery.js';
import { runTick, type TickOptions, type TickReport } from './app/tick.js';
import { createTelegramBot, type BotContext } from './channels/telegram/bot.js';
import { TelegramMessenger } from './channels/telegram/messenger.js';
import { systemTime, type TimeSource } from './channels/telegram/rate-limiter.js';
import { TelegramSender, type TelegramSenderDeps } from './channels/telegram/sender.js';
import { InProcessOutbox } from './in-process-outbox.js';
import { countingAlerts, countingCheckIns, type Count } from './metrics.js';
import type { Network } from './network.js';
import type { Outbox } from './outbound.js';
import type { Clock, Ids } from './ports.js';
import { SqsOutbox, type SqsSender } from './sqs-outbox.js';
import { DynamoDeliveryLog } from './store/delivery-log.js';
import { DynamoCheckIns } from './store/dynamo-checkins.js';
import { DynamoRequests } from './store/dynamo-requests.js';
import { DynamoStore } from './store/dynamo-store.js';
import { DynamoTimers } from './store/dynamo-timers.js';
import { randomIds, systemClock } from './system.js';

export interface RuntimeOptions {
  doc: DynamoDBDocumentClient;
  table: string;
  network: Network;
  token: string;
  apiRoot?: string;
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
}

/** An outbox the runtime can flush after a turn or a tick (a no-op for SQS). */
export type DrainableOutbox = Outbox & { drain(): Promise<void> };

export interface Runtime<O extends DrainableOutbox = InProcessOutbox> {
  bot: Bot<BotContext>;
  deps: AppDeps;
  outbox: O;
  sender: TelegramSender;
  deliveryLog: DynamoDeliveryLog;
  tick(now: Date, options?: Partial<TickOptions>): Promise<TickReport>;
}

let tickRuns = 0;

/**
 * Wires the Telegram bot, the stores, the outbox and the sender to the use
 * cases: one place, used by the webhook, the tick, the local runner and the tests.
 */
export function createRuntime(options: RuntimeOptions & { outbox?: undefined }): Runtime;
export function createRuntime(options: RuntimeOptions): Runtime<DrainableOutbox>;
export function createRuntime(options: RuntimeOptions): Runtime<DrainableOutbox> {
  const { doc, table, count } = options;
  const checkIns = new DynamoCheckIns(doc, table);
  const deliveryLog = new DynamoDeliveryLog(doc, table);
  let deps!: AppDeps;
  let senderRef!: TelegramSender;
  const bot = createTelegramBot(
    (b) => {
      const sender = new TelegramSender({
        api: b.api,
        log: deliveryLog,
        events: deliveryEvents(() => deps),
        botUsername: () => b.botInfo.username,
        time: options.time ?? systemTime,
        clock: () => (options.clock ?? systemClock).now(),
        ...options.sender,
      });
      const outbox = options.outbox
        ? new SqsOutbox(options.outbox.client, options.outbox.queueUrl)
        : new InProcessOutbox((messages) => sender.send(messages), { autoDrain: options.autoDrain });
      deps = {
        store: new DynamoStore(doc, table),
        timers: new DynamoTimers(doc, table),
        checkIns: count ? countingCheckIns(checkIns, count, options.network) : checkIns,
        requests: new DynamoRequests(doc, table),
        alerts: count ? countingAlerts(checkIns, count) : checkIns,
        outbox,
        network: options.network,
        clock: options.clock ?? systemClock,
        ids: options.ids ?? randomIds,
        messenger: new TelegramMessenger(b.api, () => b.botInfo.username),
      };
      senderRef = sender;
      return deps;
    },
    { token: options.token, apiRoot: options.apiRoot, botInfo: options.botInfo },
  );
  const outbox = deps.outbox as DrainableOutbox;
  return {
    bot,
    deps,
    outbox,
    sender: senderRef,
    deliveryLog,
    async tick(now, tickOptions = {}) {
      const report = await runTick(deps, now, {
        claimer: `tick-${process.pid}-${++tickRuns}`,
        ...tickOptions,
      });
      await outbox.drain();
      return report;
    },
  };
}
