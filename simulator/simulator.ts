import type { BotCommand, Message, ReplyKeyboardMarkup } from 'grammy/types';
import { DateTime } from 'luxon';
import type { TickReport } from '../bot/app/tick.js';
import type { Network } from '../bot/domain/network.js';
import type { Timers } from '../bot/core/ports.js';
import { advanceTo, nextDue, type Step } from './advance.js';
import type { FakeBotApi } from './bot-api/server.js';
import type { FakeUser } from './bot-api/telegram.js';
import type { SimClock } from './clock.js';
import type { DemoPerson } from './demo.js';

/** One phone on the page: a Telegram user in a private chat with the bot. */
export interface Pane {
  id: string;
  /** Who they play: "Elder", "Volunteer", "New person"… */
  part: string;
  user: FakeUser;
  /** The number shared when the bot asks for a contact. */
  phone: string;
  demo: boolean;
}

/** What the page shows: the clock, the network's neighbourhoods and every pane's chat. */
export interface SimState {
  version: number;
  now: string;
  /** `now` in the network's time zone, as a datetime-local input wants it. */
  localNow: string;
  timeZone: string;
  bot: string;
  zones: {
    id: string;
    name: string;
    neighbourhoods: { id: string; name: string; lat: number; lon: number }[];
  }[];
  panes: (Pane & {
    messages: Message[];
    keyboard: ReplyKeyboardMarkup | null;
    keyboardHidden: boolean;
    commands: BotCommand[];
  })[];
}

/** What the simulator needs from the bot's side. */
export interface SimHooks {
  network: Network;
  timers: Timers;
  /** Runs the tick at `now` and sends what it queued. */
  tick(now: Date): Promise<TickReport>;
  /** Empties the table and writes the demo network again. */
  resetData(now: Date): Promise<void>;
  /** The deep-link payload of a new mediator invite for a zone. */
  mediatorInvite(zoneId: string, now: Date): Promise<string>;
  /** The demo people, as of `now`. */
  demo(now: Date): DemoPerson[];
}

/** A page action that cannot be done; answered with 400 and the message. */
export class SimInputError extends Error {
  override name = 'SimInputError';
}

const localFormat = "yyyy-MM-dd'T'HH:mm";

/**
 * The chat simulator: turns what a person does in a pane into the Telegram
 * update Telegram would queue for the bot's getUpdates, runs the clock and the
 * tick, and describes everything for the page.
 */
export class Simulator {
  panes: Pane[] = [];
  private version = 0;
  private readonly listeners = new Set<(version: number) => void>();
  private changeTimer?: NodeJS.Timeout;
  /** Ticks, jumps and resets run one at a time. */
  private serial: Promise<unknown> = Promise.resolve();
  private nextUserId = 1_000_000_000 + (Date.now() % 100_000_000);
  private nextPaneId = 1;

  constructor(
    readonly api: FakeBotApi,
    readonly clock: SimClock,
    private readonly hooks: SimHooks,
  ) {
    this.panes = this.demoPanes();
    api.subscribe(() => this.changed());
  }

