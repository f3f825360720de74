import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:package`: the package as users get it (test/e2e/package-install.slow.test.ts). It needs the npm
// registry and spends a few minutes of CPU in npm and pnpm, so it is its own step (CI runs it after `npm test`)
// instead of doubling the suite a developer runs after every change.
// It talks to the registry over TLS: the suite's cleared NODE_EXTRA_CA_CERTS (vitest.config.ts) would leave npm without
// a CA this machine's registry connection needs (`npm install pnpm@10`: SELF_SIGNED_CERT_IN_CHAIN), so it keeps the
// caller's value.
export default defineConfig({
  test: {
    ...base.test,
    projects: undefined,
    include: ['test/**/*.slow.test.ts'],
    env: { ...base.test?.env, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '' },
  },
});
