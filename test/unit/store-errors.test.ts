import { describe, expect, it } from 'vitest';
import * as errors from '../../bot/core/errors.js';

describe('the store errors (bot/core/errors.ts)', () => {
  it('each names itself as it is exported, so a minified bundle still logs which one it was', () => {
    const classes = (Object.entries(errors) as [string, unknown][]).filter(
      (e): e is [string, new (arg: string) => Error] =>
        typeof e[1] === 'function' && (e[1] as { prototype: unknown }).prototype instanceof errors.StoreError,
    );
    expect(classes.length).toBeGreaterThanOrEqual(12);
    for (const [exported, ErrorClass] of classes) expect(new ErrorClass('x').name).toBe(exported);
  });
});
