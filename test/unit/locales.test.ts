import { describe, expect, it } from 'vitest';
import { langs, locales } from '../../bot/core/i18n.js';
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
