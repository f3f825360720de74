#!/usr/bin/env node
// Thin launcher: all logic lives in dist/cli.js (built by `npm run build` / `prepare`).
import { main } from '../dist/cli.js';
// A reader that stops early (`hunt --help | head`) closes the pipe: stop writing, never crash with EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
main(process.argv).then((code) => {
  process.exitCode = code;
});
