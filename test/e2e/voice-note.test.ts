import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { forget, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import { withFaultAt } from '../support/faults.js';
import { World, type ChatUser, type ChatWorld, type Person } from '../support/world.js';

const voiceToo = '🎙️ Per riservatezza, cancella anche il messaggio vocale della richiesta.';

describe.each(['telegram', 'whatsapp'] as const)(
  "the elder's voice note in a volunteer's chat on %s",
  (channel) => {
    let world: ChatWorld;
    afterEach(async () => {
      expect(world.problems()).toEqual([]);
      await world.close();
    });

    /** Maria, Anna (approved) and Giulia; Maria asks with a voice note and Anna takes it. */
    async function voiceTask() {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const maria = await onboardElder(world, { address: 'Via dei Mille 5' });
      const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: giulia });
      const ask = async () => {
        await maria.press('🙋 Chiedi un volontario');
        await maria.press('Farmacia');
        await maria.press('Oggi');
        await maria.sendVoice();
        await maria.press('No');
        await anna.press('✅ Ci vado io');
        const mariaId = (await world.personOf(maria))!.id;
        const mine = await world.runtime.deps.requests.requestsOf(mariaId);
        return mine.find((r) => r.state === 'assigned')!;
      };
      return { maria, anna, ask };
    }

    /** Telegram's deleteMessage calls to this person's chat (none on WhatsApp, which cannot delete). */
    const deletions = (p: ChatUser) =>
      world.channel === 'telegram'
        ? (world as World).api
            .callsTo('deleteMessage')
            .filter((c) => c.params.chat_id === (p as Person).chatId)
        : [];

    it('deleted when the task is done, when the elder cancels and when she erases herself (WhatsApp: she is asked to)', async () => {
      const { maria, anna, ask } = await voiceTask();

      // Done: the voice note goes; a second (forged) Done deletes nothing more.
      let r = await ask();
      expect(anna.voices()).toBe(1);
      if (world.channel === 'telegram') expect(r.assignedVoiceMsg).toMatch(/^\d+:\d+$/);
      else expect(r.assignedVoiceMsg).toBeUndefined();
      await anna.press('✅ Fatto');
      await anna.pressForged(/./, `a:rd:${r.id}`);
      expect(anna.lastText()).toBe('Grazie! 💛 Come ti è sembrata la persona che hai aiutato?');
      if (world.channel === 'telegram') {
        expect(deletions(anna)).toHaveLength(1);
        expect(anna.voices()).toBe(0);
      } else {
        expect(anna.voices()).toBe(1);
        expect(anna.texts().filter((t) => t === voiceToo)).toHaveLength(1);
      }

      // Cancelled by Maria while Anna holds it.
      r = await ask();
      await maria.send('/requests');
      await maria.press(/Annulla/);
      if (world.channel === 'telegram') {
        expect(deletions(anna)).toHaveLength(2);
        expect(anna.voices()).toBe(0);
      } else expect(anna.texts().filter((t) => t === voiceToo)).toHaveLength(2);

      // Maria erases herself: her open request is cancelled and her voice note leaves Anna's chat.
      r = await ask();
      await forget(maria);
      expect((await world.runtime.deps.requests.getRequest(r.id))?.assignedVoiceMsg).toBeUndefined();
      if (world.channel === 'telegram') {
        expect(deletions(anna)).toHaveLength(3);
        expect(anna.voices()).toBe(0);
      } else expect(anna.texts().filter((t) => t === voiceToo)).toHaveLength(3);
    }, 200_000);
  },
);

describe('the voice note deleted when a DynamoDB call fails (Telegram)', () => {
  let world: World;
  afterEach(async () => {
    world.faults.failAt(0);
    expect(world.refusedCalls()).toEqual([]);
    await world.close();
  });

  it('Done with any call of its turn failing: the task done once, its voice note deleted once', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const maria = await onboardElder(world, { address: 'Via dei Mille 5' });
    const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: giulia });
    const deleted = () =>
      world.api.callsTo('deleteMessage').filter((c) => c.params.chat_id === anna.chatId).length;
    /** Maria asks with a voice note, Anna takes it, then presses Done with call `n` failing. */
    const done = async (n: number) => {
      await maria.press('🙋 Chiedi un volontario');
      await maria.press('Farmacia');
      await maria.press('Oggi');
      await maria.sendVoice();
      await maria.press('No');
      await anna.press('✅ Ci vado io');
      const { message, data } = anna.findButton('✅ Fatto');
      const before = deleted();
      const got = await withFaultAt(
        world,
        n,
        world.api.userPresses(anna.tg, anna.chatId, message.message_id, data),
      );
      const request = await world.runtime.deps.requests.getRequest(data.split(':')[2]!);
      return { ...got, state: request?.state, deleted: deleted() - before, voices: anna.voices() };
    };
    const clean = await done(0);
    expect(clean).toMatchObject({ state: 'done', deleted: 1, voices: 0 });
    const committed = clean.names.lastIndexOf('TransactWriteItemsCommand') + 1;
    expect(committed).toBeGreaterThan(2);
    for (let n = 1; n <= committed; n++) {
      const got = await done(n);
      expect(got, `fault at call ${n} (tries ${got.tries})`).toMatchObject({
        state: 'done',
        deleted: 1,
        voices: 0,
      });
    }
  }, 600_000);
});
