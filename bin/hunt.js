#!/usr/bin/env node
// Thin launcher: all logic lives in dist/bundle/cli.js (dist/cli.js bundled by `npm run build`; `npm pack` builds it
// for the package), or the per-file dist/cli.js when the bundle is missing. CommonJS (bin/package.json), like the
// sample gateway's launcher beside it, whose start-up is cheaper without the ES module loader; this one imports the
// ES module bundle.
'use strict';
const nodeModule = require('node:module');
const os = require('node:os');
const path = require('node:path');

// Node >= 22.1 can keep V8's compiled code between runs: under the user's cache directory (never inside the
// package, which may be read-only), unless NODE_COMPILE_CACHE names one. Node 20 has no such API: nothing happens.
if (typeof nodeModule.enableCompileCache === 'function' && !process.env.NODE_COMPILE_CACHE) {
  try {
    const home = os.homedir();
    const base = process.env.XDG_CACHE_HOME || (process.platform === 'darwin' ? path.join(home, 'Library', 'Caches') : path.join(home, '.cache'));
    nodeModule.enableCompileCache(path.join(base, 'hunt', 'compile'));
  } catch {
    /* no home, or an unwritable cache: run uncached */
  }
}

const missing = (err, file) => err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(file);

async function load() {
  try {
    return await import('../dist/bundle/cli.js');
  } catch (err) {
    if (!missing(err, 'dist/bundle/cli.js')) throw err;
    try {
      return await import('../dist/cli.js');
    } catch (err2) {
      // Only a source checkout lacks dist/ (the package always ships it): say how to build instead of a stack trace.
      if (!missing(err2, 'dist/cli.js')) throw err2;
      process.stderr.write('hunt: dist/ is not built in this source checkout: run `npm run build` (the hunt:* scripts build on first use)\n');
      process.exit(70);
    }
  }
}

load().then((cli) => {
  // A reader that stops early (`hunt --help | head`) closes the pipe: stop writing, never crash with EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  return cli.main(process.argv).then((code) => {
    process.exitCode = code;
  });
});
