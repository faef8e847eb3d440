import { describe, expect, it } from 'vitest';
import { ConfigError, telegramPacingFromEnv } from '../../bot/config/env.js';

describe('the outbox sender’s Telegram pacing', () => {
  it('keeps headroom by default: 28 a second, a burst of 3, then one per 1,050 ms', () => {
    expect(telegramPacingFromEnv({})).toEqual({ perSecond: 28, perChatMs: 1050, perChatBurst: 3 });
  });

  it('takes other values from the environment', () => {
    const env = {
      TELEGRAM_SEND_PER_SECOND: '25',
      TELEGRAM_SEND_PER_CHAT_MS: '1200',
      TELEGRAM_SEND_PER_CHAT_BURST: '1',
    };
    expect(telegramPacingFromEnv(env)).toEqual({ perSecond: 25, perChatMs: 1200, perChatBurst: 1 });
  });

  it('refuses, naming each, a pace over Telegram’s limits or not a number', () => {
    const env = {
      TELEGRAM_SEND_PER_SECOND: '31',
      TELEGRAM_SEND_PER_CHAT_MS: '900',
      TELEGRAM_SEND_PER_CHAT_BURST: 'x',
    };
    expect(() => telegramPacingFromEnv(env)).toThrowError(ConfigError);
    expect(() => telegramPacingFromEnv(env)).toThrowError(
      /TELEGRAM_SEND_PER_SECOND is not valid: at most 30[\s\S]*TELEGRAM_SEND_PER_CHAT_MS is not valid: at least 1000[\s\S]*TELEGRAM_SEND_PER_CHAT_BURST is not valid/,
    );
  });
});
