/**
 * What an elder typed instead of pressing a button, read conservatively: only a
 * message that is nothing but a "fine" phrase (or a "help" phrase), give or
 * take greetings and thanks, counts as an answer. Anything else is a sign of
 * life for the people who care, never a guess.
 */
export interface CheckInWords {
  /** Whole messages that mean "I'm fine" ("sto bene", "👍"). */
  fine: string[];
  /** Whole messages that mean "I need help" ("aiuto", "🆘"). */
  help: string[];
  /** Words that may come around an answer without changing it ("grazie", "ciao"). */
  filler: string[];
}

export type CheckInWord = 'fine' | 'help';

/** Lower case, no accents, no punctuation, emoji kept (without their variation selectors), spaces collapsed. */
export function normalizeWords(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, (m) => (m === '\u20e3' ? m : ''))
    .replace(/[\ufe0f\u200d]|\p{Emoji_Modifier}/gu, '')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, (c) => (/\p{Extended_Pictographic}/u.test(c) ? ` ${c} ` : ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

function stripFiller(text: string, filler: string[]): string {
  let words = text.split(' ');
  let changed = true;
  while (changed && words.length) {
    changed = false;
    for (const f of filler) {
      const fw = f.split(' ');
      if (fw.length < words.length && fw.every((w, i) => words[i] === w)) {
        words = words.slice(fw.length);
        changed = true;
      }
      if (fw.length < words.length && fw.every((w, i) => words[words.length - fw.length + i] === w)) {
        words = words.slice(0, words.length - fw.length);
        changed = true;
      }
    }
  }
  return words.join(' ');
}

/** "fine", "help", or null when the message is anything else (the usual case). */
export function matchCheckInWords(text: string, vocabularies: CheckInWords[]): CheckInWord | null {
  const said = normalizeWords(text);
  if (!said) return null;
  for (const kind of ['help', 'fine'] as const) {
    for (const words of vocabularies) {
      const phrases = new Set(words[kind].map(normalizeWords));
      const filler = words.filler.map(normalizeWords).filter(Boolean);
      if (phrases.has(said) || phrases.has(stripFiller(said, filler))) return kind;
      // Emoji said more than once ("👍👍") mean the same.
      const squeezed = said.replace(/(\p{Extended_Pictographic})(?:\s*\1)+/gu, '$1');
      if (phrases.has(squeezed)) return kind;
    }
  }
  return null;
}