  /** Calls `listener` with the new version after anything the page shows changed. */
  onChange(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  state(): SimState {
    const { network } = this.hooks;
    const now = this.clock.now();
    return {
      version: this.version,
      now: now.toISOString(),
      localNow: DateTime.fromJSDate(now, { zone: network.timeZone }).toFormat(localFormat),
      timeZone: network.timeZone,
      bot: this.api.me.username,
      zones: network.zones.map((z) => ({
        id: z.id,
        name: z.name,
        neighbourhoods: z.neighbourhoods.map((h) => ({ id: h.id, name: h.name, ...h.centre })),
      })),
      panes: this.panes.map((pane) => ({
        ...pane,
        messages: this.api.messages(pane.user.id),
        keyboard: this.api.chat(pane.user.id)?.keyboard ?? null,
        keyboardHidden: this.api.chat(pane.user.id)?.keyboardHidden === true,
        commands: this.api.menuOf(pane.user.id, pane.user.language_code ?? ''),
      })),
    };
  }

  // ------------------------------------------------------------ pane actions

  text(paneId: string, text: string): void {
    this.api.pushUpdate(this.api.userSends(this.pane(paneId).user, text));
  }

  /** An inline button of a message the chat shows now. */
  press(paneId: string, messageId: number, data: string): void {
    const pane = this.pane(paneId);
    try {
      this.api.pushUpdate(this.api.userPresses(pane.user, pane.user.id, messageId, data));
    } catch (err) {
      throw new SimInputError(err instanceof Error ? err.message : String(err));
    }
  }

  location(paneId: string, lat: number, lon: number): void {
    this.api.pushUpdate(this.api.userSharesLocation(this.pane(paneId).user, lat, lon));
  }

  contact(paneId: string): void {
    const pane = this.pane(paneId);
    this.api.pushUpdate(this.api.userSharesContact(pane.user, pane.phone));
  }

  voice(paneId: string, seconds: number): void {
    this.api.pushUpdate(this.api.userSendsVoice(this.pane(paneId).user, seconds));
  }

  /** What the admin CLI's link does: `/start m<code>` with a fresh mediator invite. */
  async mediatorInvite(paneId: string, zoneId: string): Promise<void> {
    const pane = this.pane(paneId);
    if (!this.hooks.network.zones.some((z) => z.id === zoneId)) throw new SimInputError('No such zone');
    const payload = await this.hooks.mediatorInvite(zoneId, this.clock.now());
    this.api.pushUpdate(this.api.userSends(pane.user, `/start ${payload}`));
  }

  /** A Telegram user the bot has never seen, in a new pane or in place of a pane's user. */
  newPerson(name: string, lang: string, paneId?: string): Pane {
    const id = this.nextUserId++;
    const [first = name, ...rest] = name.trim().split(/\s+/);
    const user: FakeUser = { id, first_name: first, language_code: lang };
    if (rest.length > 0) user.last_name = rest.join(' ');
    const pane: Pane = {
      id: paneId ?? `p${this.nextPaneId++}`,
      part: 'New person',
      user,
      phone: `+39000${id}`,
      demo: false,
    };
    if (paneId) this.panes[this.panes.indexOf(this.pane(paneId))] = pane;
    else this.panes.push(pane);
    this.changed();
    return pane;
  }

  removePane(paneId: string): void {
    this.panes = this.panes.filter((p) => p !== this.pane(paneId));
    this.changed();
  }

  // ------------------------------------------------------------------ clock

  /** The per-minute tick at the simulator's now. */
  tickNow(): Promise<TickReport> {
    return this.run(() => this.hooks.tick(this.clock.now()));
  }

  /** Moves the clock forward to `to`, ticking wherever a timer is due on the way. */
  advance(to: Date): Promise<Step[]> {
    return this.run(async () => {
      if (to.getTime() < this.clock.ms()) throw new SimInputError('The clock only moves forward.');
      const steps = await advanceTo(
        { clock: this.clock, timers: this.hooks.timers, tick: this.hooks.tick },
        to,
      );
      this.changed();
      return steps;
    });
  }

  /** `local` is a wall-clock time ("2026-11-24T10:45") in the network's time zone. */
  advanceToLocal(local: string): Promise<Step[]> {
    const at = DateTime.fromISO(local, { zone: this.hooks.network.timeZone });
    if (!at.isValid) throw new SimInputError(`Not a date and time: ${local}`);
    return this.advance(at.toJSDate());
  }

  /** To the next timer due within a week, if any. */
  async advanceToNext(): Promise<Step[]> {
    const now = this.clock.now();
    const next = await nextDue(this.hooks.timers, now, new Date(now.getTime() + 7 * 86_400_000));
    if (!next) throw new SimInputError('Nothing is due in the next seven days.');
    return this.advance(new Date(next.due));
  }

  // ------------------------------------------------------------------ reset

  /** The demo as new: table emptied and seeded, chats cleared, demo panes, the clock back to now. */
  reset(): Promise<void> {
    return this.run(async () => {
      this.clock.restart();
      await this.hooks.resetData(this.clock.now());
      this.api.clearChats();
      this.panes = this.demoPanes();
      this.changed();
    });
  }

  // --------------------------------------------------------------- internal

  private demoPanes(): Pane[] {
    const withPanes = this.hooks.demo(this.clock.now()).filter((d) => d.pane !== false);
    return withPanes.map((d) => ({
      id: d.key,
      part: d.part,
      user: d.user,
      phone: d.phone,
      demo: true,
    }));
  }

  private pane(id: string): Pane {
    const pane = this.panes.find((p) => p.id === id);
    if (!pane) throw new SimInputError(`No pane "${id}"`);
    return pane;
  }

  private run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.serial.then(task);
    this.serial = result.catch(() => undefined);
    return result;
  }

  /** Many calls come at once (a tick sends a dozen messages): the page hears of them together. */
  private changed(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.version++;
      for (const listener of this.listeners) listener(this.version);
    }, 30);
  }
}
