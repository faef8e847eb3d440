import { describe, expect, it } from 'vitest';
import { hasKey } from '../../bot/core/i18n.js';
import { loadNetworkFile } from '../../bot/config/network.js';
import { steps, type StepId } from '../../bot/flows/steps.js';
import { editableSteps, nextOnboardingStep } from '../../bot/flows/sequence.js';
import type { Draft } from '../../bot/flows/draft.js';

const network = loadNetworkFile('network/brescia.json');
const context = (draft: Draft = {}) => ({
  network,
  draft,
  hints: { firstName: 'Maria' },
  today: '2026-11-21',
});

function walk(draft: Draft): StepId[] {
  const seen: StepId[] = [];
  for (let step = nextOnboardingStep(null, draft); step; step = nextOnboardingStep(step, draft))
    seen.push(step);
  return seen;
}

describe('onboarding sequence', () => {
  it('asks each role its own questions', () => {
    expect(walk({ role: 'elder' })).toEqual([
      'lang',
      'role',
      'name',
      'zone',
      'hood',
      'addr',
      'phone',
      'time',
      'consent',
    ]);
    expect(walk({ role: 'relative' })).toEqual(['lang', 'role', 'name', 'phone', 'consent']);
    expect(walk({ role: 'mediator', invite: { kind: 'mediator', code: 'c' } })).toEqual([
      'lang',
      'name',
      'phone',
      'consent',
    ]);
  });

  it('skips the neighbourhood when a location was shared', () => {
    const draft: Draft = {
      role: 'volunteer',
      place: { zoneId: 'nord', neighbourhoodId: 'mompiano', lat: 45.56, lon: 10.23, source: 'location' },
    };
    expect(walk(draft)).not.toContain('hood');
  });
});

