import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/leak-guard.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
