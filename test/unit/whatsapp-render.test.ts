import { describe, expect, it } from 'vitest';
import { mainMenu } from '../../bot/app/conversation/menu.js';
import { escapeWhatsApp, fitTitle, splitText } from '../../bot/adapters/channels/whatsapp/format.js';
import { menuChoice } from '../../bot/adapters/channels/whatsapp/inbound.js';
import { renderReply, type Outgoing } from '../../bot/adapters/channels/whatsapp/render.js';
import { templateDefinitions } from '../../bot/adapters/channels/whatsapp/templates.js';
import { steps, type StepId } from '../../bot/flows/steps.js';
import type { Button, Reply } from '../../bot/flows/types.js';
import { langs } from '../../bot/core/i18n.js';
import { loadNetworkFile } from '../../bot/config/network.js';
import { validateMessage } from '../support/fake-graph-api.js';

const network = loadNetworkFile('network/brescia.json');
const number = '393400000001';
const render = (reply: Reply, lang = 'it') => renderReply(lang, reply, number);
const templates = templateDefinitions();

/** Each part as the Graph API would take it (the fake refuses what WhatsApp refuses). */
function accepted(parts: Outgoing[]) {
  return parts
    .filter((p) => p.type !== 'document')
    .map(
      (p) => validateMessage({ messaging_product: 'whatsapp', to: '393331234567', ...p }, templates).shown,
    );
}

const buttons = (...labels: string[]): Button[][] => labels.map((label, i) => [{ label, data: `a:t${i}` }]);

describe('a share button', () => {
  it('is dropped on WhatsApp: the text carries the link, the other buttons stay', () => {
    const reply: Reply = {
      text: 'link.inviteCreated',
      params: { link: { deepLink: 'rABC' }, hours: 72 },
      buttons: [
        [{ label: 'buttons.shareInvite', share: { payload: 'rABC', text: 'link.shareText' } }],
        [{ label: 'buttons.cancel', data: 'a:t0' }],
      ],
    };
    const shown = accepted(render(reply).parts);
    expect(shown.flatMap((s) => s.choices.map((c) => c.id))).toEqual(['a:t0']);
    expect(JSON.stringify(render({ ...reply, buttons: [reply.buttons![0]!] }).parts)).not.toContain('share');
  });
});

describe('every question of every flow', () => {
  const all = Object.keys(steps) as StepId[];
  const drafts = [
    { role: 'volunteer' as const, zoneId: 'centro' },
    { role: 'elder' as const, zoneId: 'nord', absences: [{ from: '2026-11-01', to: '2026-12-31' }] },
  ];
  it.each(langs.flatMap((lang) => all.map((id) => [lang, id] as const)))(
    '%s %s renders as messages WhatsApp accepts, with every choice tappable',
    (lang, id) => {
      for (const draft of drafts) {
        const context = {
          network,
          draft,
          hints: { firstName: 'Maria Antonietta Giuseppina Rossi' },
          today: '2026-11-21',
        };
        for (const reply of steps[id].ask(context)) {
          const rendered = render(reply, lang);
          const shown = accepted(rendered.parts);
          const data = (reply.buttons ?? []).flat().flatMap((b) => ('data' in b ? [b.data] : []));
          const choices = shown.flatMap((s) => s.choices.map((c) => c.id));
          expect([...choices, ...(rendered.menu ?? [])].sort()).toEqual(
            reply.keyboard === 'askContact' ? ['w:contact'] : [...data].sort(),
          );
        }
      }
    },
  );

  it.each(langs)('%s: the main menus render, the elder with the two big buttons as reply buttons', (lang) => {
    const elder = render(mainMenu({ id: 'e', lang, createdAt: '', channels: [], role: 'elder' })[0]!, lang);
    expect(accepted(elder.parts)[0]).toMatchObject({
      kind: 'buttons',
      choices: [{ id: 'a:ok' }, { id: 'a:help' }],
    });
    for (const role of ['relative', 'volunteer', 'mediator'] as const) {
      for (const reply of mainMenu({ id: 'p', lang, createdAt: '', channels: [], role }))
        accepted(render(reply, lang).parts);
    }
  });
});

