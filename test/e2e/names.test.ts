import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { ui } from '../support/labels.js';
import type { ChatWorld } from '../support/world.js';

/** Names are shown to elders and volunteers: cleaned, and never one that passes for the service. */
describe.each(['telegram', 'whatsapp'] as const)('names on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it('refuses a name that imitates the service, saying why, and cleans invisible characters', async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const u = world.user('Sara');
    await u.send('/start');
    await u.press(ui.it.language);
    await u.press(ui.it.elder);
    await u.send('Vicini – Servizi Sociali (ufficiale)');
    expect(u.texts().join('\n')).toContain('potrebbe sembrare quello del servizio');
    await u.send('\u202Eanna\u200B');
    await u.press(ui.it.zoneNord);
    const person = await world.personOf(u);
    expect(person).not.toBeNull();
    // The name is kept in the flow until onboarding ends: read it from the table.
    const flow = (await world.scan()).find((i) => i.entity === 'flow' && i.PK === `P#${person!.id}`);
    expect((flow?.data as { name?: string } | undefined)?.name).toBe('Anna');
  });
});