describe('every step', () => {
  const all = Object.keys(steps) as StepId[];
  const drafts: Draft = { role: 'volunteer', zoneId: 'est' };

  it.each(all)('%s renders WhatsApp-sized button sets and existing keys', (id) => {
    for (const r of steps[id].ask(context(drafts))) {
      expect(hasKey(r.text), r.text).toBe(true);
      expect(r.buttons && r.keyboard, 'buttons and a keyboard in one message').toBeFalsy();
      const rows = r.buttons ?? [];
      const count = rows.flat().length;
      const fitsButtons = count <= 3;
      const fitsList = rows.every((row) => row.length === 1) && rows.length <= 10;
      expect(fitsButtons || fitsList, `${id}: ${count} buttons in ${rows.length} rows`).toBe(true);
      for (const b of rows.flat()) {
        expect(hasKey(b.label), b.label).toBe(true);
        expect(Buffer.byteLength('data' in b ? b.data : '')).toBeLessThanOrEqual(64);
      }
    }
  });

  it.each(all)('%s answers text where a button is expected with a reason, not a crash', (id) => {
    const outcome = steps[id].answer(context(drafts), { kind: 'unsupported' });
    expect(outcome.kind).toBe('retry');
    if (outcome.kind === 'retry') expect(hasKey(outcome.reason)).toBe(true);
  });

  it('cleans a typed name and refuses one that imitates the service, saying why', () => {
    const typed = (text: string) => steps.name.answer(context(), { kind: 'text', text });
    expect(typed('Vicini – Servizi Sociali (ufficiale)')).toEqual({
      kind: 'retry',
      reason: 'errors.reservedName',
    });
    expect(typed('  ADMIN ')).toEqual({ kind: 'retry', reason: 'errors.reservedName' });
    expect(hasKey('errors.reservedName')).toBe(true);
    expect(typed('\u202Eanna')).toEqual({ kind: 'next', draft: { name: 'Anna' } });
    expect(typed('An\u200Bna')).toEqual({ kind: 'next', draft: { name: 'Anna' } });
    expect(typed('x'.repeat(300))).toEqual({ kind: 'retry', reason: 'errors.badName' });
    for (const name of ['Maria Grazia', 'Zoë', 'Ана'])
      expect(typed(name)).toEqual({ kind: 'next', draft: { name } });
  });

  it("offers the channel's profile name only when it does not imitate the service", () => {
    const withHint = (firstName: string) => ({ ...context(), hints: { firstName } });
    expect(steps.name.ask(withHint('Vicini'))[0]?.buttons).toBeUndefined();
    expect(steps.name.answer(withHint('Vicini'), { kind: 'choice', value: 'hint' }).kind).toBe('retry');
    expect(steps.name.ask(withHint('Zo\u200Bë'))[0]?.buttons?.[0]?.[0]?.params).toEqual({ name: 'Zoë' });
  });

  it('refuses a neighbourhood of another zone', () => {
    const outcome = steps.hood.answer(context({ zoneId: 'nord' }), { kind: 'choice', value: 'buffalora' });
    expect(outcome.kind).toBe('retry');
  });

  it('places a shared location in the nearest neighbourhood, and refuses one far away', () => {
    const near = steps.zone.answer(context(), { kind: 'location', lat: 45.5625, lon: 10.233 });
    expect(near.kind === 'next' && near.draft.place?.neighbourhoodId).toBe('mompiano');
    const far = steps.zone.answer(context(), { kind: 'location', lat: 41.9, lon: 12.5 });
    expect(far.kind).toBe('retry');
  });

  it('takes a zone or a neighbourhood typed by name, as people write it', () => {
    const typed = (step: 'zone' | 'hood', text: string, draft: Draft = {}) =>
      steps[step].answer(context(draft), { kind: 'text', text });
    // A neighbourhood named at the zone question: zone and place at once, its question skipped.
    const hood = typed('zone', ' sant eustacchio ');
    expect(hood.kind === 'next' && hood.draft).toMatchObject({
      zoneId: 'nord',
      place: { neighbourhoodId: 'sant-eustacchio', source: 'neighbourhood' },
    });
    if (hood.kind === 'next') expect(walk({ role: 'elder', ...hood.draft })).not.toContain('hood');
    expect(typed('zone', 'Zona NORD')).toMatchObject({ kind: 'next', draft: { zoneId: 'nord' } });
    expect(typed('zone', 'mompia')).toMatchObject({ draft: { place: { neighbourhoodId: 'mompiano' } } });
    // Two neighbourhoods begin "San Polo", and no zone is named: the buttons again, with a reason.
    expect(typed('zone', 'San Polo')).toEqual({ kind: 'retry', reason: 'errors.placeNotFound' });
    expect(typed('zone', 'Milano')).toEqual({ kind: 'retry', reason: 'errors.placeNotFound' });
    expect(typed('hood', 'borgo  trento', { zoneId: 'nord' })).toMatchObject({
      draft: { place: { neighbourhoodId: 'borgo-trento' } },
    });
    // Of another zone, or too short to tell: refused.
    expect(typed('hood', 'Buffalora', { zoneId: 'nord' }).kind).toBe('retry');
    expect(typed('hood', 'Ca', { zoneId: 'nord' }).kind).toBe('retry');
  });

  it('toggles choices and needs at least one before Done', () => {
    const empty = steps.cats.answer(context({}), { kind: 'choice', value: 'done' });
    expect(empty.kind).toBe('retry');
    const ticked = steps.cats.answer(context({}), { kind: 'choice', value: 'pharmacy' });
    expect(ticked).toEqual({ kind: 'stay', draft: { categories: ['pharmacy'] } });
    const unticked = steps.cats.answer(context({ categories: ['pharmacy'] }), {
      kind: 'choice',
      value: 'pharmacy',
    });
    expect(unticked).toEqual({ kind: 'stay', draft: { categories: [] } });
  });

  it('lets every role edit only existing steps', () => {
    for (const list of Object.values(editableSteps)) for (const s of list) expect(steps[s]).toBeDefined();
  });
});
