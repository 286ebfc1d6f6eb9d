import { defineConfig } from 'vitest/config';

// Several suites start real servers, child processes, Redis and Chromium on a 2-core machine.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser and multi-process suites compete for two cores: keep parallelism modest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
