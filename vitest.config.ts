import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    // One real lab (3 brokers + influxd) per run, shared by every file.
    globalSetup: ['test/lab/global-setup.ts'],
    // Files run one after another: fault drills break brokers the other files read.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
