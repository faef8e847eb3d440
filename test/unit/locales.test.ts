import { describe, expect, it } from 'vitest';
import { hasKey, langs, locales, translator } from '../../bot/core/i18n.js';
import { languageCodes } from '../../bot/domain/network.js';

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

const variables = (text: string) => [...text.matchAll(/\{\{\s*-?\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const tags = (text: string) => [...text.matchAll(/<\/?([a-z-]+)/g)].map((m) => m[0]).sort();

describe('locales', () => {
  const [base, ...others] = Object.entries(locales).map(
    ([lang, tree]) => [lang, flatten(tree as Tree)] as const,
  );

  it('are the five languages the network file may list', () => {
    expect(langs).toEqual(['it', 'en', 'ro', 'uk', 'ar']);
    expect([...languageCodes]).toEqual(langs);
  });

  it.each(others)('%s has exactly the keys of it, in the same order', (_lang, keys) => {
    expect([...keys.keys()]).toEqual([...base![1].keys()]);
  });

  it.each(others)('%s uses the same interpolation variables and tags as it, key by key', (_lang, keys) => {
    for (const [key, text] of base![1]) {
      expect({ key, vars: variables(keys.get(key) ?? '') }).toEqual({ key, vars: variables(text) });
      expect({ key, tags: tags(keys.get(key) ?? '') }).toEqual({ key, tags: tags(text) });
    }
  });

  it('has no empty texts', () => {
    for (const [lang, tree] of Object.entries(locales)) {
      for (const [key, text] of flatten(tree as Tree)) expect(text.trim(), `${lang}:${key}`).not.toBe('');
    }
  });
});

describe('translator (bot/core/i18n.ts)', () => {
  it('fills {{name}} from the values, once, with the value as written', () => {
    const t = translator('it');
    expect(t('alert.line.streak', { count: 3 })).toBe('⚠️ 3 giorni di fila senza risposta');
    // A value is never read as a pattern or a placeholder of its own.
    expect(t('alert.line.streak', { count: "$& {{count}} $'" })).toBe(
      "⚠️ $& {{count}} $' giorni di fila senza risposta",
    );
    // A placeholder without a value stays as written; without values, the text as it is.
    expect(t('alert.line.streak', {})).toBe('⚠️ {{count}} giorni di fila senza risposta');
    expect(t('alert.line.streak')).toBe('⚠️ {{count}} giorni di fila senza risposta');
  });

  it('speaks each language from its own file; an unknown language is Italian; an unknown key is itself', () => {
    expect(translator('uk')('alert.line.streak', { count: 3 })).toBe(
      ((locales.uk.alert as Tree).line as Tree).streak!.toString().replace('{{count}}', '3'),
    );
    expect(translator('xx')('alert.line.streak', { count: 2 })).toBe('⚠️ 2 giorni di fila senza risposta');
    expect(translator('en')('no.such.key')).toBe('no.such.key');
    // A branch of the tree is not a text.
    expect(translator('en')('alert.line')).toBe('alert.line');
    expect(hasKey('alert.line.streak', 'ar')).toBe(true);
    expect(hasKey('alert.line', 'ar')).toBe(false);
    expect(hasKey('no.such.key')).toBe(false);
  });
});
