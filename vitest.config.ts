import { defineConfig } from 'vitest/config';

// e2e tests spawn real processes and bind real ports; keep them from starving each other on 2 cores. The
// timeouts are for hangs, not speed: CI runs the suite beside a CPU hog (.ci/run).
export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    // This suite may itself run on GitHub Actions: hunt processes it spawns must not annotate or summarise that job.
    // NODE_EXTRA_CA_CERTS (CI images point it at the system bundle) makes every Node process parse that bundle at
    // start-up, about 30 ms of CPU each (measured: `perf stat node -e 0`, 103 vs 63 ms); the suite starts well over a
    // thousand Node processes (hunt, the sample gateway and its CLI) and none of them makes a TLS connection.
    env: { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', NODE_EXTRA_CA_CERTS: '' },
    projects: [
      {
        extends: true,
        // In-process tests (and the hostile corpus, which spawns the CLI) share a worker's module cache: none of them
        // mocks a module or changes process.env/cwd, and a fresh process per file was a quarter of the suite's CPU.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/hostile/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        // *.slow.test.ts (the packed tarball installed with npm and pnpm) runs as `npm run test:package`. Not isolated
        // either, for the same reason (measured: 338 -> 307 s of CPU for the whole suite): each file works in its own
        // temp dirs and ports, and none mocks a module or writes process.env.
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: ['test/**/*.slow.test.ts'], isolate: false },
      },
    ],
  },
});
