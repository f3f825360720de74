import { existsSync } from 'node:fs';

// e2e tests spawn the built bin; `npm test` builds first. Fail loudly instead of testing stale code.
export default function setup(): void {
  if (!existsSync(new URL('../dist/cli.js', import.meta.url))) {
    throw new Error('dist/ is missing: run `npm run build` (or `npm test`, which builds first)');
  }
}
