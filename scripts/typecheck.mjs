#!/usr/bin/env node
// The build's one TypeScript program (scripts/build.mjs runs it beside esbuild, which emits the JavaScript): checks
// every file of tsconfig.test.json (src/ and test/), then writes the declarations of the programmatic API (src/index.ts
// and every src/ module it imports, as `tsc -p` over src/index.ts alone would) to dist/ as <module>.d.ts.
// One program instead of three: the check of src/ is the same work whether tests are in the program or not, and each
// extra program parsed and checked src/ again (4 to 10 s of CPU each on the 2-core CI machine).
// Incremental like `tsc --incremental`: dist/.typecheck.tsbuildinfo keeps each file's hash and diagnostics, so a
// rebuild re-checks only what changed and what depends on it (TypeScript's own builder decides; errors are kept too,
// so an unchanged broken file still fails). `rm -rf dist` or `build.mjs --clean` (prepack) checks from scratch.
// Exit 1 with tsc's own diagnostics when anything fails to check; declarations are still written (as tsc does).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const ts = createRequire(import.meta.url)('typescript');

const parsed = loadConfig(path.join(root, 'tsconfig.test.json'));
const options = {
  ...parsed.options,
  noEmit: false,
  declaration: true,
  emitDeclarationOnly: true,
  // never written there: emitted files are placed by writeDeclaration (test/ shares the program, so rootDir is '.')
  outDir: path.join(root, '.tsc-unused'),
  declarationDir: undefined,
};
const buildInfo = path.join(dist, '.typecheck.tsbuildinfo');
const incremental = { ...options, incremental: true, tsBuildInfoFile: buildInfo };
const builder = ts.createIncrementalProgram({
  rootNames: parsed.fileNames,
  options: incremental,
  host: ts.createIncrementalCompilerHost(incremental),
  configFileParsingDiagnostics: parsed.errors,
});
const program = builder.getProgram();

// The API's declarations are written on every run: their diagnostics (e.g. an exported function's inferred type that
// cannot be named) come from emitting, which happens outside the builder, so the build info does not keep them. getPreEmitDiagnostics would run the
// declaration emitter over all ~340 files just for its diagnostics. Emitting first checks the API's modules in the
// order `tsc -p` over src/index.ts does, so the .d.ts text is the same (union members print in check order).
const diagnostics = [];
for (const file of apiClosure(path.join(src, 'index.ts'))) {
  diagnostics.push(...program.emit(program.getSourceFile(file), writeDeclaration, undefined, true).diagnostics);
}
diagnostics.push(
  ...builder.getConfigFileParsingDiagnostics(),
  ...builder.getOptionsDiagnostics(),
  ...builder.getGlobalDiagnostics(),
  ...builder.getSyntacticDiagnostics(),
  ...builder.getSemanticDiagnostics(),
);
builder.emitBuildInfo(writeAtomic); // kept even when the check fails: it remembers the errors too
report(ts.sortAndDeduplicateDiagnostics(diagnostics));

function loadConfig(file) {
  const json = ts.readConfigFile(file, ts.sys.readFile);
  if (json.error) fail([json.error]);
  const cfg = ts.parseJsonConfigFileContent(json.config, ts.sys, path.dirname(file), undefined, file);
  if (cfg.errors.length) fail(cfg.errors);
  return cfg;
}

/**
 * The src/ modules reachable from `entry` through imports and re-exports (type-only ones included), in the order a
 * program rooted at `entry` lists them (depth first, a module after its imports): the order `tsc -p` checks them.
 */
function apiClosure(entry) {
  const cache = ts.createModuleResolutionCache(root, (f) => f, options);
  const seen = new Set();
  const order = [];
  const visit = (file) => {
    seen.add(file);
    const sf = program.getSourceFile(file);
    for (const ref of ts.preProcessFile(sf.text, true, true).importedFiles) {
      const hit = ts.resolveModuleName(ref.fileName, file, options, ts.sys, cache, undefined, sf.impliedNodeFormat).resolvedModule;
      const target = hit && path.resolve(hit.resolvedFileName);
      if (target && target.startsWith(src + path.sep) && !target.endsWith('.d.ts') && !seen.has(target)) visit(target);
    }
    order.push(file);
  };
  visit(entry);
  return order;
}

/** Writes a whole file or none (an interrupted build must not leave a half-written build info behind). */
function writeAtomic(file, text) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function writeDeclaration(fileName, text, _bom, _onError, sources) {
  const from = sources?.[0]?.fileName;
  if (!from || !fileName.endsWith('.d.ts')) return;
  const out = path.join(dist, path.relative(src, path.resolve(from)).replace(/\.ts$/, '.d.ts'));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, text);
}

function report(list) {
  if (list.length === 0) return;
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => ts.sys.newLine };
  const pretty = process.stderr.isTTY && !process.env.NO_COLOR;
  process.stderr.write(pretty ? ts.formatDiagnosticsWithColorAndContext(list, host) : ts.formatDiagnostics(list, host));
  const errors = list.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
  process.stderr.write(`\ntypecheck: ${errors} error(s)\n`);
  if (errors) process.exit(1);
}

function fail(list) {
  report(list);
  process.exit(1);
}
