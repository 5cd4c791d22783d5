import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
    projects: [
      {
        // Pure cores and module tests: no servers (`npx vitest run --project unit`).
        extends: true,
        test: {
          name: 'unit',
          include: ['{model,collector,rules,alerter,dashboards,lab,compose}/test/**/*.test.ts'],
          // Two files at once (Vitest's default is one fewer than the cores: one, on a 2-core machine).
          maxWorkers: 2,
        },
      },
      {
        // Everything that talks to the real lab: one lab (3 brokers + influxd) per run, shared by every file.
        extends: true,
        test: {
          name: 'lab',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/lab/global-setup.ts'],
          // Files run one after another: fault drills break brokers the other files read.
          fileParallelism: false,
        },
      },
    ],
  },
});
