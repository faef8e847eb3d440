import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppWorld } from '../support/channels.js';
import { askForHelp, onboardElder } from '../support/cast.js';

let world: WhatsAppWorld;
afterEach(async () => {
  await world.close();
});

/** The message ids (wamids) of the messages in a webhook body. */
function wamidsIn(body: object | string): string[] {
  const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as {
    entry?: { changes?: { value?: { messages?: { id: string }[] } }[] }[];
  };
  return (parsed.entry ?? []).flatMap((e) =>
    (e.changes ?? []).flatMap((c) => (c.value?.messages ?? []).map((m) => m.id)),
  );
}

describe('WhatsApp message ids', () => {
  it('are kept and logged only as hashes: no item and no log line holds a wamid', async () => {
    const lines: string[] = [];
    world = await WhatsAppWorld.start({
      at: '2026-11-21T09:00:00Z',
      logLine: (entry) => lines.push(JSON.stringify(entry)),
    });
    const wamids: string[] = [];
    const post = world.post.bind(world);
    world.post = (body, signature) => {
      wamids.push(...wamidsIn(body));
      return post(body, signature);
    };
    const maria = await onboardElder(world, { address: 'Via dei Mille 5', phone: 'this number' });
    await askForHelp(maria);
    // A reply the Cloud API refuses is kept as undeliverable and logged: by the hash of its turn.
    world.api.fail(maria.wa.number, { code: 100, times: 1 });
    await maria.send('/requests');
    // Meta's retry of a message already handled is still a duplicate.
    const last = world.api.userSends(maria.wa, '/help');
    expect((await post(last)).body).toBe('ok');
    expect((await post(last)).body).toBe('duplicate');
    wamids.push(...wamidsIn(last));

    expect(wamids.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.includes('kept as undeliverable'))).toBe(true);
    const items = await world.scan();
    expect(items.some((i) => i.entity === 'delivery' && i.state === 'failed')).toBe(true);
    expect(items.some((i) => String(i.SK).startsWith('TURN#whatsapp#'))).toBe(true);
    const table = JSON.stringify(items, (_k, v: unknown) => (v instanceof Set ? [...v] : v));
    for (const id of wamids) {
      // The id, and its part after "wamid." (the base64 that encodes the number).
      for (const part of [id, id.slice('wamid.'.length)]) {
        expect(table).not.toContain(part);
        expect(lines.filter((l) => l.includes(part))).toEqual([]);
      }
    }
  }, 120_000);
});
