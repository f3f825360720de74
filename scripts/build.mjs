#!/usr/bin/env node
// The one build, and the only TypeScript run of `npm test`. Two things run side by side:
//   - scripts/typecheck.mjs: TypeScript 7's native tsc checks every file of src/ and test/ (tsconfig.test.json,
//     incremental: its build info is dist/.typecheck.tsbuildinfo, so a rebuild re-checks what changed and what
//     depends on it) and writes the declarations of the programmatic API (tsconfig.api.json: dist/index.d.ts and the
//     modules it imports);
//   - esbuild, meanwhile: dist/**/*.js from src/**/*.ts file by file (no bundling: the same layout and modules tsc
//     emits; tsconfig.json's `isolatedModules` makes tsc reject what a per-file transpiler cannot compile, and its
//     target/useDefineForClassFields give the same class-field semantics), then the generated config schema, then
//     the CLI bundle: dist/bundle/ holds dist/cli.js and every module it loads (dependencies included) in a few
//     chunks, one lazily loaded chunk per command, so a run resolves and compiles a handful of files instead of ~250
//     (on Node 20 the ESM loader's per-file cost was most of a short `hunt collect`). bin/hunt.js runs the bundle; the
//     programmatic API (dist/index.js, its .d.ts) and the scan worker (dist/scan/worker.js) stay per-file modules.
// The build fails (exit 1, tsc's messages) when any file of src/ or test/ does not type-check: `npm test` and prepack
// need no other tsc run.
// No source maps anywhere.
//   --clean     remove dist/ first (prepack: the tarball never carries files of deleted sources, and the type check
//               starts from scratch)
//   --if-stale  build only when the sources changed since the last build (the hunt:* scripts of a source checkout:
//               a fresh clone builds on first use, a rebuilt tree starts at once)
// Staleness is a hash of every input of dist/ (src/, tsconfigs, the build scripts, the lockfile, the TypeScript and
// esbuild versions), written to dist/.build-hash after a successful build, so an edit, a `git pull` or a new compiler
// rebuilds. test/ is checked but is no input of dist/: editing a test does not make the hunt:* scripts rebuild.
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
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
    path.join(root, 'tsconfig.test.json'),
    path.join(root, 'tsconfig.api.json'),
    path.join(root, 'scripts', 'build.mjs'),
    path.join(root, 'scripts', 'typecheck.mjs'),
    path.join(root, 'scripts', 'gen-schemas.mjs'),
    path.join(root, 'scripts', 'precompile.mjs'),
    // the bundle carries the shipped schemas and templates compiled (the config schema is generated from src/)
    ...files(path.join(root, 'schemas')).filter((f) => !f.endsWith('hunt-config.schema.json')),
    ...files(path.join(root, 'templates')),
    // the bundle carries the dependencies: a changed lockfile rebuilds it
    ...[path.join(root, 'package-lock.json')].filter((f) => existsSync(f)),
  ];
  for (const f of inputs)
    hash
      .update(`${path.relative(root, f)}\0`)
      .update(readFileSync(f))
      .update('\0');
  hash.update(require('typescript/package.json').version).update('\0').update(require('esbuild/package.json').version);
  return hash.digest('hex');
}

/** Runs a Node script; throws (after its own output on the inherited stderr) when it fails. */
function run(argv, what) {
  const res = spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status ?? res.signal})`);
}

/** Starts scripts/typecheck.mjs in its own process (esbuild works meanwhile). */
function startTypecheck() {
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'typecheck.mjs')], { cwd: root, stdio: 'inherit' });
  return new Promise((resolve) => {
    child.once('error', (err) => resolve(`could not start (${err.message})`));
    child.once('exit', (code, signal) => resolve(code === 0 ? null : `exit ${code ?? signal}`));
  });
}

const hash = inputsHash();
if (args.has('--if-stale') && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash) process.exit(0);
if (args.has('--if-stale')) process.stderr.write('build: sources changed since the last build (or never built); building dist/ first\n');
if (args.has('--clean')) rmSync(dist, { recursive: true, force: true });
rmSync(stampFile, { force: true });
const checked = startTypecheck();
let failed = null;
try {
  await emitJs();
  run([path.join(root, 'scripts', 'gen-schemas.mjs')], 'schema generation');
  await bundleCli();
} catch (err) {
  failed = err;
}
// the type check's verdict first: when both fail, tsc's messages are the ones that explain
const typeError = await checked;
if (typeError) process.stderr.write(`build: type check (scripts/typecheck.mjs) failed (${typeError})\n`);
if (failed) process.stderr.write(`build: ${failed.message}\n`);
if (typeError || failed) process.exit(1);
writeFileSync(stampFile, `${hash}\n`);

/**
 * dist/<dir>/<module>.js: each src/ module transpiled on its own, as tsc would emit it (ES2022, ESM, class fields with define
 * semantics, type-only imports dropped). esbuild takes those settings from tsconfig.json; the target is given here.
 */
async function emitJs() {
  const src = path.join(root, 'src');
  const { build } = await import('esbuild');
  await build({
    entryPoints: files(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
    outdir: dist,
    outbase: src,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    tsconfig: path.join(root, 'tsconfig.json'),
    sourcemap: false,
    logLevel: 'warning',
  });
}

/**
 * dist/bundle/: the CLI as ESM chunks of the same depth as dist/<dir>/, so module-relative paths (`../..` is the
 * package root; the scan worker's `../../dist/scan/worker.js`) resolve as they do from the per-file output.
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
    plugins: [zodWithoutLocales(), precompiledAssets()],
    // the validated-profile cache (src/config/profile-cache.ts) keys its entries by the build that accepted them
    define: { __HUNT_BUILD_ID__: JSON.stringify(hash) },
  });
  // The sample gateway as one CommonJS file beside its per-file modules (dist/sample-gateway/gateway.cjs, what
  // bin/hunt-sample-gateway.js loads): its module-relative URLs (./worker.js, ../../bin/) resolve as from main.js, and a
  // CommonJS start skips the ES module loader (~20 ms of CPU for each of the hundreds of starts of a suite).
  await build({
    entryPoints: [path.join(dist, 'sample-gateway', 'main.js')],
    outfile: path.join(dist, 'sample-gateway', 'gateway.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    banner: { js: "const __huntImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__huntImportMetaUrl' },
    sourcemap: false,
    legalComments: 'eof',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  // The scan worker as one file, dist/bundle/worker.js, found by the bundled pool as its `./worker.js`: a thread of a
  // full scan starts by loading its script, and ~30 separate modules took it ~100 ms before it read a byte.
  await build({
    entryPoints: [path.join(dist, 'scan', 'worker.js')],
    outfile: path.join(out, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    sourcemap: false,
    legalComments: 'eof',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
}

/**
 * dist/report/precompiled.js (no compiled forms: compile at run time) is replaced in the bundle by the shipped schemas
 * and templates compiled now (scripts/precompile.mjs; src/report/precompiled.ts says why and how they stay current).
 */
function precompiledAssets() {
  const target = path.join(dist, 'report', 'precompiled.js');
  return {
    name: 'precompiled-assets',
    setup(b) {
      b.onLoad({ filter: /[\\/]report[\\/]precompiled\.js$/ }, async (a) => {
        if (path.resolve(a.path) !== target) return undefined;
        const { precompiledSource } = await import('./precompile.mjs');
        return { contents: precompiledSource(root), loader: 'js', resolveDir: root };
      });
    },
  };
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
