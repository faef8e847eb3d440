/**
 * The in-memory Telegram world behind the fake Bot API, with no I/O: chats and
 * their current messages, the bot's commands/webhook/menu button, the queue of
 * updates produced by simulated users, and what each Bot API method does to it.
 * server.ts serves it over HTTP, for the tests and for the browser chat simulator.
 */
import { EventEmitter } from 'node:events';
import type { BotCommand, CallbackQuery, Chat, InlineKeyboardMarkup, MenuButton } from 'grammy/types';
import type { Message, ReplyKeyboardMarkup, Update, User, UserFromGetMe, WebhookInfo } from 'grammy/types';
import { CommandMenus } from './commands.js';
import { BotApiError, formatText, isRecord, isUploadedFile, type Params, type UploadedFile } from './spec.js';

export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** What a chat looks like now: its messages (edits applied, deletions removed) and reply keyboard. */
export interface ChatState {
  id: number | string;
  user?: FakeUser;
  messages: Message[];
  keyboard?: ReplyKeyboardMarkup;
  /** A one-time keyboard the user has used: hidden until the bot sends a keyboard again. */
  keyboardHidden?: boolean;
  menuButton?: MenuButton;
  nextMessageId: number;
}

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const WEBHOOK_CONFLICT =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

/** What a new caption, and a new photo or document, stand in for. */
const CAPTION_KEYS = ['caption', 'caption_entities'];
const MEDIA_KEYS = ['photo', 'document', ...CAPTION_KEYS];
const badRequest = (description: string) => new BotApiError(400, `Bad Request: ${description}`);
const noWebhook = (): WebhookInfo => ({ url: '', has_custom_certificate: false, pending_update_count: 0 });
const toUser = ({ id, first_name, last_name, username, language_code }: FakeUser): User => ({
  id,
  is_bot: false,
  first_name,
  ...(last_name ? { last_name } : {}),
  ...(username ? { username } : {}),
  ...(language_code ? { language_code } : {}),
});

export class FakeTelegram {
  readonly me: UserFromGetMe;
  /** Emits 'update' when an update is enqueued. */
  protected readonly events = new EventEmitter().setMaxListeners(100);
  private readonly chats = new Map<string, ChatState>();
  private readonly menus = new CommandMenus();
  private readonly openQueries = new Set<string>();
  private updates: Update[] = [];
  private nextUpdateId = 1; // never reset: a polling bot's offset must keep working after reset()
  private nextQueryId = 1;
  private nextFileId = 1;
  private readonly files = new Map<string, UploadedFile>();
  /** Durations of the users' voice notes, so the bot passing one on shows the same. */
  private readonly voiceSeconds = new Map<string, number>();
  private webhookInfo: WebhookInfo & { secret_token?: string } = noWebhook();
  private defaultMenuButton: MenuButton = { type: 'commands' };

