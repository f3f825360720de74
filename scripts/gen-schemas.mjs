#!/usr/bin/env node
// Build step (after dist/**/*.js is emitted): writes schemas/hunt-config.schema.json from the zod config schema in dist/.
// The report and allowlist schemas are hand-written; only the config one is generated. Quiet when unchanged.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { configJsonSchemaText } = await import(path.join(root, 'dist/config/json-schema.js'));
const { writeFileAtomic } = await import(path.join(root, 'dist/runtime/fs.js'));
const target = path.join(root, 'schemas', 'hunt-config.schema.json');
const text = configJsonSchemaText();
let current = null;
try {
  current = readFileSync(target, 'utf8');
} catch {
  // missing: written below
}
if (current !== text) {
  await writeFileAtomic(target, text);
  process.stderr.write(`gen-schemas: wrote ${path.relative(root, target)}\n`);
}
