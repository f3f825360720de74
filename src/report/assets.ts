/**
 * Where the shipped assets live (schemas/, templates/) and cached reads of the schemas. Resolved from this
 * module's location so an installed package finds its own files whatever the working directory.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the installed package (dist/report/ -> ../..). */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Directory of the default Markdown templates. */
export const defaultTemplateDir = path.join(packageRoot, 'templates');

export const SCHEMA_FILES = {
  report: 'hunt-report-v1.schema.json',
  config: 'hunt-config.schema.json',
  allowlist: 'known-issues.schema.json',
} as const;
export type SchemaName = keyof typeof SCHEMA_FILES;

/** Absolute path of a shipped schema. */
export function schemaPath(name: SchemaName): string {
  return path.join(packageRoot, 'schemas', SCHEMA_FILES[name]);
}

const cache = new Map<SchemaName, { text: string; schema: Record<string, unknown> }>();

/** The shipped schema's text and parsed form (read once per process; a missing schema is a broken install, not user input). */
export function loadSchemaSource(name: SchemaName): { text: string; schema: Record<string, unknown> } {
  let entry = cache.get(name);
  if (!entry) {
    const text = readFileSync(schemaPath(name), 'utf8');
    entry = { text, schema: JSON.parse(text) as Record<string, unknown> };
    cache.set(name, entry);
  }
  return entry;
}

/** The key of a schema's or template's build-time compiled form (precompiled.ts): the SHA-256 of its text. */
export function sourceHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
