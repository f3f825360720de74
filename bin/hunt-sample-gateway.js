#!/usr/bin/env node
// Thin launcher for the bundled demo daemon (src/sample-gateway), bundled as one CommonJS file: the gate and the chaos
// matrix start it hundreds of times, and without the ES module loader each start costs ~20 ms less CPU.
'use strict';
let gateway;
try {
  gateway = require('../dist/sample-gateway/gateway.cjs');
} catch (err) {
  if (err?.code !== 'MODULE_NOT_FOUND' || !String(err.message).includes('gateway.cjs')) throw err;
  process.stderr.write('hunt-sample-gateway: dist/ is not built in this source checkout: run `npm run build`\n');
  process.exit(70);
}
gateway.main(process.argv.slice(2));
