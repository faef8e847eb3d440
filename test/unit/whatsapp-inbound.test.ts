import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classify, GraphApiError } from '../../bot/adapters/channels/whatsapp/graph-api.js';
import { parseWebhook } from '../../bot/adapters/channels/whatsapp/inbound.js';
import { validSignature } from '../../bot/adapters/channels/whatsapp/webhook.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';

const phoneNumberId = '106540352242922';
const now = new Date('2026-11-21T09:00:00Z');
const fake = new FakeGraphApi(phoneNumberId, 'token', [], () => now.getTime());
const user = { number: '393331234567', name: 'Maria Rossi' };
const parse = (body: object) => parseWebhook(body, phoneNumberId, now);
const input = (body: object) => parse(body)!.messages[0]!.message?.input;

describe('parseWebhook', () => {
  it('reads a text message with its sender, time and profile name', () => {
    const [message] = parse(fake.userSends(user, 'Via Roma 1'))!.messages;
    expect(message).toMatchObject({
      from: user.number,
      at: now,
      message: {
        ref: { channel: 'whatsapp', id: user.number },
        hints: { firstName: 'Maria Rossi' },
        input: { kind: 'text', text: 'Via Roma 1' },
      },
    });
    expect(message!.id).toMatch(/^wamid\./);
  });

  it('reads commands, the elder’s two buttons typed, and cuts text beyond what any step takes', () => {
    expect(input(fake.userSends(user, '/start rAbCdEfGh12'))).toEqual({
      kind: 'command',
      command: 'start',
      arg: 'rAbCdEfGh12',
    });
    expect(input(fake.userSends(user, '/HELP'))).toEqual({ kind: 'command', command: 'help', arg: '' });
    expect(input(fake.userSends(user, '🆘 Ho bisogno di aiuto'))).toEqual({ kind: 'button', data: 'a:help' });
    expect(input(fake.userSends(user, "😊 I'm fine"))).toEqual({ kind: 'button', data: 'a:ok' });
    const long = input(fake.userSends(user, 'x'.repeat(5000)));
    expect(long).toEqual({ kind: 'text', text: 'x'.repeat(1001) });
  });

  it('reads reply buttons, list rows and template quick replies as button data', () => {
    const shown = (kind: 'buttons' | 'list' | 'template') => ({ id: 'wamid.1', kind, text: '', choices: [] });
    expect(input(fake.userTaps(user, shown('buttons'), 's:lang:it'))).toEqual({
      kind: 'button',
      data: 's:lang:it',
    });
    expect(input(fake.userTaps(user, shown('list'), 's:hood:mompiano'))).toEqual({
      kind: 'button',
      data: 's:hood:mompiano',
    });
    expect(input(fake.userTaps(user, shown('template'), 'a:cf:2026-11-21'))).toEqual({
      kind: 'button',
      data: 'a:cf:2026-11-21',
    });
    // WhatsApp's own buttons: the person's own number, and "show me the waiting messages".
    expect(input(fake.userTaps(user, shown('buttons'), 'w:contact'))).toEqual({
      kind: 'contact',
      phone: '+393331234567',
      own: true,
    });
    const held = parse(fake.userTaps(user, shown('template'), 'w:held'))!.messages[0]!;
    expect(held).toMatchObject({ showHeld: true, message: null });
  });

  it('reads locations, voice notes and shared contacts (own or someone else’s)', () => {
    expect(input(fake.userSharesLocation(user, 45.56, 10.23))).toEqual({
      kind: 'location',
      lat: 45.56,
      lon: 10.23,
    });
    expect(input(fake.userSendsVoice(user))).toMatchObject({
      kind: 'voice',
      fileId: expect.stringMatching(/^wa:\d+$/),
    });
    expect(input(fake.userSharesContact(user, '+39 333 123 4567'))).toEqual({
      kind: 'contact',
      phone: '+39 333 123 4567',
      own: true,
    });
    expect(input(fake.userSharesContact(user, '+39 02 1234', false))).toEqual({
      kind: 'contact',
      phone: '+39 02 1234',
      own: false,
    });
  });

  it('answers unknown types and malformed messages as unsupported, ignores reactions', () => {
    expect(input(fake.inbound(user, { type: 'image', image: { id: '1' } }))).toEqual({ kind: 'unsupported' });
    expect(input(fake.inbound(user, { type: 'text', text: { body: 42 } }))).toEqual({ kind: 'unsupported' });
    expect(
      input(fake.inbound(user, { type: 'location', location: { latitude: 200, longitude: 0 } })),
    ).toEqual({
      kind: 'unsupported',
    });
    expect(
      parse(fake.inbound(user, { type: 'reaction', reaction: { emoji: '👍' } }))!.messages[0]!.message,
    ).toBeNull();
  });

  it('reads failed statuses as delivery failures, and ignores other numbers and other fields', () => {
    const failed = {
      id: 'wamid.9',
      status: 'failed',
      timestamp: '1',
      recipient_id: user.number,
      errors: [{ code: 131026 }],
    };
    const delivered = { ...failed, status: 'delivered', errors: undefined };
    expect(parse(fake.body({ statuses: [failed, delivered] }))).toEqual({
      messages: [],
      failures: [{ messageId: 'wamid.9', recipient: user.number, code: 131026 }],
      ignored: 0,
    });
    expect(parse(fake.body({ statuses: [failed] }, '999'))).toEqual({
      messages: [],
      failures: [],
      ignored: 1,
    });
  });

  it('refuses what is not a WhatsApp webhook body', () => {
    expect(parse({ object: 'page', entry: [] })).toBeNull();
    expect(parse({ object: 'whatsapp_business_account' })).toBeNull();
    expect(parse([])).toBeNull();
  });
});

describe('signatures and errors', () => {
  it('checks X-Hub-Signature-256 over the exact bytes', () => {
    const body = Buffer.from('{"a":"é"}');
    const real = `sha256=${createHmac('sha256', 'secret').update(body).digest('hex')}`;
    expect(validSignature(body, real, 'secret')).toBe(true);
    expect(validSignature(Buffer.from('{"a":"e"}'), real, 'secret')).toBe(false);
    expect(validSignature(body, undefined, 'secret')).toBe(false);
    expect(validSignature(body, real.toUpperCase(), 'secret')).toBe(false);
    expect(validSignature(body, real, 'another-secret')).toBe(false);
  });

  it('maps Cloud API errors: rate limits retried, window and undeliverable apart, setup never blamed on a message', () => {
    const e = (code: number | undefined, status = 400) => classify(new GraphApiError(status, code));
    expect([130429, 131048, 131056, 80007, 4].map((c) => e(c))).toEqual(Array(5).fill('throttled'));
    expect(e(131047)).toBe('windowClosed');
    expect(e(131026)).toBe('undeliverable');
    expect([e(190, 401), e(10, 403), e(131031)]).toEqual(['setup', 'setup', 'setup']);
    expect([e(131000, 500), e(undefined, 503), classify(new TypeError('fetch failed'))]).toEqual(
      Array(3).fill('transient'),
    );
    expect([e(131009), e(132001, 404), e(100)]).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
