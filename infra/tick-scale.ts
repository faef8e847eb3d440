import * as z from 'zod';

/**
 * How big a morning wave the deployed tick is sized for, from the CDK context (cdk.json's
 * `context`, or `npm run deploy -- -c vicini:tickGroups=16 -c vicini:tickMemoryMb=3008`): the
 * number of groups a heavy minute fans out to (one tick worker each) and the tick worker's memory.
 * Unset, the stack's defaults (8 groups, 1,769 MB: 100k prompts due in one minute in about 52 s by
 * BENCHMARKS.md's model). The scheduled tick itself stays at 512 MB whatever these say.
 */
export interface TickScale {
  tickGroups?: number;
  tickMemoryMb?: number;
}

/** A `-c` value arrives as a string, a cdk.json one as a number: both are read as a whole number. */
const whole = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();
const shape = z.object({
  'vicini:tickGroups': whole(1, 16),
  'vicini:tickMemoryMb': whole(128, 10_240),
});

export class TickScaleError extends Error {
  override name = 'TickScaleError';
}

export function tickScale(context: (key: string) => unknown): TickScale {
  const parsed = shape.safeParse({
    'vicini:tickGroups': context('vicini:tickGroups'),
    'vicini:tickMemoryMb': context('vicini:tickMemoryMb'),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new TickScaleError(
      `Bad tick size in the CDK context (${problems}): vicini:tickGroups is 1–16, vicini:tickMemoryMb 128–10240.`,
    );
  }
  const { 'vicini:tickGroups': tickGroups, 'vicini:tickMemoryMb': tickMemoryMb } = parsed.data;
  return {
    ...(tickGroups !== undefined ? { tickGroups } : {}),
    ...(tickMemoryMb !== undefined ? { tickMemoryMb } : {}),
  };
}
