/**
 * Helpers of the packaging e2e test: pack a copy of this repository the way `npm publish` would (prepack builds
 * it), install the tarball into fresh projects, and run what a new user runs there. Every cache (npm's, pnpm's
 * store, npx's) lives in the test's temp directory: nothing is left outside it.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What never goes into the copy that is packed: installs, builds, run artifacts, VCS data, old tarballs. */
const SKIP = new Set(['node_modules', 'dist', 'artifacts', '.git', '.hunt-demo-home']);

/** Copies the repository (sources only) to `dest`, sharing node_modules through a symlink, and returns `dest`. */
export function copyRepo(dest: string): string {
  cpSync(repoRoot, dest, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(repoRoot, src);
      if (!rel) return true;
      const top = rel.split(path.sep)[0];
      return !SKIP.has(top) && !rel.endsWith('.tgz') && !rel.startsWith(path.join('bench', '.data'));
    },
  });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
  return dest;
}

/** The environment of every command: caches under `tmp`, no colour, no CI side channels, no HUNT_* leaks. */
export function isolatedEnv(tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(HUNT_|SAMPLE_GATEWAY_|GITHUB_|npm_|NPM_|PNPM_)/i.test(k) || k === 'CI' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  const home = path.join(tmp, 'home');
  mkdirSync(home, { recursive: true });
  return {
    ...env,
    HOME: home,
    NO_COLOR: '1',
    npm_config_cache: path.join(tmp, 'npm-cache'),
    npm_config_store_dir: path.join(tmp, 'pnpm-store'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_STATE_HOME: path.join(tmp, 'xdg-state'),
  };
}

/** Runs a command to completion (killed after `timeoutMs` so a hang fails the test instead of stalling the suite). */
export function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails with the command's output when it did not exit as expected (a bare "expected 1 to be 0" helps nobody). */
export function expectExit(res: Run, code: number | number[], what: string): Run {
  const ok = Array.isArray(code) ? code.includes(res.code ?? -1) : res.code === code;
  if (!ok) throw new Error(`${what}: exit ${res.code}, expected ${code}\n--- stdout\n${res.stdout.slice(-4000)}\n--- stderr\n${res.stderr.slice(-4000)}`);
  return res;
}

/** A fresh project directory with a minimal package.json. */
export function freshProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'app-under-release', version: '1.0.0', private: true }, null, 2)}\n`);
  return dir;
}

/** The `"scripts": {...}` block `hunt init` prints, parsed. */
export function printedScripts(stdout: string): Record<string, string> {
  const m = /"scripts": (\{[\s\S]*?\n\s*\})/.exec(stdout);
  if (!m) throw new Error(`hunt init printed no scripts block:\n${stdout}`);
  return JSON.parse(m[1]) as Record<string, string>;
}

/** Adds scripts to the project's package.json, as the user is told to. */
export function addScripts(dir: string, scripts: Record<string, string>): void {
  const file = path.join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { scripts?: Record<string, string> };
  pkg.scripts = { ...(pkg.scripts ?? {}), ...scripts };
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

/**
 * Every file reference a person is pointed at in `text`: `$schema` values, Markdown/runbook/doc paths and JSON
 * schema paths. Returns those that do not resolve from `cwd` (absolute paths as they are).
 */
export function deadReferences(text: string, cwd: string): string[] {
  const refs = new Set<string>();
  // A reference is a path (it has a `/`): `hunt-report.md` alone names an output, not a document to open.
  for (const m of text.matchAll(/(?:^|[\s(`'"])((?:\.{0,2}\/)?[\w@+.\-/]*\/[\w@+.\-]*[\w-]+\.(?:md|schema\.json))(?=$|[\s)`'",:;])/gm)) refs.add(m[1]);
  return [...refs].filter((r) => !/^https?:/.test(r) && !existsSync(path.resolve(cwd, r)));
}
