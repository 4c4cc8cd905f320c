import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

/**
 * Test projects, by what they need to run:
 * - dashboard, functions: nothing but Node (component tests use jsdom, network is MSW).
 * - integration, e2e: the whole emulator suite (`npm test` starts it; files run one at a time
 *   because each clears the emulators' data when it starts).
 * - the tools carry their own configs.
 */
export default defineConfig({
  test: {
    projects: [
      mergeConfig(viteConfig, {
        test: {
          name: 'dashboard',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
          setupFiles: ['src/testing/setup-tests.ts'],
        },
      }),
      {
        test: {
          name: 'functions',
          environment: 'node',
          include: ['functions/src/**/*.test.ts'],
          exclude: ['functions/src/**/*.int.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['functions/src/**/*.int.test.ts', 'scripts/**/*.int.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      'tools/firestore-emulator/vitest.config.ts',
      'tools/stripe-stand-in/vitest.config.ts',
    ],
  },
});
