import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type WaPerson, type WhatsAppWorld } from '../support/channels.js';
import { forget, linkRelative, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import { World, type ChatUser, type ChatWorld, type Person } from '../support/world.js';
import {
  broadcast,
  cancelled,
  copies,
  elders,
  everyone,
  reportOf,
  resume,
  send,
  stop,
  volunteers,
} from '../support/broadcasting.js';

/**
 * `/broadcast`: a mediator writes to her zone's elders, their relatives, its
 * approved volunteers or everyone; a preview with the count, then Send. Quiet
 * hours hold it for elders and volunteers; each message carries "Stop these
 * messages"; the mediator gets a report once every message has an outcome.
 */

/** Send pressed twice: at once on Telegram (two updates of the same button), one after the other on WhatsApp. */
async function pressSendTwice(world: ChatWorld, m: ChatUser): Promise<void> {
  if (world instanceof World) {
    const p = m as Person;
    const { message, data } = p.findButton(send);
    const press = () => world.api.userPresses(p.tg, p.chatId, message.message_id, data);
    const answers = await Promise.all([world.deliver(press()), world.deliver(press())]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    await world.runtime.outbox.drain();
    return;
  }
  await m.press(send);
  await m.press(send);
}

describe.each(['telegram', 'whatsapp'] as const)('/broadcast on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it(
    'to volunteers reaches approved ones only, after a preview with the count; the report adds up',
    { timeout: 240_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const sara = await onboardMediator(world, 'Sara', 'sud');
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
      const pia = await onboardVolunteer(world, 'Pia', 'Mompiano');
      const dino = await onboardVolunteer(world, 'Dino', 'Casazza', { approvedBy: giulia });
      const ugo = await onboardVolunteer(world, 'Ugo', 'Don Bosco', { zone: 'Zona Sud', approvedBy: sara });
      const anna = await onboardElder(world, { name: 'Anna' });
      // Dino is suspended; Ezio, approved, cannot be reached (blocked the bot): left out, counted.
      const ezio = await onboardVolunteer(world, 'Ezio', 'Mompiano', { approvedBy: giulia });
      await giulia.send('/volunteers');
      await giulia.press('⏸️ Sospendi Dino');
      const ezioProfile = (await world.personOf(ezio))!;
      await world.store.savePerson(
        { ...ezioProfile, unreachableAt: world.clock.now().toISOString() },
        ezioProfile,
      );
      // Two days later: WhatsApp's window is closed for everyone who has not written since.
      world.clock.current = new Date('2026-11-23T09:00:00Z');

      await giulia.send('/broadcast');
      expect(giulia.lastText()).toMatch(/Messaggio alla zona Nord\*?\nA chi vuoi scrivere\?/);
      expect(giulia.taps()).toEqual(expect.arrayContaining([elders, '👪 Familiari', volunteers, everyone]));
      await giulia.press(volunteers);
      expect(giulia.lastText()).toMatch(/^Scrivi qui il messaggio/);
      await giulia.send('Giovedì alle 17 ci vediamo in parrocchia per il calendario di dicembre.');
      const texts = giulia.texts();
      expect(texts.at(-3)).toBe('Ecco come lo riceveranno, con un pulsante per non riceverne altri:');
      expect(texts.at(-2)).toMatch(
        /^📣 \*?Zona Nord\*? · un messaggio da Giulia\n\nGiovedì alle 17 ci vediamo in parrocchia per il calendario di dicembre\.$/,
      );
      expect(texts.at(-1)).toBe('Destinatari: 1 (volontari). Lo invio?');
      await giulia.press(send);

      expect(copies(vito, 'Giovedì alle 17')).toBe(1);
      for (const nobody of [pia, dino, ugo, anna, ezio, sara]) expect(copies(nobody, 'Giovedì')).toBe(0);
      expect(giulia.texts()).toContain(
        "📣 Messaggio inviato. Lo ricevono adesso: 1.\nQuando so com'è andata, ti mando il resoconto.",
      );
      const report = reportOf(giulia);
      expect(report).toHaveLength(1);
      expect(report[0]).toMatch(
        /Resoconto del messaggio di lunedì 23 novembre\*? \(volontari\)\nConsegnati: 1\nIn attesa su WhatsApp: 0\nNon consegnati: 0\nNon raggiungibili: 1$/,
      );
      if (world.channel === 'whatsapp') {
        // Outside the window it went as the approved template, its quick reply the way out.
        expect(vito.taps()).toContain('🔕 Basta messaggi');
      }
      // A volunteer cannot broadcast.
      await vito.send('/broadcast');
      expect(vito.lastText()).toBe('Questa funzione è riservata ai mediatori di prossimità.');
    },
  );

  it(
    'copies that fail or find someone unreachable while sending are counted in the report',
    { timeout: 180_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
      const pia = await onboardVolunteer(world, 'Pia', 'Casazza', { approvedBy: giulia });
      const dino = await onboardVolunteer(world, 'Dino', 'Mompiano', { approvedBy: giulia });
      await giulia.send('/broadcast');
      await giulia.press(volunteers);
      await giulia.send('Corso di primo soccorso martedì.');
      if (world instanceof World) {
        // The first copy sent finds the bot blocked.
        world.api.setFaults({ rate: 0, nth: 1, kinds: ['403'], methods: ['sendMessage'] });
        await giulia.press(send);
        world.api.setFaults(undefined);
        expect(reportOf(giulia)[0]).toMatch(
          /Consegnati: 2\nIn attesa su WhatsApp: 0\nNon consegnati: 0\nNon raggiungibili: 1$/,
        );
      } else {
        // Vito's number is not on WhatsApp any more; Pia's copy is refused for good.
        const wa = world as WhatsAppWorld;
        wa.api.fail((vito as WaPerson).wa.number, { code: 131026 });
        wa.api.fail((pia as WaPerson).wa.number, { code: 131009 });
        await giulia.press(send);
        expect(copies(dino, 'Corso di primo soccorso')).toBe(1);
        expect(reportOf(giulia)[0]).toMatch(
          /Consegnati: 1\nIn attesa su WhatsApp: 0\nNon consegnati: 1\nNon raggiungibili: 1$/,
        );
      }
      expect(reportOf(giulia)).toHaveLength(1);
    },
  );

  it(
    'to elders in quiet hours: held until they end, then delivered, and then the report',
    { timeout: 180_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T21:30:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const anna = await onboardElder(world, { name: 'Anna' });
      const luca = await linkRelative(world, anna);
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
      const bruna = await onboardElder(world, { name: 'Bruna' });

      await broadcast(giulia, everyone, 'Domani il centro resta chiuso.');
      // 22:30 in Brescia: the relative hears now, the elders and the volunteer in the morning.
      expect(copies(luca, 'Domani il centro')).toBe(1);
      expect(copies(anna, 'Domani il centro')).toBe(0);
      expect(copies(vito, 'Domani il centro')).toBe(0);
      expect(giulia.texts()).toContain(
        "📣 Messaggio inviato. Lo ricevono adesso: 1. Alle 08:00, finite le ore di riposo: 3.\nQuando so com'è andata, ti mando il resoconto.",
      );
      expect(reportOf(giulia)).toHaveLength(0);
      // Bruna leaves in the night: her copy is never sent, and the report does not wait for it.
      await forget(bruna);

      await world.tickAt('2026-11-22T06:59:00Z');
      expect(copies(anna, 'Domani il centro')).toBe(0);
      await world.tickAt('2026-11-22T07:00:00Z');
      expect(copies(anna, 'Domani il centro')).toBe(1);
      expect(copies(vito, 'Domani il centro')).toBe(1);
      expect(copies(luca, 'Domani il centro')).toBe(1);
      const report = reportOf(giulia);
      expect(report).toHaveLength(1);
      expect(report[0]).toMatch(
        /\(tutti\)\nConsegnati: 3\nIn attesa su WhatsApp: 0\nNon consegnati: 0\nNon raggiungibili: 1$/,
      );
      expect(copies(bruna, 'Domani il centro')).toBe(0);
    },
  );

  it(
    'to everyone in zone Nord reaches its elders, their relatives and volunteers, nobody in zone Sud',
    { timeout: 180_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const sara = await onboardMediator(world, 'Sara', 'sud');
      const anna = await onboardElder(world, { name: 'Anna' });
      const luca = await linkRelative(world, anna);
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
      const bruna = await onboardElder(world, { name: 'Bruna', zone: 'Zona Sud', hood: 'Don Bosco' });
      const marco = await linkRelative(world, bruna, { name: 'Marco' });
      const ugo = await onboardVolunteer(world, 'Ugo', 'Don Bosco', { zone: 'Zona Sud', approvedBy: sara });

      await giulia.send('/broadcast');
      await giulia.press(everyone);
      await giulia.send('Festa di quartiere sabato!');
      expect(giulia.lastText()).toBe('Destinatari: 3 (tutti). Lo invio?');
      await giulia.press(send);
      for (const p of [anna, luca, vito]) expect(copies(p, 'Festa di quartiere')).toBe(1);
      for (const p of [bruna, marco, ugo, sara]) expect(copies(p, 'Festa di quartiere')).toBe(0);
      expect(reportOf(giulia)[0]).toMatch(/Consegnati: 3\n/);
    },
  );

  it(
    'Cancel at each step, words where a button is expected, a voice note for the text: nothing is sent',
    { timeout: 180_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });

      // Cancel at the audience.
      await giulia.send('/broadcast');
      await giulia.press('Annulla');
      expect(giulia.lastText()).toBe(cancelled);

      // Words instead of the audience button: asked again. A voice note for the text: asked for text, the
      // audience kept. Words instead of Send: the preview again. Then Cancel at the preview.
      await giulia.send('/broadcast');
      await giulia.send('ai volontari');
      expect(giulia.texts().at(-2)).toBe('Per rispondere, tocca uno dei pulsanti.');
      expect(giulia.lastText()).toMatch(/A chi vuoi scrivere\?/);
      await giulia.press(volunteers);
      await giulia.sendVoice();
      expect(giulia.lastText()).toBe(
        'Qui serve un testo scritto: vocali e foto non posso mandarli a tutti. Scrivi il messaggio, per favore.',
      );
      await giulia.send('Riunione lunedì.');
      expect(giulia.lastText()).toBe('Destinatari: 1 (volontari). Lo invio?');
      await giulia.send('sì');
      expect(giulia.texts().at(-4)).toBe('Per rispondere, tocca uno dei pulsanti.');
      expect(giulia.lastText()).toBe('Destinatari: 1 (volontari). Lo invio?');
      await giulia.press('Annulla');
      expect(giulia.lastText()).toBe(cancelled);
      // The old preview's Send, pressed after Cancel: nothing goes out.
      const stale = 'Questo pulsante appartiene a una domanda precedente.';
      const toldStale = () =>
        world instanceof World
          ? world.api.callsTo('answerCallbackQuery').at(-1)?.params.text
          : giulia.lastText();
      if (world.channel === 'whatsapp') {
        await giulia.press(send);
        expect(toldStale()).toBe(stale);
      }
      // Send forged on another button (Telegram edits the old preview, so its Send is gone): the same.
      await giulia.pressForged(volunteers, 's:bc:send');
      expect(toldStale()).toBe(stale);

      // Cancel at the text.
      await giulia.send('/broadcast');
      await giulia.press(volunteers);
      await giulia.press('Annulla');
      expect(giulia.lastText()).toBe(cancelled);

      // A text too long is refused and can be sent again shorter.
      await giulia.send('/broadcast');
      await giulia.press(volunteers);
      await giulia.send('x'.repeat(701));
      expect(giulia.lastText()).toMatch(/^Il messaggio è troppo lungo: al massimo 700 caratteri/);
      await giulia.send('/cancel');

      expect(vito.texts().filter((t) => t.startsWith('📣'))).toEqual([]);
      expect((await world.scan()).filter((i) => i.entity === 'broadcast')).toEqual([]);
    },
  );

  it(
    'Send twice sends once; "Stop these messages" keeps the next broadcast away, twice is harmless, and it can be undone',
    { timeout: 180_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
      const pia = await onboardVolunteer(world, 'Pia', 'Casazza', { approvedBy: giulia });
      const vitoId = (await world.personOf(vito))!.id;

      await giulia.send('/broadcast');
      await giulia.press(volunteers);
      await giulia.send('Primo messaggio.');
      await pressSendTwice(world, giulia);
      expect(copies(vito, 'Primo messaggio.')).toBe(1);
      expect(copies(pia, 'Primo messaggio.')).toBe(1);
      expect(reportOf(giulia)).toHaveLength(1);
      expect(reportOf(giulia)[0]).toMatch(/Consegnati: 2\n/);

      await vito.press(stop);
      const stopped = /^🔕 Fatto: i messaggi della zona non ti arriveranno più\./;
      expect(vito.lastText()).toMatch(stopped);
      expect((await world.store.getPerson(vitoId))!.broadcastsOff).toBe(true);
      await vito.press(stop);
      expect(vito.lastText()).toMatch(stopped);
      expect((await world.store.getPerson(vitoId))!.broadcastsOff).toBe(true);

      await giulia.send('/broadcast');
      await giulia.press(volunteers);
      await giulia.send('Secondo messaggio.');
      expect(giulia.lastText()).toBe('Destinatari: 1 (volontari). Lo invio?');
      await giulia.press(send);
      expect(copies(pia, 'Secondo messaggio.')).toBe(1);
      expect(copies(vito, 'Secondo messaggio.')).toBe(0);
      expect(reportOf(giulia)).toHaveLength(2);

      // /profile says they are stopped, with the way back.
      await vito.send('/profile');
      expect(vito.lastText()).toMatch(/^🔕 I messaggi della zona sono fermi/);
      await vito.press(resume);
      expect(vito.lastText()).toBe('🔔 Fatto: i messaggi della zona ti arriveranno di nuovo.');
      await vito.send('/profile');
      expect(vito.lastText()).not.toMatch(/I messaggi della zona sono fermi/);
      expect((await world.store.getPerson(vitoId))!.broadcastsOff).toBeUndefined();
      await broadcast(giulia, volunteers, 'Terzo messaggio.');
      expect(copies(vito, 'Terzo messaggio.')).toBe(1);
      expect(copies(pia, 'Terzo messaggio.')).toBe(1);
    },
  );
});
