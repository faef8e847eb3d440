import { createHmac } from 'node:crypto';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createMediatorInvite } from '../../bot/app/people/admin.js';
import { botInfoFrom } from '../../bot/adapters/channels/telegram/bot.js';
import { templateConfig, templateDefinitions } from '../../bot/adapters/channels/whatsapp/templates.js';
import type { WebhookResponse } from '../../bot/adapters/channels/whatsapp/webhook.js';
import { invitePayload } from '../../bot/domain/invite.js';
import type { Channel, ChannelRef, Person as Profile } from '../../bot/domain/person.js';
import { langs, locales, translator } from '../../bot/core/i18n.js';
import { loadNetworkFile } from '../../bot/config/network.js';
import { createRuntime, type Runtime } from '../../bot/main/runtime.js';
import type { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';
import { randomIds } from '../../bot/adapters/system.js';
import { testTable } from './dynamo.js';
import { startFakeBotApi, type FakeBotApi } from './fake-bot-api.js';
import { startFakeGraphApi, type FakeGraphApi, type Shown, type WaUser } from './fake-graph-api.js';
import { unwatch, watch } from './invariants.js';
import {
  TestClock,
  World,
  botUsername,
  telegramCalls,
  type ChatUser,
  type ChatWorld,
  type WorldOptions,
  worldTimerShards,
} from './world.js';

export const whatsapp = {
  phoneNumberId: '106540352242922',
  businessNumber: '393400000001',
  accessToken: 'EAAtestaccesstoken0123456789',
  appSecret: 'test-app-secret-0123456789abcdef',
  verifyToken: 'test-verify-token-0123456789',
};

/** A world on the given channel: the same scenarios run on each. */
export async function startWorld(channel: Channel, options: WorldOptions = {}): Promise<ChatWorld> {
  return channel === 'telegram' ? World.start(options) : WhatsAppWorld.start(options);
}

/** X-Hub-Signature-256 as Meta computes it. */
export function sign(body: string, secret = whatsapp.appSecret): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Full label → its short variant (`short.<key>`), in every language, for buttons WhatsApp shows short. */
const shortLabels = new Map<string, string>(
  langs.flatMap((lang) => {
    const t = translator(lang);
    const keys: string[] = [];
    const walk = (tree: object, prefix: string) => {
      for (const [k, v] of Object.entries(tree)) {
        if (typeof v === 'string') keys.push(`${prefix}${k}`);
        else walk(v as object, `${prefix}${k}.`);
      }
    };
    walk((locales[lang] as { short: object }).short, '');
    return keys.map((key) => [t(key), t(`short.${key}`)] as [string, string]);
  }),
);

/**
 * The whole bot with the WhatsApp channel, against DynamoDB Local and the
 * loopback Graph API; webhook calls are signed as Meta signs them, and the
 * status callbacks the fake produces are delivered after each call.
 */
export class WhatsAppWorld implements ChatWorld {
  readonly channel = 'whatsapp' as const;
  private nextNumber = 1;

  private constructor(
    readonly api: FakeGraphApi & { close(): Promise<void> },
    readonly telegram: FakeBotApi,
    readonly runtime: Runtime,
    readonly store: DynamoStore,
    readonly clock: TestClock,
    readonly scan: () => Promise<Record<string, unknown>[]>,
    /** The table, for a second runtime on it (another "Lambda"). */
    readonly table: { doc: DynamoDBDocumentClient; name: string },
  ) {}

  static async start(options: WorldOptions = {}): Promise<WhatsAppWorld> {
    const clock = new TestClock(options.at ? new Date(options.at) : undefined);
    const api = await startFakeGraphApi({
      ...whatsapp,
      templates: templateDefinitions(),
      now: () => clock.current.getTime(),
    });
    const telegram = await startFakeBotApi({ botUsername });
    const { doc, tableName } = await testTable();
    const runtime = createRuntime({
      doc,
      table: tableName,
      network: { ...loadNetworkFile('network/brescia.json'), ...options.network },
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      botInfo: botInfoFrom(telegram.token, botUsername),
      clock,
      time: clock.time,
      whatsapp: {
        ...whatsapp,
        ...(options.whatsappTemplates
          ? { templates: templateConfig({ names: options.whatsappTemplates }) }
          : {}),
        apiRoot: api.apiRoot,
        sender: { callTimeoutMs: 5000, logLine: options.logLine ?? (() => undefined) },
      },
      timerShards: worldTimerShards,
      ...(options.queue
        ? {
            outbox: { queueUrl: 'https://sqs.eu-south-1.amazonaws.com/1/outbox.fifo', client: options.queue },
          }
        : {}),
    }) as Runtime;
    const scan = async () => (await doc.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    const world = new WhatsAppWorld(api, telegram, runtime, runtime.deps.store as DynamoStore, clock, scan, {
      doc,
      name: tableName,
    });
    watch(world);
    return world;
  }

  /** Every message sent (WhatsApp and Telegram), with everything it carried (for the invariant checker). */
  outgoing() {
    const wa = this.api.calls.map((c) => ({
      channel: 'whatsapp' as const,
      to: String((c.body as { to?: unknown } | null)?.to ?? ''),
      body: JSON.stringify(c.body),
    }));
    return [...wa, ...telegramCalls(this.telegram)];
  }

  async close(): Promise<void> {
    unwatch(this);
    await this.api.close();
    await this.telegram.close();
  }

  user(name: string): WaPerson {
    return new WaPerson(this, { number: `39333${String(this.nextNumber++).padStart(7, '0')}`, name });
  }

  /** Posts a webhook body as Meta would (signed, unless `signature` says otherwise), then the status callbacks. */
  async post(body: object | string, signature?: string | null): Promise<WebhookResponse> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const headers = signature === null ? {} : { 'x-hub-signature-256': signature ?? sign(text) };
    const response = await this.runtime.whatsapp!.webhook({ method: 'POST', query: {}, headers, body: text });
    await this.deliverStatuses();
    return response;
  }

  async deliverStatuses(): Promise<void> {
    for (let body = this.api.pendingStatuses.shift(); body; body = this.api.pendingStatuses.shift()) {
      const text = JSON.stringify(body);
      await this.runtime.whatsapp!.webhook({
        method: 'POST',
        query: {},
        headers: { 'x-hub-signature-256': sign(text) },
        body: text,
      });
    }
  }

  async tickAt(at: string | Date) {
    this.clock.current = new Date(at);
    const report = await this.runtime.tick(new Date(at));
    await this.deliverStatuses();
    return report;
  }

  async mediatorInvite(zoneId: string): Promise<string> {
    const deps = { store: this.store, clock: this.clock, ids: randomIds, network: this.runtime.deps.network };
    return invitePayload(await createMediatorInvite(deps, zoneId));
  }

  personOf(user: ChatUser): Promise<Profile | null> {
    return this.store.findPersonByChannel(user.ref());
  }

  problems(): unknown[] {
    const violations = this.api.windowViolations
      ? [`${this.api.windowViolations} free-form message(s) outside the window`]
      : [];
    return [...this.api.refused(), ...violations, ...this.telegram.calls.filter((c) => !c.ok && !c.fault)];
  }
}

/** One simulated WhatsApp user writing to the bot's number. */
export class WaPerson implements ChatUser {
  constructor(
    readonly world: WhatsAppWorld,
    readonly wa: WaUser,
  ) {}

  get name(): string {
    return this.wa.name;
  }

  ref(): ChannelRef {
    return { channel: 'whatsapp', id: this.wa.number };
  }

  messages(): Shown[] {
    return this.world.api.messages(this.wa.number);
  }

  texts(): string[] {
    return this.messages().map((m) => m.text);
  }

  lastText(): string {
    return this.texts().at(-1) ?? '';
  }

  taps(): string[] {
    return this.messages().flatMap((m) => m.choices.map((c) => c.title));
  }

  send(text: string): Promise<void> {
    return this.expectOk(this.world.api.userSends(this.wa, text));
  }

  shareLocation(lat: number, lon: number): Promise<void> {
    return this.expectOk(this.world.api.userSharesLocation(this.wa, lat, lon));
  }

  shareContact(phone: string): Promise<void> {
    return this.expectOk(this.world.api.userSharesContact(this.wa, phone));
  }

  sendVoice(): Promise<void> {
    return this.expectOk(this.world.api.userSendsVoice(this.wa));
  }

  voices(): number {
    return this.messages().filter((m) => m.kind === 'audio').length;
  }

  async press(label: string | RegExp): Promise<void> {
    const found = this.find(label);
    if ('number' in found) return this.send(String(found.number));
    await this.expectOk(this.world.api.userTaps(this.wa, found.shown, found.id));
  }

  async pressForged(label: string | RegExp, data: string): Promise<void> {
    const found = this.find(label);
    if ('number' in found) throw new Error('pressForged: a numbered choice has no data to forge');
    await this.expectOk(this.world.api.userTaps(this.wa, found.shown, data));
  }

  /** The newest choice (button, row, quick reply, numbered line) whose title or description matches. */
  find(label: string | RegExp): { shown: Shown; id: string } | { number: number } {
    const short = typeof label === 'string' ? shortLabels.get(label) : undefined;
    const matches = (text: string | undefined) =>
      text !== undefined && (typeof label === 'string' ? text === label || text === short : label.test(text));
    for (const shown of [...this.messages()].reverse()) {
      const choice = shown.choices.find((c) => matches(c.title) || matches(c.description));
      if (choice) return { shown, id: choice.id };
      const line = shown.text.split('\n').find((l) => /^\d+\. /.test(l) && matches(l.replace(/^\d+\. /, '')));
      if (line) return { number: Number(line.split('.')[0]) };
    }
    throw new Error(`${this.wa.name}: no choice ${String(label)}; choices: ${this.taps().join(' | ')}`);
  }

  private async expectOk(body: object): Promise<void> {
    const response = await this.world.post(body);
    if (response.statusCode !== 200)
      throw new Error(`webhook answered ${response.statusCode}: ${response.body}`);
  }
}
