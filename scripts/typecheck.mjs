#!/usr/bin/env node
// The build's TypeScript step (scripts/build.mjs runs it beside esbuild, which emits the JavaScript). Two runs of
// TypeScript 7's native `tsc`, side by side:
//   - the check: every file of tsconfig.test.json (src/ and test/), nothing emitted; incremental like
//     `tsc --incremental` (dist/.typecheck.tsbuildinfo keeps each file's hash and diagnostics, so a rebuild re-checks
//     only what changed and what depends on it, and an unchanged broken file still fails);
//   - the API's declarations: tsconfig.api.json, a program of src/index.ts and the src/ modules it imports, emitted as
//     <module>.d.ts into dist/ (what `tsc -p` over src/index.ts alone writes; the package's `types`).
// TypeScript 7 is the Go port: it checks the whole program in ~2 s of wall time where TypeScript 5.9's one program took
// ~8 s (12 s of CPU) and was the longest part of `npm test` before the first test ran. Its binary comes from the npm
// registry (the platform package is an optional dependency of `typescript`, like esbuild's).
// Exit 1 with tsc's own diagnostics when either run fails; `rm -rf dist` or `build.mjs --clean` checks from scratch.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// typescript's `exports` hides bin/: find it beside the package's manifest
const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

/** Runs tsc with `args`; resolves to its exit status and its diagnostics (tsc prints them on stdout). */
function runTsc(args) {
  return new Promise((resolve) => {
    const pretty = process.stderr.isTTY && !process.env.NO_COLOR ? ['--pretty'] : ['--pretty', 'false'];
    const child = spawn(process.execPath, [tsc, ...args, ...pretty], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', (err) => resolve({ ok: false, out: `could not start ${tsc}: ${err.message}\n` }));
    child.once('close', (code, signal) => resolve({ ok: code === 0, out: out || (code === 0 ? '' : `tsc exited ${code ?? signal}\n`) }));
  });
}

const [check, api] = await Promise.all([
  runTsc(['-p', 'tsconfig.test.json', '--noEmit', '--incremental', '--tsBuildInfoFile', path.join('dist', '.typecheck.tsbuildinfo')]),
  runTsc(['-p', 'tsconfig.api.json']),
]);
// one diagnostic can show up in both runs (a src/ module of the API): print it once
const seen = new Set();
const lines = `${check.out}${api.out}`.split('\n').filter((l) => l.trim() !== '' && !seen.has(l) && seen.add(l));
if (lines.length) process.stderr.write(`${lines.join('\n')}\n`);
if (!check.ok || !api.ok) {
  process.stderr.write(`typecheck: failed (${[!check.ok && 'tsconfig.test.json', !api.ok && 'tsconfig.api.json'].filter(Boolean).join(', ')})\n`);
  process.exit(1);
}
