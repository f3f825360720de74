/**
 * The build-time compiled schemas and templates (scripts/precompile.mjs, swapped into the CLI bundle for
 * src/report/precompiled.ts) must behave exactly like the run-time compile the rest of the unit tests use:
 * the same verdict and the same `path: message` lines for valid and broken reports and allowlists, and the same
 * Markdown from every shipped template. The generated module is bundled here the way scripts/build.mjs bundles it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { HuntReportV1 } from '../../src/core/report-types.js';
import { computeVerdict } from '../../src/core/verdict.js';
import { compile, formatAjvErrors } from '../../src/report/ajv.js';
import { schemaPath } from '../../src/report/assets.js';
import { COMPACT_TEMPLATE, loadTemplates, MAIN_TEMPLATE, renderMarkdown } from '../../src/report/markdown.js';
import type { Precompiled } from '../../src/report/precompiled.js';
import { buildView } from '../../src/report/view-model.js';
import { reportArb } from './render.arbitraries.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const json = (rel: string) => JSON.parse(readFileSync(path.join(root, rel), 'utf8')) as unknown;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

let tmp: string;
let forms: Precompiled;
beforeAll(async () => {
  const { precompiledSource } = (await import(pathToFileURL(path.join(root, 'scripts', 'precompile.mjs')).href)) as {
    precompiledSource: (root: string) => string;
  };
  const { build } = await import('esbuild');
  const out = await build({
    stdin: { contents: precompiledSource(root), resolveDir: root, loader: 'js', sourcefile: 'precompiled.gen.js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'silent',
  });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-precompiled-'));
  const file = path.join(tmp, 'precompiled.mjs');
  writeFileSync(file, out.outputFiles[0].text);
  forms = ((await import(pathToFileURL(file).href)) as { precompiled: Precompiled }).precompiled;
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The outcome a caller sees: valid or not, and the formatted violation lines. */
function outcome(v: ValidateFunction, data: unknown): { ok: boolean; lines: string[] } {
  const ok = v(data) as boolean;
  return { ok, lines: ok ? [] : formatAjvErrors(v.errors) };
}

/** A JSON document with the value at one random path replaced (or a key added) by arbitrary JSON. */
function mutated(base: unknown): fc.Arbitrary<unknown> {
  return fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 8 })).map(([steps, value, key]) => {
    const doc = structuredClone(base) as Record<string, unknown>;
    let at: Record<string, unknown> = doc;
    for (const step of steps.slice(0, -1)) {
      const keys = Object.keys(at);
      const next = keys.length ? at[keys[step % keys.length]] : undefined;
      if (next === null || typeof next !== 'object') break;
      at = next as Record<string, unknown>;
    }
    const keys = Object.keys(at);
    const last = steps[steps.length - 1];
    at[keys.length && last % 3 !== 0 ? keys[last % keys.length] : key] = value;
    return doc;
  });
}

describe('build-time validators agree with the run-time compile', () => {
  for (const [name, seeds] of [
    ['report', ['test/fixtures/reports/pass.json', 'test/fixtures/reports/fail.json', 'test/fixtures/reports/warn.json', 'test/fixtures/reports/schema-invalid.json']],
    ['allowlist', ['test/fixtures/allowlists/known-issues.json', 'test/fixtures/allowlists/invalid.json']],
  ] as const) {
    it(`${name}: the schema file's hash is the one compiled, and seeds plus random mutations give the same lines`, () => {
      const pre = forms.validators[name];
      expect(pre.sha256).toBe(sha256(readFileSync(schemaPath(name), 'utf8')));
      const runtime = compile(JSON.parse(readFileSync(schemaPath(name), 'utf8')) as Record<string, unknown>);
      const docs = seeds.map(json);
      for (const d of docs) expect(outcome(pre.validate, d)).toEqual(outcome(runtime, d));
      expect(docs.some((d) => outcome(runtime, d).ok) && docs.some((d) => !outcome(runtime, d).ok)).toBe(true);
      fc.assert(
        fc.property(fc.constantFrom(...docs).chain(mutated), (d) => {
          expect(outcome(pre.validate, d)).toEqual(outcome(runtime, d));
        }),
        { numRuns: 300, seed: 20261201 },
      );
    });
  }

  it('report: generated valid reports with hostile strings are valid to both', () => {
    const runtime = compile(JSON.parse(readFileSync(schemaPath('report'), 'utf8')) as Record<string, unknown>);
    fc.assert(
      fc.property(reportArb, (r) => {
        expect(outcome(forms.validators.report.validate, r)).toEqual(outcome(runtime, r));
      }),
      { numRuns: 100, seed: 20261201 },
    );
  });
});

describe('build-time templates', () => {
  it('every shipped template is precompiled under the hash of its text', () => {
    const dir = path.join(root, 'templates');
    const files = [
      ...readdirSync(dir).filter((f) => f.endsWith('.hbs')).map((f) => path.join(dir, f)),
      ...readdirSync(path.join(dir, 'partials')).filter((f) => f.endsWith('.hbs')).map((f) => path.join(dir, 'partials', f)),
    ];
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) expect(Object.keys(forms.templates), f).toContain(sha256(readFileSync(f, 'utf8')));
  });

  it('render the same Markdown as the run-time compile, full and compact, for passing, warning and failing reports', async () => {
    const templates = await loadTemplates();
    for (const name of ['pass', 'warn', 'fail']) {
      const report = json(`test/fixtures/reports/${name}.json`) as HuntReportV1;
      const view = buildView(report, computeVerdict(report, { blockingSeverity: 'p0' }));
      for (const t of [MAIN_TEMPLATE, COMPACT_TEMPLATE]) {
        const built = renderMarkdown(view, templates, t, forms);
        expect(built, `${name} ${t}`).toBe(renderMarkdown(view, templates, t, null));
        expect(built.length).toBeGreaterThan(100);
      }
    }
  });

  it('a template that differs from the shipped text by one byte is compiled, not matched', async () => {
    const templates = await loadTemplates();
    const main = templates.mains.get(MAIN_TEMPLATE)!;
    const edited = { ...templates, mains: new Map(templates.mains).set(MAIN_TEMPLATE, { ...main, source: `EDITED\n${main.source}` }) };
    const report = json('test/fixtures/reports/pass.json') as HuntReportV1;
    const view = buildView(report, computeVerdict(report, { blockingSeverity: 'p0' }));
    expect(renderMarkdown(view, edited, MAIN_TEMPLATE, forms)).toMatch(/^EDITED\n/);
  });
});

describe('the CLI bundle', () => {
  it('carries the generated module in place of the run-time fallback', () => {
    const dir = path.join(root, 'dist', 'bundle');
    const texts = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'));
    expect(texts.filter((t) => t.includes('validate_report') && t.includes(forms.validators.report.sha256))).toHaveLength(1);
  });
});
