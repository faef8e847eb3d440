import type { ChatUser } from './world.js';

/**
 * What the broadcast scenarios share: the Italian labels a mediator taps, and
 * how a recipient's copies and the mediator's reports are found in a chat.
 */

export const volunteers = '🙋 Volontari';
export const elders = '👵 Persone seguite';
export const everyone = '📢 Tutti';
export const send = '📣 Invia';
export const stop = '🔕 Non ricevere più questi messaggi';
export const resume = '🔔 Riattiva i messaggi della zona';
export const cancelled = 'Va bene, non ho inviato niente.';

/** How many copies of a broadcast saying `text` the person received. */
export const copies = (p: ChatUser, text: string) =>
  p.texts().filter((t) => /^📣 \*?Zona Nord\*? · un messaggio da Giulia/.test(t) && t.includes(text)).length;

/** The mediator's whole broadcast: audience, text, Send. */
export async function broadcast(m: ChatUser, audience: string, text: string): Promise<void> {
  await m.send('/broadcast');
  await m.press(audience);
  await m.send(text);
  await m.press(send);
}

/** The delivery reports the mediator received, oldest first. */
export const reportOf = (m: ChatUser) => m.texts().filter((t) => /^📣 \*?Resoconto del messaggio/.test(t));
