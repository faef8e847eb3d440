/**
 * The only types a flow sees. Channels turn their updates into an Inbound and
 * render each Reply in their own way (Telegram inline keyboards, WhatsApp
 * reply buttons or lists).
 */
export type Inbound =
  | { kind: 'text'; text: string }
  | { kind: 'command'; command: string; arg: string }
  | { kind: 'button'; data: string }
  | { kind: 'location'; lat: number; lon: number }
  | { kind: 'contact'; phone: string; own: boolean }
  | { kind: 'voice'; fileId: string; seconds: number }
  | { kind: 'unsupported' }
  /** The channel says the person blocked the bot or left. */
  | { kind: 'blocked' };

/**
 * A parameter of a translated text. Plain strings are user text and are always
 * escaped by the channel; `t` is another translation key; `list` joins values;
 * `lines` puts each value on a line of its own;
 * `deepLink` is an invite payload the channel turns into its own link; `date`
 * is a calendar date (YYYY-MM-DD) written out in the reader's language.
 * Numbers are written in the reader's language too ("0,5" in Italian).
 */
export type Param =
  | string
  | number
  | { t: string; params?: Record<string, Param> }
  | { list: Param[] }
  | { lines: Param[] }
  | { deepLink: string }
  | { date: string };

export type Params = Record<string, Param>;

export type Button = ActionButton | ShareButton;

export interface ActionButton {
  /** Translation key of the label. */
  label: string;
  params?: Params;
  /** At most 64 bytes; checked again when pressed. */
  data: string;
}

/**
 * Opens the chat app's "share with…" for an invite: the channel builds its own link from the
 * payload, with `text` (a translation key) beside it. Channels without such a button drop it
 * (the message text carries the link too).
 */
export interface ShareButton {
  label: string;
  params?: Params;
  share: { payload: string; text: string };
}

export const isActionButton = (b: Button): b is ActionButton => 'data' in b;

/**
 * One message. Buttons are rows of inline buttons; flows keep to at most 3
 * buttons in all, or at most 10 rows of one button, so WhatsApp can render
 * them as reply buttons or a list. `keyboard` replaces the reply keyboard;
 * a reply has either buttons or a keyboard, never both (a message carries one).
 */
export interface Reply {
  text: string;
  params?: Params;
  buttons?: Button[][];
  keyboard?: 'elder' | 'askLocation' | 'askContact' | 'remove';
  /**
   * About the press itself ("this button is from an earlier question"): Telegram
   * shows it as a toast on the pressed button and puts nothing in the chat;
   * channels without toasts send it as a message.
   */
  toast?: boolean;
  /** Replace the message whose button was pressed instead of sending a new one. */
  edit?: boolean;
  /**
   * With `edit`: what to send where there is no pressed message to edit (WhatsApp, a typed
   * answer). Null sends nothing (the edit only marks a question answered); absent sends this reply.
   */
  orNew?: Reply | null;
  /** Only sets or clears the reply keyboard: channels without reply keyboards (WhatsApp) drop it. */
  keyboardOnly?: boolean;
  document?: { filename: string; content: string };
  /** A PNG image (base64), shown as a photo; the text is its caption. */
  photo?: { filename: string; png: string };
  /** A voice note passed on as it is (the channel's own file id); the text is its caption. */
  voice?: string;
  /**
   * On the first reply of a message: what goes instead, as its approved template, to someone outside
   * WhatsApp's 24-hour window when the message itself has none; the message waits until they answer
   * (the template's quick reply brings it at once). Other channels never use it.
   */
  standIn?: Reply;
}

export function reply(text: string, params?: Params, extra: Omit<Reply, 'text' | 'params'> = {}): Reply {
  return params ? { text, params, ...extra } : { text, ...extra };
}
