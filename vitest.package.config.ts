import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:package`: the package as users get it (test/e2e/package-install.slow.test.ts). It needs the npm
// registry and spends a few minutes of CPU in npm and pnpm, so it is its own step (CI runs it after `npm test`)
// instead of doubling the suite a developer runs after every change.
export default defineConfig({
  test: { ...base.test, projects: undefined, include: ['test/**/*.slow.test.ts'] },
});
