import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // The rules that never bend, checked after every test on every world still open (test/support/invariants.ts).
    setupFiles: ['test/support/invariants-setup.ts'],
    // Most of a test's time is spent waiting on DynamoDB Local and the loopback Bot API, so two
    // workers overlap well even on two cores. The code takes its dependencies as arguments and
    // keeps no state in modules, so a worker may keep its modules loaded from one file to the
    // next instead of importing the SDK, grammY and i18next again for each of the ~90 files.
    maxWorkers: 2,
    isolate: false,
    // Hang guards only: every test runs on virtual time, and none asserts how long it took.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Node 20 is supported by the SDK versions pinned here; its notice about 2027 is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
