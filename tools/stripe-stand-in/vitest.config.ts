import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'stripe-stand-in',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
