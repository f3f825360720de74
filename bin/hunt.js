#!/usr/bin/env node
// Thin launcher: all logic lives in dist/cli.js (built by `npm run build` / `prepare`).
import { main } from '../dist/cli.js';
main(process.argv).then((code) => {
  process.exitCode = code;
});
