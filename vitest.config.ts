import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // The rules that never bend, checked after every test on every world still open (test/support/invariants.ts).
    setupFiles: ['test/support/invariants-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Node 20 is supported by the SDK versions pinned here; its notice about 2027 is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