describe('choosing the structure', () => {
  it('uses reply buttons for up to 3 labels that fit, taking the short variant of a long one', () => {
    const prompt: Reply = {
      text: 'checkin.prompt',
      params: { name: 'Maria' },
      buttons: [
        [{ label: 'keyboard.elderOk', data: 'a:cf:2026-11-21' }],
        [{ label: 'keyboard.elderHelp', data: 'a:ch:2026-11-21' }],
      ],
    };
    expect(accepted(render(prompt).parts)).toEqual([
      {
        kind: 'buttons',
        text: 'Buongiorno, Maria! ☀️ Come stai oggi?',
        choices: [
          { id: 'a:cf:2026-11-21', title: '😊 Sto bene' },
          { id: 'a:ch:2026-11-21', title: '🆘 Mi serve aiuto' },
        ],
      },
    ]);
  });

  it('uses a list when a label does not fit a button: cut at a word in the title, whole in the description', () => {
    const [shown] = accepted(
      render({ text: 'onboarding.time.question', buttons: buttons('onboarding.time.none', 'buttons.skip') })
        .parts,
    );
    expect(shown).toMatchObject({ kind: 'list' });
    expect(shown!.choices[0]).toEqual({
      id: 'a:t0',
      title: 'Non voglio la domanda…',
      description: 'Non voglio la domanda quotidiana',
    });
    expect(shown!.choices[1]).toEqual({ id: 'a:t1', title: 'Salta' });
  });

  it('flattens rows of several buttons into one list when there are 4 to 10', () => {
    const row = ['it', 'en', 'it', 'en'].map((l, i) => ({
      label: `languages.${l}`,
      data: `s:lang:${l}${i}`,
    }));
    const [shown] = accepted(render({ text: 'onboarding.lang.question', buttons: [row] }).parts);
    expect(shown).toMatchObject({ kind: 'list' });
    expect(shown!.choices.map((c) => c.id)).toEqual(row.map((b) => b.data));
  });

  it('falls back to numbered text, and remembers the menu, for more than 10 choices or a label beyond 72', () => {
    const many = render({
      text: 'onboarding.hood.question',
      params: { zone: 'Nord' },
      buttons: buttons(...Array(11).fill('buttons.skip')),
    });
    expect(many.menu).toHaveLength(11);
    expect(accepted(many.parts)[0]).toMatchObject({
      kind: 'text',
      text: expect.stringMatching(/\n1\. Salta\n2\. Salta[\s\S]*\n11\. Salta$/),
    });
    const long = render({
      text: 'onboarding.name.question',
      buttons: [
        [{ label: 'onboarding.name.useHint', params: { name: 'A'.repeat(80) }, data: 's:name:hint' }],
      ],
    });
    expect(long.menu).toEqual(['s:name:hint']);
    expect(menuChoice(' 1. ', long.menu)).toBe('s:name:hint');
    expect(menuChoice('2', long.menu)).toBeNull();
    expect(menuChoice('12 Via Roma', long.menu)).toBeNull();
  });
});

describe('text', () => {
  it('turns the locales’ markup into WhatsApp’s, and leaves user text as written, formatting nothing', () => {
    const [shown] = accepted(
      render({ text: 'link.request', params: { relative: 'Luca <b>Bianchi</b> *Rossi* _x_' } }).parts,
    );
    expect(shown!.text).toBe(
      '*Luca <b>Bianchi</b> ∗Rossi∗ ˍxˍ* vuole seguirti su Vicini come familiare. È una persona di famiglia?',
    );
    expect(escapeWhatsApp('a*b_c~d`e')).toBe('a∗bˍc∼dˋe');
  });

  it('builds invite links that open the bot’s chat with /start and the code typed', () => {
    const [shown] = accepted(
      render({ text: 'link.inviteCreated', params: { link: { deepLink: 'rAbC123xyz9' }, hours: 48 } }).parts,
    );
    expect(shown!.text).toContain('https://wa.me/393400000001?text=%2Fstart%20rAbC123xyz9');
  });

  it('sends a text too long for a body first, then the choice; splits text beyond 4096 at line breaks', () => {
    const long = 'x'.repeat(1100);
    const parts = render({
      text: 'onboarding.name.useHint',
      params: { name: long },
      buttons: buttons('buttons.skip'),
    }).parts;
    expect(accepted(parts).map((s) => s.kind)).toEqual(['text', 'buttons']);
    expect(accepted(parts)[1]!.text).toBe('Scegli qui sotto.');
    const text = `${'a'.repeat(3000)}\n${'b'.repeat(3000)}`;
    expect(splitText(text)).toEqual(['a'.repeat(3000), 'b'.repeat(3000)]);
    expect(fitTitle('😊😊😊😊😊😊😊😊😊😊😊😊', 20)).toHaveLength(19);
  });

  it('says on WhatsApp what is true there: edits are new messages, so the volunteer is asked to delete the details', () => {
    const [shown] = accepted(render({ text: 'request.doneStripped', edit: true }).parts);
    expect(shown!.text).toMatch(/cancella il messaggio con i dati della persona/);
  });
});

describe('keyboards, voice and documents', () => {
  it('asks for the location with the send-location button and for the phone with "use this number"', () => {
    expect(
      accepted(render({ text: 'onboarding.zone.orLocation', keyboard: 'askLocation' }).parts)[0],
    ).toMatchObject({ kind: 'location' });
    expect(
      accepted(render({ text: 'onboarding.phone.orShare', keyboard: 'askContact' }).parts)[0],
    ).toMatchObject({
      kind: 'buttons',
      choices: [{ id: 'w:contact', title: '📞 Usa questo numero' }],
    });
    expect(accepted(render({ text: 'common.cancelled', keyboard: 'remove' }).parts)[0]).toMatchObject({
      kind: 'text',
    });
  });

  it('passes on a WhatsApp voice note by its media id; one recorded on Telegram becomes a line of text', () => {
    const own = render({ text: 'request.voiceCaption', voice: 'wa:123456' }).parts;
    expect(own).toEqual([
      { type: 'text', text: { body: 'Nota vocale' } },
      { type: 'audio', audio: { id: '123456' } },
    ]);
    const other = accepted(render({ text: 'request.voiceCaption', voice: 'AwACAgQAAxkB' }).parts);
    expect(other).toEqual([
      expect.objectContaining({ kind: 'text', text: expect.stringMatching(/^Nota vocale\n🎤/) }),
    ]);
  });

  it('uploads a document and captions it', () => {
    const { parts } = render({
      text: 'privacy.mydata',
      params: { count: 3 },
      document: { filename: 'd.json', content: '{}' },
    });
    expect(parts).toEqual([
      {
        type: 'document',
        upload: { filename: 'd.json', content: '{}' },
        caption: expect.stringMatching(/3 elementi/),
      },
    ]);
  });
});
