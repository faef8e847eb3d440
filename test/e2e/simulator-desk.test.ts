import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelRef, Person } from '../../bot/domain/person.js';
import { demoPeople } from '../../simulator/demo.js';
import {
  openSimulator,
  paneHelpers,
  skipBrowser,
  warnIfNoBrowser,
  type SimBrowser,
} from '../support/sim-browser.js';

/**
 * The mediator's desk in the simulator, in a real browser: from Giulia's pane,
 * every desk command from her own command menu or typed, and a button of
 * each pressed, refusals included (a broadcast cancelled, a volunteer
 * suspended then reinstated); the weekly figures' chart shown as an image and
 * their CSV as a file. With UPDATE_DOCS_SCREENSHOT=1 her pane with the chart
 * replaces docs/simulator-desk.png.
 */
warnIfNoBrowser();
const shots = join('test-results', 'simulator');
let t: SimBrowser;

// Monday 23 November 2026, 10:00 in Rome: the elder's first check-in is Tuesday 09:00.
const start = new Date('2026-11-23T09:00:00Z');
const extraNames = ['Ada', 'Bice', 'Carlo', 'Dora', 'Ennio', 'Fede', 'Gino', 'Ida', 'Lia', 'Mario'];

beforeAll(async () => {
  if (skipBrowser) return;
  // Twice the pixels: the docs screenshot of one narrow pane stays readable.
  t = await openSimulator(start, 2);
  // A zone larger than the demo's one elder, so that /today and /elders have pages to turn.
  const { deps } = t.sim.runtime;
  const elder = demoPeople(deps.network, start.toISOString()).find((d) => d.key === 'elder')!.person;
  for (const [i, name] of [...extraNames, ...extraNames.slice(0, 6)].entries()) {
    const ref: ChannelRef = { channel: 'telegram', id: String(200_001 + i) };
    const person: Person = {
      ...elder,
      id: `extra-elder-${i + 1}`,
      name: `${name} Prova ${i + 1}`,
      channels: [ref],
      checkInTime: null,
    };
    await deps.store.createPerson(person, ref);
  }
  mkdirSync(shots, { recursive: true });
}, 90_000);

afterAll(() => t?.close());

