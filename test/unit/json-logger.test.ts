import { afterEach, describe, expect, it } from 'vitest';
import { JsonLogger } from '../../bot/adapters/logger.js';

const saved = process.env._X_AMZN_TRACE_ID;
afterEach(() => {
  if (saved === undefined) delete process.env._X_AMZN_TRACE_ID;
  else process.env._X_AMZN_TRACE_ID = saved;
});

function capture(level?: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger(
    'tick',
    (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    level,
  );
  return { logger, lines };
}

describe('the Lambdas’ JSON logger (bot/adapters/logger.ts)', () => {
  it('writes one JSON line per entry: level, message, timestamp, service, trace id, then the fields', () => {
    process.env._X_AMZN_TRACE_ID =
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const { logger, lines } = capture();
    logger.warn('outbox records to retry', { count: 2, deferred: 1 });
    expect(lines).toEqual([
      {
        level: 'WARN',
        message: 'outbox records to retry',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        service: 'tick',
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        count: 2,
        deferred: 1,
      },
    ]);
  });

  it('writes an Error as its name, message and stack, and a bigint as digits', () => {
    delete process.env._X_AMZN_TRACE_ID;
    const { logger, lines } = capture();
    logger.error('tick worker failed', { error: new RangeError('boom'), n: 10n });
    expect(lines[0]).toMatchObject({
      level: 'ERROR',
      error: { name: 'RangeError', message: 'boom', stack: expect.stringContaining('RangeError: boom') },
      n: '10',
    });
    expect(lines[0]).not.toHaveProperty('xray_trace_id');
  });

  it('leaves out what is below the configured level (INFO without one; an unknown level is INFO)', () => {
    for (const [level, written] of [
      [undefined, ['INFO', 'WARN', 'ERROR']],
      ['warn', ['WARN', 'ERROR']],
      ['DEBUG', ['DEBUG', 'INFO', 'WARN', 'ERROR']],
      ['LOUD', ['INFO', 'WARN', 'ERROR']],
    ] as const) {
      const { logger, lines } = capture(level);
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      expect(lines.map((l) => l.level)).toEqual(written);
    }
  });
});
