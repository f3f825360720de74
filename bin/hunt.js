#!/usr/bin/env node
// Thin launcher: all logic lives in dist/cli.js (built by `npm run build`; `npm pack` builds it for the package).
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (err) {
  // Only a source checkout lacks dist/ (the package always ships it): say how to build instead of a stack trace.
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli.js')) throw err;
  process.stderr.write('hunt: dist/ is not built in this source checkout: run `npm run build` (the hunt:* scripts build on first use)\n');
  process.exit(70);
}
// A reader that stops early (`hunt --help | head`) closes the pipe: stop writing, never crash with EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
cli.main(process.argv).then((code) => {
  process.exitCode = code;
});
