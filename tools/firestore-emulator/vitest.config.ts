import { defineConfig } from 'vitest/config';

/**
 * The conformance suite. It talks to FIRESTORE_EMULATOR_HOST when that is set (for instance
 * Google's emulator), otherwise test/global-setup.ts starts the Keymeter emulator. Files run one
 * at a time: the machines are small and shared, and the concurrency tests measure contention.
 */
export default defineConfig({
  test: {
    name: 'firestore-emulator',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-env.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
