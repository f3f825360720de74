/**
 * Markdown rendering through handlebars templates: templates/report.md.hbs and templates/partials/*.hbs,
 * each overridable by a file of the same name in a --template directory. Escaping lives in helpers that
 * call escape.ts, so a template cannot emit an untrusted string that breaks the Markdown by accident as
 * long as it uses them; a plain {{value}} is HTML-escaped by handlebars (safe, but not table-safe).
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type Handlebars from 'handlebars';
import { createRequire } from 'node:module';
import { InputError } from '../errors.js';
import { readTextFile } from '../runtime/read.js';
import { defaultTemplateDir, sourceHash } from './assets.js';
import { precompiled, type Precompiled } from './precompiled.js';
import { htmlText, mdCell, mdCellCode, mdCode, mdFence, mdLink, mdText, headFor, truncate } from './escape.js';
import type { ReportView } from './view-model.js';

export const MAIN_TEMPLATE = 'report.md.hbs';
/** A template larger than this is not a template (read through the input reader: no FIFO, no device). */
const TEMPLATE_MAX_BYTES = 4 * 1024 * 1024;
/** The compact document appended to GITHUB_STEP_SUMMARY when the full one is too large for it. */
export const COMPACT_TEMPLATE = 'step-summary.md.hbs';

interface Source {
  file: string;
  source: string;
}

/** Top-level templates and partials, each remembered with the file it came from (for error messages). */
export interface TemplateSet {
  mains: Map<string, Source>;
  partials: Map<string, Source>;
}

