import * as z from 'zod';

/**
 * How big a morning wave the deployed tick is sized for, from the CDK context (cdk.json's
 * `context`, or `npm run deploy -- -c vicini:tickGroups=16 -c vicini:tickMemoryMb=1769`): the
 * number of workers a heavy minute fans out to and the tick's memory. Unset, the stack's defaults
 * (8 workers, 512 MB: a few thousand elders asked in the same minute; BENCHMARKS.md has the model).
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
