/**
 * Build-time compiled forms of the shipped JSON Schemas (ajv standalone code) and Markdown templates (handlebars
 * precompiled specs). This file is the run-time fallback: nothing precompiled, so ajv.ts and markdown.ts compile
 * at run time (the unit tests and the per-file programmatic API take this path). The CLI bundle gets, in its place,
 * the module scripts/precompile.mjs generates (scripts/build.mjs swaps it in while bundling): compiling the report
 * schema and the templates was ~200 ms of every `hunt render-report`, gate and chaos run (measured with --cpu-prof).
 *
 * Each entry is keyed by the SHA-256 of the source it was compiled from and is used only when the source read at
 * run time has that hash: an edited schema or template (or a --template file) is compiled afresh, never stale.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type Handlebars from 'handlebars';

type TemplateSpec = Parameters<typeof Handlebars.template>[0];

export interface Precompiled {
  /** Validators of the shipped schemas by schema name, with the hash of the schema file's text. */
  validators: Record<string, { sha256: string; validate: ValidateFunction }>;
  /** Template specs by the hash of their source text. */
  templates: Record<string, TemplateSpec>;
}

export const precompiled: Precompiled | null = null;