  /** `clock` gives the time in ms that message dates carry (the simulator's clock; real time by default). */
  constructor(
    botId: number,
    botUsername: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.me = {
      id: botId,
      is_bot: true,
      first_name: 'Vicini',
      username: botUsername,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
  }

  /** Forgets chats, pending updates, commands, webhook and menu button. */
  reset(): void {
    this.clearChats();
    this.menus.clear();
    this.webhookInfo = noWebhook();
    this.defaultMenuButton = { type: 'commands' };
  }

  /** Forgets chats, their files and pending updates; the bot's settings (commands, webhook) stay. */
  clearChats(): void {
    this.chats.clear();
    this.files.clear();
    this.voiceSeconds.clear();
    this.openQueries.clear();
    this.updates = [];
  }

  // ------------------------------------------------------------- inspection

  /** A document the bot uploaded, by its file_id. */
  file(fileId: string): UploadedFile | undefined {
    return this.files.get(fileId);
  }

  chat(chatId: number | string): ChatState | undefined {
    return this.chats.get(String(chatId));
  }

  /** Current messages of a chat, edits applied. */
  messages(chatId: number | string): Message[] {
    return this.chat(chatId)?.messages ?? [];
  }

  /** Commands set with setMyCommands for a language code ('' = none) and scope. */
  commands(languageCode = '', scope: unknown = { type: 'default' }): BotCommand[] | undefined {
    return this.menus.get(languageCode, scope);
  }

  /** The menu a private chat shows (its own commands, else the bot's), as Telegram picks it. */
  menuOf(chatId: number | string, languageCode = ''): BotCommand[] {
    return this.menus.menuOf(chatId, languageCode);
  }

  get webhook(): WebhookInfo & { secret_token?: string } {
    return { ...this.webhookInfo, pending_update_count: this.updates.length };
  }

  // -------------------------------------------------------- simulated users

  /** Enqueues an update for getUpdates (assigning update_id if absent); user messages join the chat. */
  pushUpdate(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    const full = { ...update, update_id: update.update_id ?? this.nextUpdateId++ } as Update;
    if (full.message) {
      const chat = this.chatState(full.message.chat.id);
      chat.messages.push(full.message);
      if (chat.keyboard?.one_time_keyboard) chat.keyboardHidden = true;
    }
    this.updates.push(full);
    this.events.emit('update');
    return full;
  }

  /** A private-chat text message from `user`; a leading /command gets its bot_command entity. */
  userSends(user: FakeUser, text: string): Update {
    const command = /^\/\S+/.exec(text)?.[0];
    const entities = command ? [{ type: 'bot_command' as const, offset: 0, length: command.length }] : [];
    return this.userMessage(user, { text, ...(command ? { entities } : {}) });
  }

  userSharesLocation(user: FakeUser, latitude: number, longitude: number): Update {
    return this.userMessage(user, { location: { latitude, longitude } });
  }

  /** A voice note (no audio: the bot only passes its file_id on). */
  userSendsVoice(user: FakeUser, seconds: number): Update {
    const id = `voice-${this.nextFileId++}`;
    this.voiceSeconds.set(id, seconds);
    return this.userMessage(user, { voice: { file_id: id, file_unique_id: id, duration: seconds } });
  }

  userSharesContact(user: FakeUser, phone: string): Update {
    return this.userMessage(user, {
      contact: { phone_number: phone, first_name: user.first_name, user_id: user.id },
    });
  }

  /** A callback_query for an inline button that the message currently shows (else throws). */
  userPresses(user: FakeUser, chatId: number | string, messageId: number, data: string): Update {
    const message = this.messages(chatId).find((m) => m.message_id === messageId);
    if (!message) throw new Error(`userPresses: no message ${messageId} in chat ${chatId}`);
    const buttons = (message.reply_markup?.inline_keyboard ?? []).flat();
    if (!buttons.some((b) => 'callback_data' in b && b.callback_data === data)) {
      const shown = buttons.map((b) => ('callback_data' in b ? b.callback_data : b.text)).join(', ');
      throw new Error(`userPresses: message ${messageId} has no button "${data}" (shows: ${shown})`);
    }
    return this.callbackQuery(user, chatId, message, data);
  }

  /** A callback_query with any data on any message of the chat: what a crafted client could send. */
  userForgesPress(user: FakeUser, chatId: number | string, messageId: number, data: string): Update {
    const message = this.messages(chatId).find((m) => m.message_id === messageId);
    if (!message) throw new Error(`userForgesPress: no message ${messageId} in chat ${chatId}`);
    return this.callbackQuery(user, chatId, message, data);
  }

  private callbackQuery(user: FakeUser, chatId: number | string, message: Message, data: string): Update {
    const id = String(this.nextQueryId++);
    this.openQueries.add(id);
    const query = { id, from: toUser(user), message, chat_instance: String(chatId), data } as CallbackQuery;
    return { update_id: this.nextUpdateId++, callback_query: query };
  }

  private userMessage(user: FakeUser, content: Partial<Message>): Update {
    const chat = this.chatState(user.id, user);
    const message = { message_id: chat.nextMessageId++, from: toUser(user), chat: this.chatOf(chat) };
    return {
      update_id: this.nextUpdateId++,
      message: { ...message, date: this.now(), ...content },
    } as Update;
  }

  // ---------------------------------------------------------- Bot API methods

  /** Confirms updates below `offset` and returns up to `limit` pending ones (getUpdates without waiting). */
  protected takeUpdates(p: Params): Update[] {
    if (this.webhookInfo.url) throw new BotApiError(409, WEBHOOK_CONFLICT);
    const offset = p.offset as number | undefined;
    if (offset !== undefined) {
      this.updates =
        offset < 0 ? this.updates.slice(offset) : this.updates.filter((u) => u.update_id >= offset);
    }
    return this.updates.slice(0, Math.min(Math.max((p.limit as number | undefined) ?? 100, 1), 100));
  }

  /** What each method does; called with params already validated. Other known methods answer true. */
  protected readonly methods: Record<string, (params: Params) => unknown> = {
    getMe: () => this.me,
    sendMessage: (p) => this.send(p, this.textContent(p, 'text')),
    sendDocument: (p) =>
      this.send(p, { document: this.documentOf(p.document), ...this.textContent(p, 'caption') }),
    sendPhoto: (p) => this.send(p, { photo: this.photoOf(p.photo), ...this.textContent(p, 'caption') }),
    sendVoice: (p) => this.send(p, { voice: this.voiceOf(p), ...this.textContent(p, 'caption') }),
    sendLocation: (p) =>
      this.send(p, { location: { latitude: Number(p.latitude), longitude: Number(p.longitude) } }),
    editMessageText: (p) => this.edit(p, this.textContent(p, 'text')),
    editMessageCaption: (p) => this.edit(p, this.textContent(p, 'caption'), CAPTION_KEYS, 'media'),
    editMessageMedia: (p) => this.edit(p, this.mediaContent(p.media), MEDIA_KEYS, 'media'),
    editMessageReplyMarkup: (p) => this.edit(p, {}),
    deleteMessage: (p) => {
      const { chat, message } = this.findMessage(p, 'message to delete not found');
      chat.messages.splice(chat.messages.indexOf(message), 1);
      return true;
    },
    answerCallbackQuery: (p) => {
      if (this.openQueries.delete(String(p.callback_query_id))) return true;
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    },
    ...this.menus.methods,
    setWebhook: (p) => {
      const { url, max_connections = 40, allowed_updates, secret_token } = p as Partial<WebhookInfo> & Params;
      if (!/^https:\/\/\S+$/.test(String(url))) {
        throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
      }
      if (p.drop_pending_updates) this.updates = [];
      this.webhookInfo = { ...noWebhook(), url: String(url), max_connections };
      if (allowed_updates) this.webhookInfo.allowed_updates = allowed_updates;
      if (typeof secret_token === 'string') this.webhookInfo.secret_token = secret_token;
      return true;
    },
    deleteWebhook: (p) => {
      if (p.drop_pending_updates) this.updates = [];
      this.webhookInfo = noWebhook();
      return true;
    },
    getWebhookInfo: () => ({ ...this.webhook, secret_token: undefined }),
    setChatMenuButton: (p) => {
      const button = (p.menu_button as MenuButton | undefined) ?? { type: 'default' };
      if (p.chat_id === undefined) this.defaultMenuButton = button;
      else this.chatState(p.chat_id as number).menuButton = button;
      return true;
    },
    getChatMenuButton: (p) =>
      (p.chat_id !== undefined && this.chat(p.chat_id as number)?.menuButton) || this.defaultMenuButton,
  };

  private send(p: Params, content: Partial<Message>): Message {
    const chat = this.chatState(p.chat_id as number | string);
    const markup = p.reply_markup as Record<string, unknown> | undefined;
    if (markup?.keyboard) chat.keyboard = markup as unknown as ReplyKeyboardMarkup;
    if (markup?.remove_keyboard) delete chat.keyboard;
    if (markup?.keyboard || markup?.remove_keyboard) delete chat.keyboardHidden;
    const inline = this.inlineMarkup(markup);
    const { id, is_bot, first_name, username } = this.me;
    const message = {
      message_id: chat.nextMessageId++,
      from: { id, is_bot, first_name, username },
      chat: this.chatOf(chat),
      date: this.now(),
      ...content,
      ...(inline ? { reply_markup: inline } : {}),
    } as Message;
    chat.messages.push(message);
    return message;
  }

  /**
   * Applies an edit; like Telegram, a missing reply_markup removes the inline keyboard. `replaced`
   * are the keys the new content stands for (a new caption drops the old one's entities); `needs`
   * says that only a message with a photo or a document can take it.
   */
  private edit(p: Params, content: Partial<Message>, replaced: string[] = [], needs?: 'media'): Message {
    const { chat, message } = this.findMessage(p, 'message to edit not found');
    if (message.from?.id !== this.me.id) throw badRequest("message can't be edited");
    if (needs === 'media' && !message.photo && !message.document) {
      throw badRequest('there is no media in the message to edit');
    }
    const markup = this.inlineMarkup(p.reply_markup);
    const keys = [...new Set([...Object.keys(content), ...replaced])] as (keyof Message)[];
    const current = Object.fromEntries(keys.map((k) => [k, message[k]]));
    const next = Object.fromEntries(keys.map((k) => [k, content[k]]));
    if (JSON.stringify([current, message.reply_markup]) === JSON.stringify([next, markup])) {
      throw badRequest(NOT_MODIFIED);
    }
    const { reply_markup: _old, ...kept } = message;
    const rest = Object.fromEntries(Object.entries(kept).filter(([k]) => !replaced.includes(k)));
    const edited = {
      ...rest,
      ...content,
      ...(markup ? { reply_markup: markup } : {}),
      edit_date: this.now(),
    };
    chat.messages[chat.messages.indexOf(message)] = edited as Message;
    return edited as Message;
  }

  private findMessage(p: Params, notFound: string): { chat: ChatState; message: Message } {
    const chat = p.chat_id === undefined ? undefined : this.chat(p.chat_id as number | string);
    const message = chat?.messages.find((m) => m.message_id === p.message_id);
    if (!chat || !message) throw badRequest(notFound);
    return { chat, message };
  }

  /** `text`/`caption` as the user sees it (HTML parsed) with its entities. */
  private textContent(p: Params, key: 'text' | 'caption'): Partial<Message> {
    if (typeof p[key] !== 'string') return {};
    const entitiesKey = key === 'text' ? 'entities' : 'caption_entities';
    const formatted = formatText(p[key], p.parse_mode);
    const entities = p[entitiesKey] ?? (formatted.entities.length > 0 ? formatted.entities : undefined);
    return { [key]: formatted.text, [entitiesKey]: entities };
  }

  private now(): number {
    return Math.floor(this.clock() / 1000);
  }

  private documentOf(document: unknown): Message['document'] {
    if (!isUploadedFile(document)) return { file_id: String(document), file_unique_id: String(document) };
    const id = `document-${this.nextFileId++}`;
    this.files.set(id, document);
    const size = Buffer.byteLength(document.content);
    return { file_id: id, file_unique_id: id, file_name: document.filename, file_size: size };
  }

  /** One size of an uploaded photo (the bot sends PNG charts), kept by file_id like a document. */
  private photoOf(photo: unknown): Message['photo'] {
    const id = isUploadedFile(photo) ? `photo-${this.nextFileId++}` : String(photo);
    if (isUploadedFile(photo)) this.files.set(id, photo);
    const size = isUploadedFile(photo) ? (photo.bytes?.length ?? Buffer.byteLength(photo.content)) : 0;
    return [{ file_id: id, file_unique_id: id, width: 800, height: 560, file_size: size }];
  }

  /** The photo or document an InputMedia puts in place of a message's, with its caption. */
  private mediaContent(media: unknown): Partial<Message> {
    const m = isRecord(media) ? media : {};
    const caption = this.textContent(m, 'caption');
    if (m.type === 'photo') return { photo: this.photoOf(m.media), ...caption };
    if (m.type === 'document') return { document: this.documentOf(m.media), ...caption };
    throw badRequest(`media of type "${String(m.type)}" is not kept by this fake`);
  }

  private voiceOf(p: Params): Message['voice'] {
    const id = isUploadedFile(p.voice) ? `voice-${this.nextFileId++}` : String(p.voice);
    return {
      file_id: id,
      file_unique_id: id,
      duration: Number(p.duration ?? this.voiceSeconds.get(id) ?? 0),
    };
  }

  private inlineMarkup(markup: unknown): InlineKeyboardMarkup | undefined {
    const rows = isRecord(markup) ? markup.inline_keyboard : undefined;
    return Array.isArray(rows) && rows.flat().length > 0 ? (markup as InlineKeyboardMarkup) : undefined;
  }

  private chatState(rawId: number | string, user?: FakeUser): ChatState {
    const key = String(rawId);
    const chat = this.chats.get(key) ?? {
      id: /^-?\d+$/.test(key) ? Number(key) : key,
      messages: [],
      nextMessageId: 1,
    };
    if (user) chat.user = user;
    this.chats.set(key, chat);
    return chat;
  }

  private chatOf({ id, user }: ChatState): Chat {
    if (typeof id !== 'number' || id < 0)
      return { id: Number(id) || -1, type: 'supergroup', title: String(id) };
    const username = user?.username ? { username: user.username } : {};
    return { id, type: 'private', first_name: user?.first_name ?? `User ${id}`, ...username };
  }
}