describe.skipIf(skipBrowser)('the mediator desk in the simulator', () => {
  it('Giulia runs every desk command from her pane and presses their buttons; the chart and the CSV show', async () => {
    const { page, sim } = t;
    const { pane, button, says } = paneHelpers(page);
    const giulia = pane('mediator');
    const type = async (text: string) => {
      await page.locator('#pane-mediator-input').fill(text);
      await page.locator('#pane-mediator-input').press('Enter');
    };
    await page.goto(sim.url);
    await giulia.waitFor();

    // Her / menu is a mediator's, as Telegram shows the chat's own commands: the desk, no elder's commands.
    await giulia.getByRole('button', { name: 'START' }).click();
    await says('mediator', /Che piacere rivederti/);
    await giulia.locator('.commands summary').click();
    const menu = await giulia.locator('.commands .menu-items button').allTextContents();
    const commands = menu.map((item) => /^\/(\w+)/.exec(item)?.[1]);
    for (const c of ['today', 'elders', 'volunteers', 'alerts', 'requests', 'broadcast', 'figures']) {
      expect(commands).toContain(c);
    }
    expect(commands).not.toContain('invite');
    expect(commands).not.toContain('pause');
    await giulia.screenshot({ path: join(shots, '5-mediator-menu.png') });

    // /today from the menu: seventeen elders on two pages; Next edits the list in place.
    await giulia.getByRole('button', { name: /^\/today — / }).click();
    await says('mediator', /Oggi, lunedì 23 novembre · pagina 1 di 2/);
    await button('mediator', 'Avanti ›').click();
    await says('mediator', /Oggi, lunedì 23 novembre · pagina 2 di 2/);
    const edited = giulia.locator('.message', { hasText: /pagina 2 di 2/ }).last();
    expect(await edited.locator('.meta').textContent()).toMatch(/^edited /);
    await expect.poll(() => giulia.getByText(/pagina 1 di 2/).count()).toBe(0);

    // /elders: three pages of seven, forward and back.
    await type('/elders');
    await says('mediator', /Persone della tua zona: 17 · pagina 1 di 3/);
    await button('mediator', 'Avanti ›').click();
    await says('mediator', /pagina 2 di 3/);
    await button('mediator', '‹ Indietro').click();
    await says('mediator', /Persone della tua zona: 17 · pagina 1 di 3/);

    // /volunteers: Carla suspended, then reinstated; she is told each time.
    await type('/volunteers');
    await says('mediator', /Volontari della zona: 4/);
    await says('mediator', /In attesa di approvazione\s+• Dario Demo/);
    await button('mediator', '⏸️ Sospendi Carla Demo').click();
    await says('mediator', /Fatto: Carla Demo non riceve più richieste/);
    await says('carla', /pausa|sospes/i);
    await button('mediator', '▶️ Riattiva Carla Demo').click();
    await says('mediator', /Fatto: Carla Demo riceve di nuovo le richieste/);
    await expect.poll(() => button('mediator', '⏸️ Sospendi Carla Demo').count()).toBe(1);

    // /pending: Dario's card shows what he entered, phone included; Giulia approves him.
    await type('/pending');
    await says('mediator', /Nuova iscrizione al volontariato:\s+Dario Demo[\s\S]*Telefono: \+39000000100107/);
    await button('mediator', '✅ Approva').click();
    await says('mediator', /Iscrizione di Dario Demo approvata/);
    await expect.poll(() => button('mediator', '✅ Approva').count()).toBe(0);

    // The elder asks for shopping; /requests shows it and Giulia asks Bruno by hand.
    await button('elder', 'START').click();
    await button('elder', '🙋 Chiedi un volontario').click();
    await button('elder', 'Spesa').click();
    await button('elder', 'Oggi').click();
    await button('elder', 'Salta').click();
    await button('elder', 'No').click();
    await says('elder', /Richiesta inviata: Spesa, oggi/);
    await type('/requests');
    await button('mediator', '👥 Assegna un volontario').click();
    await button('mediator', /^Bruno/).click();
    await says('mediator', /Ho chiesto a Bruno se può andare/);
    await says('bruno', /Giulia ti chiede se puoi aiutare: Spesa, oggi/);

    // /broadcast: volunteers, a text, the preview; Cancel sends nothing, then the same again is sent.
    const broadcast = async (text: string) => {
      await type('/broadcast');
      await says('mediator', /A chi vuoi scrivere\?/);
      await button('mediator', '🙋 Volontari').click();
      await says('mediator', /Scrivi qui il messaggio/);
      await type(text);
      await says('mediator', /Destinatari: 4 \(volontari\)\. Lo invio\?/);
    };
    await broadcast('Prova annullata: non deve arrivare.');
    await button('mediator', 'Annulla').click();
    await says('mediator', /Va bene, non ho inviato niente/);
    // The cancelled preview keeps no button to send it after all.
    await expect.poll(() => giulia.getByRole('button', { name: '📣 Invia' }).count()).toBe(0);
    await broadcast('Giovedì alle 18 ci vediamo in parrocchia per un caffè.');
    await button('mediator', '📣 Invia').click();
    await says('mediator', /Messaggio inviato/);
    for (const v of ['anna', 'bruno', 'carla']) await says(v, /ci vediamo in parrocchia/);
    expect(
      await pane('anna')
        .getByText(/Prova annullata/)
        .count(),
    ).toBe(0);

    // Tuesday: the 09:00 question goes unanswered; /alerts lists the alert and Giulia takes it.
    await page.getByLabel('Jump to').fill('2026-11-24T10:45');
    await page.getByRole('button', { name: 'Jump and tick' }).click();
    await expect
      .poll(() => page.locator('#clock-log').textContent(), { timeout: 90_000 })
      .toMatch(/^Ticked at/);
    expect(await page.locator('#clock-log').textContent()).toMatch(/10:30 mediator alerted/);
    await type('/alerts');
    await says('mediator', /Avvisi aperti: \d+\./);
    const listed = giulia.locator('.message', { hasText: /Aperto il 24\/11 alle 10:30/ }).last();
    await listed.getByRole('button', { name: '🙋 Me ne occupo io' }).click();
    await says('mediator', /Te ne occupi tu: avviso su Nonna/);

    // /figures: the text, the chart as an image the browser decoded, and the CSV as a file.
    await type('/figures');
    await says('mediator', /I numeri di Nord/);
    const chart = giulia.locator('img.photo').last();
    await chart.waitFor();
    type Img = { complete: boolean; naturalWidth: number };
    await expect
      .poll(() =>
        chart.evaluate((img) =>
          (img as unknown as Img).complete ? (img as unknown as Img).naturalWidth : 0,
        ),
      )
      .toBeGreaterThan(0);
    // A click opens it full size, as a tap on a photo in Telegram.
    const src = await chart.getAttribute('src');
    expect(await giulia.locator('a.photo-link').last().getAttribute('href')).toBe(src);
    const csvLink = giulia.getByRole('link', { name: /^vicini-figures-nord-2026-W48\.csv$/ });
    await csvLink.waitFor();
    const csv = await (await fetch(new URL((await csvLink.getAttribute('href'))!, sim.url))).text();
    // Last week's column is the demo's seeded history: Nonna asked seven days.
    expect(csv).toMatch(/^metric,nord 2026-W47,nord 2026-W48,/);
    expect(csv).toMatch(/\ncheckins_prompted,7,1,/);
    await page.locator('#pane-mediator-input').blur();
    await giulia
      .locator('.chat')
      .evaluate((list) => ((list as unknown as { scrollTop: number }).scrollTop = 1e6));
    await giulia.screenshot({ path: join(shots, '5-mediator-desk.png') });
    if (process.env.UPDATE_DOCS_SCREENSHOT) await giulia.screenshot({ path: 'docs/simulator-desk.png' });

    const refused = sim.api.calls.filter((c) => !c.ok && c.method !== 'getUpdates');
    expect(refused).toEqual([]);
  }, 400_000);
});
