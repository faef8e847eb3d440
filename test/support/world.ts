import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { InlineKeyboardMarkup, Message, Update } from 'grammy/types';
import type { ChannelRef, Channel, Person as Profile } from '../../bot/domain/person.js';
import { createMediatorInvite } from '../../bot/app/people/admin.js';
import { invitePayload } from '../../bot/domain/invite.js';
import { botInfoFrom } from '../../bot/adapters/channels/telegram/bot.js';
import { handleWebhook, type HttpResponse } from '../../bot/adapters/channels/telegram/webhook.js';
import { type Network } from '../../bot/domain/network.js';
import { loadNetworkFile } from '../../bot/config/network.js';
import { createRuntime, type Runtime } from '../../bot/main/runtime.js';
import type { SqsSender } from '../../bot/adapters/outbox/sqs.js';
import { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';
import { randomIds } from '../../bot/adapters/system.js';
import { countingClient, failingClient, testTable, type FaultInjector } from './dynamo.js';
import { startFakeBotApi, type FakeBotApi, type FakeUser } from './fake-bot-api.js';
import { unwatch, watch } from './invariants.js';
import { VirtualTime as TestClock } from './virtual-time.js';

export const botUsername = 'vicini_test_bot';
export const webhookSecret = 'test-webhook-secret-0123456789';

/**
 * A world's due timers are spread over two index partitions per hour, not the deployment's 16:
 * the tick reads every partition of every hour it covers (a world's first tick, 48 hours back,
 * 49 × 16 queries), and a world holds a handful of timers. Two still puts timers in different
 * partitions, so one written to a partition the tick does not read would be missed.
 * The tick at scale and its fan-out (`test/integration/tick-scale`, `morning-wave`) keep the 16.
 */
export const worldTimerShards = 2;

/** The worlds' clock: the tests' one virtual clock, under the name the scenarios know. */
export { TestClock };

/**
 * The whole bot against DynamoDB Local and the loopback Bot API, with updates
 * delivered through the webhook handler as Telegram would.
 */
export class World implements ChatWorld {
  readonly channel = 'telegram' as const;
  private nextUserId = 1000;
  callbacksDelivered = 0;
  /** Fails a chosen DynamoDB call of the bot (test/faults). */
  faults!: FaultInjector;
  private callbacksAnsweredBefore = 0;

  private constructor(
    readonly api: FakeBotApi,
    readonly runtime: Runtime,
    readonly store: DynamoStore,
    readonly clock: TestClock,
    readonly dynamoCalls: ReturnType<typeof countingClient>,
    readonly scan: () => Promise<Record<string, unknown>[]>,
  ) {}

  static async start(
    options: {
      network?: Partial<Network>;
      at?: string;
      /** The outbox sends as soon as a turn hands it messages (as `npm start` and the bench do). */
      autoDrain?: boolean;
      /** Everything but the answers to whoever wrote goes to this queue, as on AWS (the outbox sender's SQS). */
      queue?: SqsSender;
    } = {},
  ): Promise<World> {
    const api = await startFakeBotApi({ botUsername });
    const { doc, tableName } = await testTable();
    const clock = new TestClock(options.at ? new Date(options.at) : undefined);
    // With a queue the outbox is AWS's (answers sent here, the rest queued): `pending` is not there to read.
    const runtime = createRuntime({
      doc,
      table: tableName,
      network: { ...loadNetworkFile('network/brescia.json'), ...options.network },
      token: api.token,
      apiRoot: api.apiRoot,
      botInfo: botInfoFrom(api.token, botUsername),
      clock,
      time: clock.time,
      autoDrain: options.autoDrain,
      timerShards: worldTimerShards,
      ...(options.queue
        ? {
            outbox: { queueUrl: 'https://sqs.eu-south-1.amazonaws.com/1/outbox.fifo', client: options.queue },
          }
        : {}),
    }) as Runtime;
    const store = runtime.deps.store as DynamoStore;
    const scan = async () => (await doc.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    const world = new World(api, runtime, store, clock, countingClient(doc), scan);
    world.faults = failingClient(doc);
    watch(world);
    return world;
  }

  async close(): Promise<void> {
    unwatch(this);
    await this.api.close();
  }

  /**
   * Refused calls a fault may cause harmlessly are left out: the delivery log's one
   * at-least-once window (Telegram took a call, then the "sent" write failed) repeats an edit,
   * refused as "message is not modified"; a press answered once its turn committed, whose turn
   * then failed, is answered again on Telegram's retry, refused as "query is too old". Anything
   * else refused is a fault of ours.
   */
  refusedAfterFaults() {
    return this.refusedCalls().filter(
      (c) =>
        !/message is not modified/.test(c.error?.description ?? '') &&
        !(c.method === 'answerCallbackQuery' && /query is too old/.test(c.error?.description ?? '')),
    );
  }

  /** Callback queries delivered since the last call that were not answered (spinners left turning). */
  unansweredCallbacks(): number {
    const answered = this.api.callsTo('answerCallbackQuery').filter((c) => c.ok).length;
    const missing = this.callbacksDelivered - (answered - this.callbacksAnsweredBefore);
    this.callbacksDelivered = 0;
    this.callbacksAnsweredBefore = answered;
    return missing;
  }

  /** Every call to a chat, with everything it carried (for the invariant checker). */
  outgoing() {
    return telegramCalls(this.api);
  }

  /** Called when the webhook gives its 200, before it has finished its bookkeeping (as a streamed Lambda answers). */
  onRespond?: (response: HttpResponse) => void;

  /** Delivers an update to the webhook with the right secret (or the headers given). */
  async deliver(update: Update | unknown, headers?: Record<string, string>): Promise<HttpResponse> {
    if ((update as Update).callback_query) this.callbacksDelivered++;
    return handleWebhook(
      {
        headers: headers ?? { 'x-telegram-bot-api-secret-token': webhookSecret },
        body: JSON.stringify(update),
      },
      {
        bot: this.runtime.bot,
        store: this.store,
        clock: this.clock,
        secret: webhookSecret,
        respond: (response) => this.onRespond?.(response),
        afterUpdate: () => this.runtime.finish(),
      },
    );
  }

  /** Sets the clock to `at` and runs the tick there, as the scheduled event would; then sends what it queued. */
  async tickAt(at: string | Date) {
    this.clock.current = new Date(at);
    return this.runtime.tick(new Date(at));
  }

  user(firstName: string, languageCode = 'it'): Person {
    return new Person(this, { id: this.nextUserId++, first_name: firstName, language_code: languageCode });
  }

  /** What the admin CLI does: a mediator invite payload for a zone. */
  async mediatorInvite(zoneId: string): Promise<string> {
    const invite = await createMediatorInvite(
      { store: this.store, clock: this.clock, ids: randomIds, network: this.runtime.deps.network },
      zoneId,
    );
    return invitePayload(invite);
  }

  /** Calls the fake Bot API refused for a reason other than an injected fault. */
  refusedCalls() {
    return this.api.calls.filter((c) => !c.ok && !c.fault);
  }

  problems(): unknown[] {
    return this.refusedCalls();
  }

  personOf(user: ChatUser): Promise<Profile | null> {
    return this.store.findPersonByChannel(user.ref());
  }
}

/** The fake Bot API's calls that name a chat, with all they carried. */
export function telegramCalls(api: FakeBotApi) {
  return api.calls
    .filter((c) => c.params.chat_id !== undefined)
    .map((c) => ({
      channel: 'telegram' as const,
      to: String(c.params.chat_id),
      body: JSON.stringify(c.params),
    }));
}

/** One simulated Telegram user in a private chat with the bot. */
export class Person implements ChatUser {
  constructor(
    readonly world: World,
    readonly tg: FakeUser,
  ) {}

  get name(): string {
    return this.tg.first_name;
  }

  ref(): ChannelRef {
    return { channel: 'telegram', id: String(this.tg.id) };
  }

  /** Inline buttons and the reply keyboard: everything the user can tap. */
  taps(): string[] {
    return [...this.buttons(), ...this.keyboard()];
  }

  get chatId(): number {
    return this.tg.id;
  }

  messages(): Message[] {
    return this.world.api.messages(this.chatId);
  }

  texts(): string[] {
    return this.messages().map((m) => m.text ?? m.caption ?? '');
  }

  lastText(): string {
    return this.texts().at(-1) ?? '';
  }

  /** The reply keyboard the user currently sees. */
  keyboard(): string[] {
    return (this.world.api.chat(this.chatId)?.keyboard?.keyboard ?? [])
      .flat()
      .map((b) => (typeof b === 'string' ? b : b.text));
  }

  async send(text: string): Promise<void> {
    await this.expectOk(this.world.api.userSends(this.tg, text));
  }

  async sendVoice(seconds = 4): Promise<void> {
    await this.expectOk(this.world.api.userSendsVoice(this.tg, seconds));
  }

  /** How many voice notes the user received. */
  voices(): number {
    return this.messages().filter((m) => m.voice).length;
  }

  async shareLocation(lat: number, lon: number): Promise<void> {
    await this.expectOk(this.world.api.userSharesLocation(this.tg, lat, lon));
  }

  async shareContact(phone: string): Promise<void> {
    await this.expectOk(this.world.api.userSharesContact(this.tg, phone));
  }

  /** Finds the newest message showing a button whose label matches, and presses it. */
  async press(label: string | RegExp): Promise<void> {
    const { message, data } = this.findButton(label);
    await this.expectOk(this.world.api.userPresses(this.tg, this.chatId, message.message_id, data));
  }

  /**
   * A crafted press: a button's message with other data (a label matching no button, such as
   * /./ in a chat whose questions were all answered, presses on the newest message).
   */
  async pressForged(label: string | RegExp, data: string): Promise<void> {
    const matches = (text: string) => (typeof label === 'string' ? text === label : label.test(text));
    if (!this.buttons().some(matches)) return this.forge(data);
    const { message } = this.findButton(label);
    await this.expectOk(this.world.api.userForgesPress(this.tg, this.chatId, message.message_id, data));
  }

  /** A crafted press on the newest message, buttons or not: any data a client can send. */
  async forge(data: string): Promise<void> {
    const message = this.messages().at(-1);
    if (!message) throw new Error(`${this.name}: no message to press on`);
    await this.expectOk(this.world.api.userForgesPress(this.tg, this.chatId, message.message_id, data));
  }

  buttons(): string[] {
    return this.messages().flatMap((m) =>
      ((m.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text),
    );
  }

  findButton(label: string | RegExp): { message: Message; data: string } {
    const matches = (text: string) => (typeof label === 'string' ? text === label : label.test(text));
    for (const message of [...this.messages()].reverse()) {
      const rows = (message.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [];
      const button = rows.flat().find((b) => matches(b.text));
      if (button && 'callback_data' in button) return { message, data: button.callback_data };
    }
    throw new Error(
      `${this.tg.first_name}: no button ${String(label)}; buttons: ${this.buttons().join(' | ')}`,
    );
  }

  private async expectOk(update: Update): Promise<void> {
    const response = await this.world.deliver(update);
    if (response.statusCode !== 200)
      throw new Error(`webhook answered ${response.statusCode}: ${response.body}`);
  }
}

/** What a channel-neutral scenario needs of a person, on any channel. */
export interface ChatUser {
  readonly name: string;
  ref(): ChannelRef;
  send(text: string): Promise<void>;
  sendVoice(): Promise<void>;
  /** How many voice notes the user received. */
  voices(): number;
  /** Taps the newest button, list row or numbered choice whose label matches. */
  press(label: string | RegExp): Promise<void>;
  /** Taps a real button but sends other data: a forged press. */
  pressForged(label: string | RegExp, data: string): Promise<void>;
  shareLocation(lat: number, lon: number): Promise<void>;
  /** Shares their own contact card with this number. */
  shareContact(phone: string): Promise<void>;
  texts(): string[];
  lastText(): string;
  taps(): string[];
}

/** The whole bot on one channel, for scenarios that run on every channel. */
export interface ChatWorld {
  readonly channel: Channel;
  readonly clock: TestClock;
  readonly store: DynamoStore;
  readonly runtime: Runtime;
  user(name: string, lang?: string): ChatUser;
  tickAt(at: string | Date): Promise<unknown>;
  mediatorInvite(zoneId: string): Promise<string>;
  personOf(user: ChatUser): Promise<Profile | null>;
  /** Calls the fake API refused (malformed, or against the channel's rules) that no test injected. */
  problems(): unknown[];
  scan(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface WorldOptions {
  network?: Partial<Network>;
  at?: string;
  /** WhatsApp worlds: template names that differ from the defaults (`""`: that text has none). */
  whatsappTemplates?: Record<string, string>;
  /** Where the WhatsApp webhook and sender write their log lines (dropped unless given). */
  logLine?: (entry: Record<string, unknown>) => void;
  /** Everything but the answers to whoever wrote goes to this queue, as on AWS (the outbox sender's SQS). */
  queue?: SqsSender;
}
