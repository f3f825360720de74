#!/usr/bin/env node
// The one build: tsc (JavaScript), tsc (declarations of the programmatic API), then the generated config schema.
//   --clean     remove dist/ first (prepack: the tarball never carries files of deleted sources)
//   --if-stale  build only when the sources changed since the last build (the hunt:* scripts of a source checkout:
//               a fresh clone builds on first use, a rebuilt tree starts at once)
// Staleness is a hash of every input (src/, tsconfigs, this script, the schema generator, the TypeScript version),
// written to dist/.build-hash after a successful build, so an edit, a `git pull` or a new TypeScript rebuilds.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stampFile = path.join(dist, '.build-hash');
const args = new Set(process.argv.slice(2));
const require = createRequire(import.meta.url);

function files(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function inputsHash() {
  const hash = createHash('sha256');
  const inputs = [
    ...files(path.join(root, 'src')),
    path.join(root, 'tsconfig.json'),
    path.join(root, 'tsconfig.types.json'),
    path.join(root, 'scripts', 'build.mjs'),
    path.join(root, 'scripts', 'gen-schemas.mjs'),
  ];
  for (const f of inputs)
    hash
      .update(`${path.relative(root, f)}\0`)
      .update(readFileSync(f))
      .update('\0');
  hash.update(require('typescript/package.json').version);
  return hash.digest('hex');
}

function run(argv, what) {
  const res = spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    process.stderr.write(`build: ${what} failed (exit ${res.status ?? res.signal})\n`);
    process.exit(res.status || 1);
  }
}

const hash = inputsHash();
if (args.has('--if-stale') && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash) process.exit(0);
if (args.has('--if-stale')) process.stderr.write('build: sources changed since the last build (or never built); building dist/ first\n');
if (args.has('--clean')) rmSync(dist, { recursive: true, force: true });
rmSync(stampFile, { force: true });
const tsc = require.resolve('typescript/bin/tsc');
run([tsc, '-p', 'tsconfig.json'], 'tsc');
run([tsc, '-p', 'tsconfig.types.json'], 'tsc (API declarations)');
run([path.join(root, 'scripts', 'gen-schemas.mjs')], 'schema generation');
writeFileSync(stampFile, `${hash}\n`);
