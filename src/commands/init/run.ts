/**
 * `hunt init`: writes a starter hunt.config.json and known-issues.json. Refuses to overwrite either
 * (checked before anything is written, so a refusal leaves the directory untouched) unless --force.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAME } from '../../config/load.js';
import { UsageError } from '../../errors.js';
import { pathExists, writeJsonAtomic } from '../../runtime/fs.js';
import { packageFileRef } from '../../runtime/package-ref.js';
import { prepareOutDir } from '../out-dir.js';
import type { RunContext } from '../types.js';
import type { InitOptions } from './spec.js';
import { STARTER_SCRIPTS, starterConfig, starterKnownIssues } from './starter.js';

export const KNOWN_ISSUES_FILE_NAME = 'known-issues.json';
/**
 * `$schema` reference: `./node_modules/release-hunt/schemas/<file>` in a project that installed hunt (npm or pnpm:
 * never the versioned .pnpm path, which breaks at the next upgrade), relative in this source checkout, else the
 * install path too.
 */
function schemaRef(dir: string, file: string): string {
  const ref = packageFileRef(dir, `schemas/${file}`, 'install-path');
  return ref.startsWith('.') || path.isAbsolute(ref) ? ref : `./${ref}`;
}

/** Runs `hunt init`. */
export async function run(opts: InitOptions, ctx: RunContext): Promise<number> {
  const { name, port } = opts;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new UsageError(`--name: "${name}" must be 1-64 letters, digits, _ . - (it is used as a command and in paths)`);
  }
  const dir = path.resolve(ctx.cwd, opts.dir ?? '.');
  const stat = await fsp.stat(dir).catch(() => null);
  if (stat && !stat.isDirectory()) throw new UsageError(`--dir: ${dir} is not a directory`);

  const files = [path.join(dir, CONFIG_FILE_NAME), path.join(dir, KNOWN_ISSUES_FILE_NAME)];
  const existing: string[] = [];
  for (const f of files) if (await pathExists(f)) existing.push(f);
  if (existing.length && !opts.force) {
    throw new UsageError(`refusing to overwrite ${existing.join(' and ')}`, { hint: 'pass --force to overwrite, or --dir to write elsewhere' });
  }
  await prepareOutDir('--dir', dir);

  await writeJsonAtomic(files[0], starterConfig(name, port, schemaRef(dir, 'hunt-config.schema.json')));
  await writeJsonAtomic(files[1], starterKnownIssues(schemaRef(dir, 'known-issues.schema.json')));

  if (ctx.json) {
    process.stdout.write(`${JSON.stringify({ written: files, overwritten: existing, scripts: STARTER_SCRIPTS })}\n`);
    return 0;
  }
  const scripts = Object.entries(STARTER_SCRIPTS).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const out = [
    ...files.map((f) => `${existing.includes(f) ? 'overwrote' : 'wrote'} ${f}`),
    '',
    'Add these scripts to your package.json:',
    '  "scripts": {',
    scripts.join(',\n'),
    '  }',
    '',
    `Next: edit ${CONFIG_FILE_NAME} (commands, port, home, logs, signatures) for your daemon, then run \`hunt collect --label first\`.`,
    `The format is documented in ${packageFileRef(ctx.cwd, 'docs/config.md')}; \`hunt collect --demo\` shows a snapshot of the bundled sample gateway.`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
