import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulation } from '../../simulator/start.js';
import { openSimulator, skipBrowser, warnIfNoBrowser, type SimBrowser } from '../support/sim-browser.js';

/**
 * The simulator in a real browser: Debian's chromium driven by playwright-core
 * (no browser download), clicking as a person would. Screenshots of the page
 * and of each pane go to test-results/simulator/; with UPDATE_DOCS_SCREENSHOT=1
 * the page's also replaces docs/simulator.png.
 */
warnIfNoBrowser();
const shots = join('test-results', 'simulator');

let opened: SimBrowser | undefined;
let sim: Simulation;
let page: Page;

beforeAll(async () => {
  if (skipBrowser) return;
  // Monday 23 November 2026, 10:00 in Rome: the elder's next check-in is Tuesday 09:00.
  opened = await openSimulator(new Date('2026-11-23T09:00:00Z'));
  ({ sim, page } = opened);
  mkdirSync(shots, { recursive: true });
}, 60_000);

afterAll(() => opened?.close());

const pane = (id: string): Locator => page.locator(`#pane-${id}`);
const button = (id: string, name: string | RegExp): Locator =>
  pane(id)
    .getByRole('button', { name, exact: typeof name === 'string' })
    .last();
const says = (id: string, text: string | RegExp): Promise<void> =>
  pane(id).locator('.message').getByText(text).last().waitFor();

