import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { loadNetworkFile } from '../../bot/config/network.js';
import { startSimulation, type Simulation } from '../../simulator/start.js';
import { testTable } from './dynamo.js';

/**
 * The simulator in Debian's Chromium driven by playwright-core (no browser
 * download). Without Chromium a browser test says it was not run; under
 * CI=true (as `.ci/run` sets) a missing browser fails it.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const browserRequired = process.env.CI === 'true';
export const browserHere = existsSync(chromiumPath);
export const skipBrowser = !browserHere && !browserRequired;

export function warnIfNoBrowser(): void {
  if (!skipBrowser) return;
  console.warn(
    `Browser test NOT RUN: no Chromium at ${chromiumPath}. Install it with ` +
      '`sudo apt-get install chromium fonts-noto-color-emoji` (or set CHROMIUM_PATH); with CI=true it is required.',
  );
}

export interface SimBrowser {
  sim: Simulation;
  browser: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * The demo simulator on a free port from `start`, without the per-minute tick, and a page on it
 * (`deviceScaleFactor` 2 for sharper screenshots).
 */
export async function openSimulator(start: Date, deviceScaleFactor = 1): Promise<SimBrowser> {
  if (!browserHere) {
    throw new Error(
      `CI=true and no browser at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH).`,
    );
  }
  const { doc, tableName } = await testTable();
  const sim = await startSimulation({
    doc,
    table: tableName,
    network: loadNetworkFile('network/brescia.json'),
    port: 0,
    start,
    minuteTick: false,
  });
  const userDataDir = mkdtempSync(join(tmpdir(), 'vicini-chromium-'));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1800, height: 980 },
    deviceScaleFactor,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(15_000);
  return {
    sim,
    browser,
    page,
    async close() {
      await browser.close();
      await sim.stop();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A pane, its newest button by label, and waiting for a message in it. */
export function paneHelpers(page: Page) {
  const pane = (id: string): Locator => page.locator(`#pane-${id}`);
  const button = (id: string, name: string | RegExp): Locator =>
    pane(id)
      .getByRole('button', { name, exact: typeof name === 'string' })
      .last();
  const says = (id: string, text: string | RegExp): Promise<void> =>
    pane(id).locator('.message').getByText(text).last().waitFor();
  return { pane, button, says };
}