async function readDirHbs(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir)).filter((f) => f.endsWith('.hbs')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function overlay(set: TemplateSet, dir: string): Promise<number> {
  let found = 0;
  for (const name of await readDirHbs(dir)) {
    const file = path.join(dir, name);
    set.mains.set(name, { file, source: await readTextFile(file, '--template', TEMPLATE_MAX_BYTES) });
    found++;
  }
  const pdir = path.join(dir, 'partials');
  for (const name of await readDirHbs(pdir)) {
    const file = path.join(pdir, name);
    set.partials.set(name.slice(0, -'.hbs'.length), { file, source: await readTextFile(file, '--template', TEMPLATE_MAX_BYTES) });
    found++;
  }
  return found;
}

/** Loads the shipped templates, overlaid by `customDir` (InputError when it is missing or holds no template). */
export async function loadTemplates(customDir?: string): Promise<TemplateSet> {
  const set: TemplateSet = { mains: new Map(), partials: new Map() };
  await overlay(set, defaultTemplateDir);
  if (customDir !== undefined) {
    const stat = await fsp.stat(customDir).catch(() => null);
    if (!stat || !stat.isDirectory()) {
      throw new InputError(`--template: ${customDir} is not a directory`, { hint: `pass a directory holding ${MAIN_TEMPLATE} and/or partials/*.hbs` });
    }
    if ((await overlay(set, customDir)) === 0) {
      throw new InputError(`--template: ${customDir} holds no ${MAIN_TEMPLATE} and no partials/*.hbs`, {
        hint: `copy ${defaultTemplateDir} as a starting point`,
      });
    }
  }
  return set;
}

type Hb = typeof Handlebars;

/**
 * handlebars' runtime (create, template, helpers) and, only for a template that is not precompiled, its compiler
 * (with source-map, most of the package: ~150 KB a render no longer loads). CommonJS, through require: the runtime
 * has no entry TypeScript can import as a module.
 */
const requireHere = createRequire(import.meta.url);
let runtime: Hb | undefined;
const handlebarsRuntime = (): Hb => (runtime ??= requireHere('handlebars/runtime') as Hb);

/**
 * Caps of the inline helpers, in code points: a 50 MB check title must not make a 50 MB heading or "Why" line.
 * The JSON report keeps every field whole; capMarkdown (cap.ts) bounds the document as a whole.
 */
export const HELPER_CAPS = { text: 4000, line: 1000, code: 500, html: 300 } as const;

function capped(v: unknown, max: number): string {
  return truncate(headFor(String(v ?? ''), max), max);
}

/** Handlebars passes its options object last; strip it so helpers see only real arguments. */
function args(raw: unknown[]): unknown[] {
  return raw.slice(0, -1);
}

function registerHelpers(hb: Hb): void {
  const safe = (s: string) => new hb.SafeString(s);
  hb.registerHelper('cell', (...a: unknown[]) => safe(mdCell(args(a)[0], typeof args(a)[1] === 'number' ? (args(a)[1] as number) : undefined)));
  hb.registerHelper('cellCode', (...a: unknown[]) => safe(mdCellCode(args(a)[0])));
  hb.registerHelper('cellLink', (...a: unknown[]) => safe(mdLink(args(a)[0], args(a)[1])));
  hb.registerHelper('text', (...a: unknown[]) => safe(mdText(capped(args(a)[0], HELPER_CAPS.text))));
  hb.registerHelper('line', (...a: unknown[]) => safe(mdText(capped(args(a)[0], HELPER_CAPS.line), { newline: 'space' })));
  hb.registerHelper('code', (...a: unknown[]) => safe(mdCode(capped(args(a)[0], HELPER_CAPS.code))));
  hb.registerHelper('link', (...a: unknown[]) => safe(mdLink(args(a)[0], args(a)[1], Number.MAX_SAFE_INTEGER)));
  hb.registerHelper('fence', (...a: unknown[]) => safe(mdFence(args(a)[0], typeof args(a)[1] === 'string' ? (args(a)[1] as string) : '')));
  hb.registerHelper('html', (...a: unknown[]) => safe(htmlText(capped(args(a)[0], HELPER_CAPS.html))));
  hb.registerHelper('inc', (...a: unknown[]) => Number(args(a)[0]) + 1);
  hb.registerHelper('eq', (...a: unknown[]) => args(a)[0] === args(a)[1]);
  hb.registerHelper('plural', (...a: unknown[]) => {
    const [n, word] = args(a) as [number, string];
    return `${n} ${word}${n === 1 ? '' : 's'}`;
  });
}

/** The compile options (scripts/precompile.mjs precompiles the shipped templates with the same). */
const TEMPLATE_OPTIONS = { strict: false, noEscape: false };

/**
 * A template's render function: the CLI bundle's build-time spec when the source is byte for byte a shipped
 * template (precompiled.ts), else compiled now. Compiled eagerly, once (precompile, then template: `hb.compile` is
 * lazy and a second parse), so a syntax error names its file now, not during rendering.
 */
function compileOrThrow(hb: Hb, t: Source, forms: Precompiled | null): Handlebars.TemplateDelegate {
  const spec = forms?.templates[sourceHash(t.source)];
  if (spec) return hb.template(spec);
  try {
    // precompile's output is the source of an object literal; handlebars' own compile evaluates the same code
    const code = (requireHere('handlebars') as Hb).precompile(t.source, { ...TEMPLATE_OPTIONS }) as unknown as string;
    return hb.template(new Function(`return ${code};`)() as Parameters<Hb['template']>[0]);
  } catch (err) {
    throw new InputError(`template ${t.file}: ${(err as Error).message.split('\n')[0]}`, { hint: 'fix the handlebars syntax in that template' });
  }
}

/**
 * Renders the view with the top-level template `name` of a set; ends with exactly one newline. `forms`: the
 * build-time compiled templates to use where they match (a test passes the generated ones to compare).
 */
export function renderMarkdown(view: ReportView, templates: TemplateSet, name: string = MAIN_TEMPLATE, forms: Precompiled | null = precompiled): string {
  const hb = handlebarsRuntime().create();
  registerHelpers(hb);
  for (const [pname, t] of templates.partials) hb.registerPartial(pname, compileOrThrow(hb, t, forms));
  const source = templates.mains.get(name);
  if (!source) throw new InputError(`template ${name} not found`, { hint: `the template directory must provide ${name}` });
  const main = compileOrThrow(hb, source, forms);
  let out: string;
  try {
    out = main(view, { allowProtoPropertiesByDefault: false });
  } catch (err) {
    throw new InputError(`template ${source.file}: ${(err as Error).message.split('\n')[0]}`, {
      hint: 'a template refers to a partial or helper that does not exist (docs/render-report.md lists them)',
    });
  }
  return `${out.replace(/\s+$/, '')}\n`;
}
