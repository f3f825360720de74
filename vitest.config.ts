import { defineConfig } from 'vitest/config';

// e2e tests spawn real processes and bind real ports; keep them from starving each other on 2 cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    // This suite may itself run on GitHub Actions: hunt processes it spawns must not annotate or summarise that job.
    env: { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' },
  },
});
