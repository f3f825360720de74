import { defineConfig } from 'vitest/config';

// e2e tests spawn real processes and bind real ports; keep them from starving each other on 2 cores. The
// timeouts are for hangs, not speed: CI runs the suite beside a CPU hog (.ci/run).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // *.slow.test.ts (the packed tarball installed with npm and pnpm) runs as `npm run test:package`
    exclude: ['**/node_modules/**', 'test/**/*.slow.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    // This suite may itself run on GitHub Actions: hunt processes it spawns must not annotate or summarise that job.
    env: { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' },
  },
});
