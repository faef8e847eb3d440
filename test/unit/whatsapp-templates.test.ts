import { describe, expect, it } from 'vitest';
import { escapeUser } from '../../bot/adapters/channels/whatsapp/format.js';
import {
  conventionalName,
  templateConfig,
  templateDefinitions,
  templateFor,
  templateSpecs,
  updatesMessage,
} from '../../bot/adapters/channels/whatsapp/templates.js';
import { envParts, parseEnv } from '../../bot/config/env.js';
import type { Reply } from '../../bot/flows/types.js';
import { hasKey, langs } from '../../bot/core/i18n.js';
import { validateMessage } from '../support/fake-graph-api.js';

const config = templateConfig();
const channel = { escape: escapeUser, deepLink: (p: string) => p };
const prompt: Reply = {
  text: 'checkin.prompt',
  params: { name: 'Maria *M*' },
  buttons: [
    [{ label: 'keyboard.elderOk', data: 'a:cf:2026-11-22' }],
    [{ label: 'keyboard.elderHelp', data: 'a:ch:2026-11-22' }],
  ],
};

describe('templates', () => {
  it('stand in for a templated reply: numbered body parameters, quick replies carrying the buttons’ data', () => {
    expect(templateFor(config, 'en', prompt, channel)).toEqual({
      type: 'template',
      template: {
        name: 'vicini_checkin_prompt',
        language: { code: 'en' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: 'Maria ∗M∗' }] },
          {
            type: 'button',
            sub_type: 'quick_reply',
            index: '0',
            parameters: [{ type: 'payload', payload: 'a:cf:2026-11-22' }],
          },
          {
            type: 'button',
            sub_type: 'quick_reply',
            index: '1',
            parameters: [{ type: 'payload', payload: 'a:ch:2026-11-22' }],
          },
        ],
      },
    });
  });

  it('pass nested texts as one flat parameter (no markup, no line breaks), as the alert card needs', () => {
    const card: Reply = {
      text: 'alert.card',
      params: {
        phone: '+39 333',
        more: {
          lines: [
            { t: 'alert.line.zone', params: { zone: 'Nord' } },
            { t: 'alert.line.streak', params: { count: 2 } },
          ],
        },
        body: {
          t: 'alert.kind.missedCheckIn',
          params: { name: 'Maria\nRossi', hood: 'Mompiano', time: '09:00' },
        },
      },
      buttons: [[{ label: 'buttons.handling', data: 'a:ak:m.e1.2026-11-22' }]],
    };
    const message = templateFor(config, 'it', card, channel)!;
    const body = message.template.components![0] as { parameters: { text: string }[] };
    expect(body.parameters.map((p) => p.text)).toEqual([
      'Maria Rossi (Mompiano) non ha risposto alla domanda delle 09:00, né al promemoria.',
      '+39 333',
      'Zona Nord ⚠️ 2 giorni di fila senza risposta',
    ]);
    expect(
      validateMessage(
        { messaging_product: 'whatsapp', to: '393331234567', ...message },
        templateDefinitions(),
      ).shown.text,
    ).toBe(
      '🔔 Maria Rossi (Mompiano) non ha risposto alla domanda delle 09:00, né al promemoria.\nTelefono: +39 333\nZona Nord ⚠️ 2 giorni di fila senza risposta',
    );
  });

  it('are none for a reply without one, a language without a code, too few buttons, a voice note', () => {
    expect(templateFor(config, 'it', { text: 'request.coming' }, channel)).toBeNull();
    expect(templateFor(config, 'de', prompt, channel)).toBeNull();
    expect(templateFor(config, 'it', { ...prompt, buttons: [] }, channel)).toBeNull();
    expect(
      templateFor(templateConfig({ names: { 'checkin.prompt': '' } }), 'it', prompt, channel),
    ).toBeNull();
  });

  it('are named vicini_<key> unless configured; WHATSAPP_TEMPLATES changes names and languages', () => {
    expect(conventionalName('alert.ackedBy')).toBe('vicini_alert_acked_by');
    const env = parseEnv(envParts.whatsapp, {
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_BUSINESS_NUMBER: '393400000001',
      WHATSAPP_ACCESS_TOKEN: 'EAA0123456789abcdefghij',
      WHATSAPP_TEMPLATES: '{"names":{"checkin.prompt":"buongiorno"},"languages":{"it":"it","en":"en_GB"}}',
    });
    const custom = templateConfig(env.WHATSAPP_TEMPLATES);
    expect(custom.names['checkin.prompt']).toBe('buongiorno');
    expect(custom.names['checkin.reminder']).toBe('vicini_checkin_reminder');
    expect(templateFor(custom, 'en', prompt, channel)?.template.language).toEqual({ code: 'en_GB' });
    expect(() => parseEnv(envParts.whatsapp, { ...env, WHATSAPP_TEMPLATES: '{"names": [' } as never)).toThrow(
      /WHATSAPP_TEMPLATES is not valid/,
    );
  });

  it('come with what to submit for approval: every body in every language, numbered, with its button labels', () => {
    const defs = templateDefinitions();
    expect(defs).toHaveLength((Object.keys(templateSpecs).length + 1) * langs.length);
    expect(defs.find((d) => d.name === 'vicini_checkin_missed_relative' && d.language === 'it')).toEqual({
      name: 'vicini_checkin_missed_relative',
      language: 'it',
      body: '⚠️ {{1}} non ha ancora risposto alla domanda quotidiana delle {{2}}. Puoi fare una telefonata per sapere come sta? Telefono: {{3}}',
      quickReplies: ['✅ Ci ho parlato'],
    });
    for (const spec of Object.values(templateSpecs))
      for (const key of spec.quickReplies) expect(hasKey(key)).toBe(true);
    expect(updatesMessage(config, 'it')?.template.components).toEqual([
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '0',
        parameters: [{ type: 'payload', payload: 'w:held' }],
      },
    ]);
    expect(updatesMessage(templateConfig({ updates: '' }), 'it')).toBeNull();
  });
});