async function screenshots(prefix: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${prefix}-page.png`), fullPage: true });
  for (const id of ['elder', 'relative', 'anna', 'bruno', 'carla', 'mediator']) {
    await pane(id).screenshot({ path: join(shots, `${prefix}-${id}.png`) });
  }
}

describe.skipIf(skipBrowser)('chat simulator in a browser', () => {
  it('an elder asks for shopping help, a volunteer accepts, a missed check-in climbs to the mediator', async () => {
    await page.goto(sim.url);
    await pane('mediator').waitFor();
    expect(await page.locator('.pane').count()).toBe(6);

    // The elder, with two taps to open the chat and four to ask.
    await button('elder', 'START').click();
    await button('elder', '🙋 Chiedi un volontario').click();
    await button('elder', 'Spesa').click();
    await button('elder', 'Oggi').click();
    await button('elder', 'Salta').click();
    await button('elder', 'No').click();
    await says('elder', /Richiesta inviata: Spesa, oggi/);

    // The nearest volunteer gets the offer and takes it; the elder is told who is coming.
    await says('anna', /Richiesta di aiuto vicino a te/);
    await button('anna', '✅ Ci vado io').click();
    await says('anna', /Indirizzo: Via dell'Esempio 1/);
    await says('bruno', /già presa qualcun altro/);
    await says('elder', /Anna verrà oggi a farti la spesa/);
    await says('relative', /Anna andrà oggi a fare la spesa per/);
    await screenshots('1-request');

    // Tuesday: the 09:00 question goes unanswered; the ladder climbs as the clock jumps past it.
    await page.getByLabel('Jump to').fill('2026-11-24T10:45');
    await page.getByRole('button', { name: 'Jump and tick' }).click();
    await page
      .getByText(/09:00 daily question.*09:30 reminder.*10:00 relatives told.*10:30 mediator alerted/)
      .waitFor({ timeout: 90_000 }); // a day of ticks: on a loaded machine it takes more than the default 15 s
    await says('elder', /Nonna, sono ancora io/);
    await says('relative', /Nonna Demo non ha ancora risposto alla domanda quotidiana delle 09:00/);
    await says('mediator', /Nonna Demo \(Mompiano\) non ha risposto alla domanda delle 09:00/);

    await button('mediator', '🙋 Me ne occupo io').click();
    await says('mediator', /Te ne occupi tu: avviso su Nonna/);
    await screenshots('2-alert');
    if (process.env.UPDATE_DOCS_SCREENSHOT) {
      await page.screenshot({ path: 'docs/simulator.png' });
      await pane('elder').screenshot({ path: 'docs/simulator-it.png' });
    }
    await button('mediator', '✅ Ho verificato: tutto bene').click();
    await says('mediator', /Avviso su Nonna Demo chiuso: tutto bene/);
    await says('relative', /Giulia Demo ha sentito Nonna Demo: va tutto bene/);

    expect(await sim.runtime.deps.alerts.openAlerts('nord')).toEqual([]);
  }, 120_000);

  it('a new person onboards as a relative through the link the elder sends, by keyboard', async () => {
    await page.getByRole('button', { name: '+ New person' }).click();
    await page.getByLabel('Name in Telegram').fill('Marta Nuova');
    await page.keyboard.press('Enter');
    const marta = page.locator('.pane').last();
    await marta.getByRole('heading', { name: 'Marta Nuova' }).waitFor();
    const martaId = (await marta.getAttribute('id'))!.slice('pane-'.length);

    await button('elder', '👪 Invita un familiare').click();
    await pane('elder')
      .getByRole('link', { name: /t\.me\/vicini_demo_bot\?start=r/ })
      .last()
      .click();
    await page.getByRole('dialog').getByRole('button', { name: /Marta/ }).click();
    await says(martaId, /In che lingua/);
    // The page keeps the keyboard user's place: focus goes to the newest message's first button.
    await marta.getByRole('button', { name: 'Italiano' }).focus();
    await page.keyboard.press('Enter');
    await says(martaId, /Come ti chiami/);
    await expect.poll(() => page.locator(':focus').textContent()).toMatch(/Marta/);
    await page.keyboard.press('Enter');
    await button(martaId, 'Salta').click();
    await button(martaId, "✅ Sono d'accordo").click();
    await says(martaId, /Ho chiesto a Nonna di confermare/);
    await button('elder', '✅ Sì, è di famiglia').click();
    await says(martaId, /Nonna ha confermato/);
    await pane(martaId).screenshot({ path: join(shots, '3-relative-marta.png') });

    const refused = sim.api.calls.filter((c) => !c.ok && c.method !== 'getUpdates');
    expect(refused).toEqual([]);
  }, 60_000);

  it('in Arabic the elder reads right to left, with the names of Italian neighbours in place', async () => {
    await page.locator('#pane-elder-input').fill('/language');
    await page.keyboard.press('Enter');
    await button('elder', 'العربية').click();
    // Arabic labels open with a right-to-left mark, as every Arabic line does.
    await says('elder', /تمّ الحفظ/);
    await page.locator('#pane-elder-input').fill('/request');
    await page.keyboard.press('Enter');
    await says('elder', /ما الذي يلزمك؟/);
    await button('elder', /^\u200F?التسوّق$/).click();
    await button('elder', /^\u200F?غداً$/).click();
    await button('elder', /^\u200F?تخطٍّ$/).click();
    await button('elder', /^\u200F?لا$/).click();
    await says('elder', /أُرسل الطلب/);
    await says('anna', /Richiesta di aiuto vicino a te: Spesa, domani/);
    await button('anna', '✅ Ci vado io').click();
    await says('elder', /لديك موعد مع/);

    // The browser lays the Arabic lines out right to left, as Telegram does.
    const last = pane('elder').locator('.message.bot .text').last();
    type Styled = { ownerDocument: { defaultView: { getComputedStyle(e: unknown): { direction: string } } } };
    const direction = await last.evaluate(
      (el) => (el as unknown as Styled).ownerDocument.defaultView.getComputedStyle(el).direction,
    );
    expect(direction).toBe('rtl');
    expect(await last.textContent()).toMatch(/^\u200F🙋 أخبار سارّة: لديك موعد مع \u2068Anna\u2069 غداً/);
    await pane('elder').screenshot({ path: join(shots, '4-elder-arabic.png') });
    if (process.env.UPDATE_DOCS_SCREENSHOT) await pane('elder').screenshot({ path: 'docs/simulator-ar.png' });
  }, 60_000);
});
