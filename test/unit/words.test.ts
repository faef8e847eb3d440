import { describe, expect, it } from 'vitest';
import { formatDate, formatNumber, langs, locales, render } from '../../bot/core/i18n.js';
import { escapeHtml } from '../../bot/adapters/channels/telegram/render.js';
import { cleanName } from '../../bot/domain/person.js';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const italian = flatten(locales.it as Tree);
const variables = (text: string) => [
  ...new Set([...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!)),
];
const telegram = { escape: escapeHtml, deepLink: (p: string) => `https://t.me/vicini_bot?start=${p}` };
/** A user value that would break Telegram's HTML if it went in unescaped. */
const hostile = (name: string) => `<i>${name}</i> & "Rossi"`;

/** Texts the same as Italian on purpose: the bilingual language question; "Zona" is also Romanian. */
const sameOnPurpose = ['onboarding.lang.question', 'onboarding.zone.option'];

describe('every message in every language', () => {
  it.each(langs)(
    '%s: renders every key with every parameter filled in and every user value escaped',
    (lang) => {
      for (const [key, text] of italian) {
        const params = Object.fromEntries(variables(text).map((v) => [v, hostile(v)]));
        const out = render(lang, key, params, telegram);
        expect(out, `${lang}:${key} left a parameter unfilled`).not.toMatch(/\{\{|\}\}/);
        for (const v of variables(text)) {
          expect(out, `${lang}:${key} does not use {{${v}}}`).toContain(escapeHtml(hostile(v)));
        }
        expect(out, `${lang}:${key} let user markup through`).not.toMatch(/<i>|<\/i>/);
        // Only the locales' own tags survive, balanced.
        expect((out.match(/<b>/g) ?? []).length, `${lang}:${key}`).toBe((out.match(/<\/b>/g) ?? []).length);
      }
    },
  );

  it.each(langs)(
    '%s: every key exists and is not the Italian text left untranslated (beyond names and symbols)',
    (lang) => {
      if (lang === 'it') return;
      const own = flatten(locales[lang] as Tree);
      const same = [...italian].filter(
        ([key, text]) => own.get(key) === text && /\p{L}{4,}/u.test(text.replace(/\{\{\w+\}\}|<\/?b>/g, '')),
      );
      // Language names and the bilingual language question are the same in every language on purpose.
      expect(
        same.map(([k]) => k).filter((k) => !k.startsWith('languages.') && !sameOnPurpose.includes(k)),
      ).toEqual([]);
    },
  );
});

/**
 * Forms that assume the reader (or the elder spoken about) is a man. Each
 * has a neutral rewording in the locale: the person's name, a verb, or a noun.
 */
const gendered: [RegExp, string][] = [
  [/(?<!\bil )\bbenvenut[oa]\b/i, 'Ti do il benvenuto'],
  [/\bbentornat[oa]\b/i, 'Che piacere rivederti'],
  [/\b(sentir|chiamar|raggiunger|conoscer)l[oa]\b/i, 'the person’s name or a verb without a pronoun'],
  [/\bl'(ho|hai) (sentit|raggiunt)[oa]\b/i, 'Ci ho parlato'],
  [/\bnon l[oa] conosco\b/i, 'non è di famiglia'],
  [
    /\b(sei|sarai|è stato|è stata)( già| ora| proprio)? (sicur|registrat|collegat|approvat|pront|iscritt)[oa]\b/i,
    'a verb: hai un profilo, segui, l’iscrizione è approvata',
  ],
  [/\bessere stat[oa]\b/i, 'il tempo passato insieme'],
  [/\b(sono|è) preoccupat[oa]\b/i, 'in pensiero'],
  [/\b(chiedi|manda|di)gli\b/i, 'chiedile / a una persona di famiglia'],
  [/\b(il|al|del) tuo familiare\b/i, 'una persona di famiglia'],
  [/\b(il|un|nessun|altro) mediatore\b/i, 'la mediazione di prossimità'],
];

describe('Italian', () => {
  it('has none of the gendered forms that assume who is reading', () => {
    const found = [...italian].flatMap(([key, text]) =>
      gendered.filter(([re]) => re.test(text)).map(([re, instead]) => `${key}: ${re} → ${instead}`),
    );
    expect(found).toEqual([]);
  });

  it('the check catches the old wording', () => {
    const old = ['Benvenuto in Vicini', 'Puoi sentirlo?', "L'ho sentito, sta bene", 'Sei proprio sicuro?'];
    for (const text of old)
      expect(
        gendered.some(([re]) => re.test(text)),
        text,
      ).toBe(true);
  });
});

describe('numbers, dates and names', () => {
  it('writes numbers and dates the reader’s way', () => {
    expect(formatNumber('it', 0.5)).toBe('0,5');
    expect(formatNumber('en', 0.5)).toBe('0.5');
    expect(formatNumber('ar', 1.5)).toBe('1.5');
    expect(formatDate('it', '2026-12-07')).toBe('lunedì 7 dicembre');
    expect(formatDate('en', '2026-12-07')).toBe('Monday 7 December');
    expect(formatDate('uk', '2026-12-07')).toBe('понеділок, 7 грудня');
    const offer = { category: 'Spesa', when: 'oggi', hood: 'Mompiano', km: 0.5 };
    expect(render('it', 'request.offer', offer, telegram)).toContain('(circa 0,5 km)');
    expect(render('en', 'request.offer', offer, telegram)).toContain('(about 0.5 km)');
  });

  it('says what a volunteer comes to do, and when, as a sentence', () => {
    const when = {
      t: 'request.whenText.day',
      params: { date: { date: '2026-12-07' }, part: { t: 'request.whenText.parts.morning' } },
    };
    const params = { volunteer: 'Giorgio', when, task: { t: 'tasks.forYou.shopping' } };
    expect(render('it', 'request.coming', params, telegram)).toBe(
      '🙋 Buone notizie: Giorgio verrà lunedì 7 dicembre di mattina a farti la spesa.',
    );
    expect(
      render('it', 'request.coming', { ...params, when: { t: 'request.whenText.today' } }, telegram),
    ).toBe('🙋 Buone notizie: Giorgio verrà oggi a farti la spesa.');
  });

  it('keeps Arabic right to left: every line opens with a right-to-left mark, user text is isolated', () => {
    const out = render(
      'ar',
      'request.assigned',
      {
        category: { t: 'categories.shopping' },
        when: { t: 'request.whenText.today' },
        name: 'Maria',
        address: 'Via Roma 1',
        phone: '+39 333 1234567',
        note: '—',
      },
      telegram,
    );
    for (const line of out.split('\n').filter(Boolean)) expect(line.startsWith('\u200F'), line).toBe(true);
    expect(out).toContain('\u2068Maria\u2069');
    expect(out).toContain('\u2068+39 333 1234567\u2069');
    expect(render('it', 'request.assigned', { name: 'Maria' }, telegram)).not.toMatch(/[\u200F\u2068\u2069]/);
  });

  it('capitalises a name as typed: "Grazie, Lucia!"', () => {
    expect(render('it', 'onboarding.done.elderNoCheckIn', { name: cleanName('lucia')! }, telegram)).toMatch(
      /^Grazie, Lucia!/,
    );
  });
});
