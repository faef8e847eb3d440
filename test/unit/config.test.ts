import { describe, expect, it } from 'vitest';
import { ConfigError, envParts, parseEnv } from '../../bot/config/env.js';
import { loadNetworkFile, parseNetwork } from '../../bot/config/network.js';

describe('environment', () => {
  it('names every missing or bad variable at once', () => {
    const shape = { ...envParts.telegram, ...envParts.telegramUsername, ...envParts.webhook };
    let error: unknown;
    try {
      parseEnv(shape, { TELEGRAM_BOT_TOKEN: 'nope', TELEGRAM_WEBHOOK_SECRET: '' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('TELEGRAM_BOT_TOKEN is not valid');
    expect(message).toContain('TELEGRAM_BOT_USERNAME is missing');
    expect(message).toContain('TELEGRAM_WEBHOOK_SECRET is missing');
  });

  it('applies local defaults for the store', () => {
    expect(parseEnv(envParts.store, {})).toEqual({ TABLE_NAME: 'vicini', AWS_REGION: 'eu-south-1' });
  });
});

describe('network file', () => {
  it('ships a valid Brescia example with five zones, marked approximate', () => {
    const network = loadNetworkFile('network/brescia.json');
    expect(network.zones).toHaveLength(5);
    expect(network.approximate).toBe(true);
    expect(network.timeZone).toBe('Europe/Rome');
    for (const zone of network.zones) expect(zone.neighbourhoods.length).toBeLessThanOrEqual(10);
  });

  it('lists every problem with its path', () => {
    const network = loadNetworkFile('network/brescia.json');
    const broken = {
      ...network,
      timeZone: 'Mars/Olympus',
      defaultLanguage: 'en',
      languages: ['it'],
      checkIn: { ...network.checkIn, defaultTime: '25:00' },
    };
    expect(() => parseNetwork(broken)).toThrowError(
      /timeZone[\s\S]*checkIn\.defaultTime[\s\S]*defaultLanguage/,
    );
  });
});
