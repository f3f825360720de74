#!/usr/bin/env node
// The one build: tsc (JavaScript), tsc (declarations of the programmatic API), the generated config schema, then
// the CLI bundle: dist/bundle/ holds dist/cli.js and every module it loads (dependencies included) in a few chunks,
// one lazily loaded chunk per command, so a run resolves and compiles a handful of files instead of ~250 (on Node 20
// the ESM loader's per-file cost was most of a short `hunt collect`). bin/hunt.js runs the bundle; the programmatic
// API (dist/index.js, its .d.ts) and the scan worker stay plain tsc output. No source maps anywhere.
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
    // the bundle carries the dependencies: a changed lockfile rebuilds it
    ...[path.join(root, 'package-lock.json')].filter((f) => existsSync(f)),
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
await bundleCli();
writeFileSync(stampFile, `${hash}\n`);

/**
 * dist/bundle/: the CLI as ESM chunks of the same depth as dist/<dir>/, so module-relative paths (`../..` is the
 * package root; the scan worker's `../../dist/scan/worker.js`) resolve as they do from the tsc output.
 */
async function bundleCli() {
  const out = path.join(dist, 'bundle');
  rmSync(out, { recursive: true, force: true });
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(dist, 'cli.js')],
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    chunkNames: '[name]-[hash]',
    // CommonJS dependencies (ajv, handlebars) call require() for Node's own modules: give ESM chunks one.
    banner: { js: "import { createRequire as __huntCreateRequire } from 'node:module'; const require = __huntCreateRequire(import.meta.url);" },
    sourcemap: false,
    legalComments: 'eof',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    plugins: [zodWithoutLocales()],
    // the validated-profile cache (src/config/profile-cache.ts) keys its entries by the build that accepted them
    define: { __HUNT_BUILD_ID__: JSON.stringify(hash) },
  });
}

/**
 * zod re-exports its ~50 translations as `z.locales` (a namespace esbuild cannot tree-shake): 357 KB of the 1.1 MB a
 * `hunt collect` compiles at start-up. hunt never reads `z.locales` (zod's own English messages come from
 * locales/en.js, imported directly and left alone), so the bundle gets an empty namespace in its place.
 */
function zodWithoutLocales() {
  const inZod = /[\\/]node_modules[\\/]zod[\\/]/;
  return {
    name: 'zod-without-locales',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) => (inZod.test(a.importer) ? { path: 'zod-locales', namespace: 'hunt-empty' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'hunt-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
    },
  };
}
