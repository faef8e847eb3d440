import { afterEach } from 'vitest';
import { checkAll } from './invariants.js';

// After every test, each world still open is checked against the rules that never bend.
afterEach(async () => {
  const problems = await checkAll();
  if (problems.length) throw new Error(`Invariants broken:\n${problems.join('\n')}`);
});
