import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'stripe-stand-in',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // The machines running this are small and shared: a couple of files at a time is plenty.
    maxWorkers: 2,
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
