import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type WaPerson, type WhatsAppWorld } from '../support/channels.js';
import { askForHelp, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import type { ChatUser, ChatWorld, Person, World } from '../support/world.js';

type Items = Record<string, unknown>[];

/** Asks for /mydata and reads the file that came back, on either channel. */
async function myData(
  world: ChatWorld,
  p: ChatUser,
): Promise<{ items: Items; text: string; said: string[] }> {
  const before = p.texts().length;
  await p.send('/mydata');
  let text: string;
  if (world.channel === 'telegram') {
    const tg = p as Person;
    const call = (world as World).api
      .callsTo('sendDocument')
      .filter((c) => c.params.chat_id === tg.chatId)
      .at(-1)!;
    text = (call.params.document as { content: string }).content;
  } else {
    const wa = world as WhatsAppWorld;
    const number = (p as WaPerson).wa.number;
    const sent = wa.api.calls.filter(
      (c) =>
        c.status === 200 &&
        JSON.stringify(c.body).includes('"document"') &&
        (c.body as { to?: string }).to === number,
    );
    text = wa.api.mediaContent((sent.at(-1)!.body as { document: { id: string } }).document.id)!;
  }
  return { items: (JSON.parse(text) as { items: Items }).items, text, said: p.texts().slice(before) };
}

describe.each(['telegram', 'whatsapp'] as const)('/mydata on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it("an elder's requests and what is kept about her; a volunteer's tasks, with only what is hers to see", async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const maria = await onboardElder(world, { address: 'Via dei Mille 5', phone: { type: '333 765 4321' } });
    const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: giulia });
    const bruno = await onboardVolunteer(world, 'Bruno', 'Casazza', { approvedBy: giulia });
    const mariaId = (await world.personOf(maria))!.id;
    await askForHelp(maria, { note: 'La ricetta è sul tavolo' });
    const [request] = await world.runtime.deps.requests.requestsOf(mariaId);
    await bruno.press('Non questa volta');
    if (world.channel === 'whatsapp')
      // Anna's answer and card cannot be sent (the Cloud API refuses them): both are kept, the card about Maria.
      (world as WhatsAppWorld).api.fail((anna as WaPerson).wa.number, { code: 100, times: 2 });
    await anna.press('✅ Ci vado io');

    // Maria: her request, and on WhatsApp that a message about her is kept, not what it says.
    const elder = await myData(world, maria);
    expect(elder.items.filter((i) => i.entity === 'request').map((i) => i.id)).toEqual([request!.id]);
    expect(elder.text).toContain('Via dei Mille 5');
    const aboutHer = elder.items.filter((i) => i.entity === 'delivery');
    if (world.channel === 'whatsapp') {
      expect(aboutHer).toEqual([expect.objectContaining({ state: 'failed', aboutYou: true })]);
      expect(JSON.stringify(aboutHer)).not.toMatch(/message|Anna/);
      expect(elder.said.some((t) => /Messaggi non consegnati conservati per te o su di te: 1/.test(t))).toBe(
        true,
      );
    } else expect(aboutHer).toEqual([]);

    // Anna: the task she holds, her part in it, nothing of Maria (not even her id).
    const mine = await myData(world, anna);
    const tasks = mine.items.filter((i) => i.entity === 'task');
    expect(tasks).toEqual([
      expect.objectContaining({
        requestId: request!.id,
        category: 'pharmacy',
        state: 'assigned',
        yours: 'assigned',
      }),
    ]);
    for (const secret of [mariaId, 'Maria', 'Via dei Mille', '333 765', '3337654321', 'ricetta'])
      expect(mine.text, secret).not.toContain(secret);
    expect(mine.said.some((t) => /Richieste che ti sono arrivate: 1\. Fatte da te: 0\./.test(t))).toBe(true);
    if (world.channel === 'whatsapp')
      // Her own kept card is hers to see (without the details, which are read live).
      expect(mine.items.filter((i) => i.entity === 'delivery')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            state: 'failed',
            message: expect.objectContaining({
              replies: [],
              live: expect.objectContaining({ kind: 'assignment' }),
            }),
          }),
        ]),
      );

    // Bruno said no: the task is listed as declined.
    const his = await myData(world, bruno);
    expect(his.items.filter((i) => i.entity === 'task')).toEqual([
      expect.objectContaining({ requestId: request!.id, yours: 'declined' }),
    ]);
    expect(his.text).not.toContain(mariaId);

    // Done: Anna's data says so.
    // (On WhatsApp her card was kept, never shown: she presses its Done as the card would carry it.)
    if (world.channel === 'whatsapp') await anna.pressForged(/./, `a:rd:${request!.id}`);
    else await anna.press('✅ Fatto');
    const after = await myData(world, anna);
    expect(after.items.filter((i) => i.entity === 'task')).toEqual([
      expect.objectContaining({ state: 'done', yours: 'done', doneAt: expect.any(String) }),
    ]);
    expect(after.said.some((t) => /Fatte da te: 1\./.test(t))).toBe(true);
  }, 200_000);
});
