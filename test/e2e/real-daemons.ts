/**
 * Harness of the real-daemon e2e tests (nginx-light, redis-server from Debian's packages): the binaries
 * are found or the suite is skipped with a message saying why, unless HUNT_REAL_DAEMONS=required (set by
 * .ci/run, which installs them): then a missing binary fails the suite. Every process a test starts carries
 * HUNT_TEST_TAG, so "nothing left behind" is asserted precisely on a shared machine. A suite copies an
 * example directory (examples/nginx, examples/redis) as a new user would, and points it at a private
 * instance through HUNT_TARGET_HOME and HUNT_PORT.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { existsSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HuntReportV1 } from '../../src/core/report-types.js';
import { freePort } from '../../src/runtime/ports.js';
import { repoRoot, spawnHunt, type HuntResult } from '../helpers/spawn-hunt.js';
import { bound, entries, killTagged, newTag, tagged } from './chaos-helpers.js';

export { bound, tagged };

/** Where a binary is: PATH, then /usr/sbin and /usr/local/sbin (nginx lives in sbin, often not on a user's PATH). */
export function which(bin: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const d of dirs) if (d && existsSync(path.join(d, bin))) return path.join(d, bin);
  return null;
}

/** Binaries a suite needs; the missing ones (empty when all are there). */
export function missingBinaries(bins: string[]): string[] {
  return bins.filter((b) => which(b) === null);
}

/**
 * Whether a suite runs: all binaries present. Missing ones skip with a message, or throw when
 * HUNT_REAL_DAEMONS=required (CI must run these tests, never silently skip them).
 */
export function realDaemonsAvailable(suite: string, bins: string[], pkg: string): boolean {
  const missing = missingBinaries(bins);
  if (!missing.length) return true;
  const why = `${suite}: ${missing.join(', ')} not found (install ${pkg}: apt-get install -y ${pkg}; see README "Real-daemon tests")`;
  if (process.env.HUNT_REAL_DAEMONS === 'required') throw new Error(`${why}; HUNT_REAL_DAEMONS=required, so this is a failure, not a skip`);
  process.stderr.write(`skipping ${why}\n`);
  return false;
}

export interface DaemonSuite {
  dir: string;
  /** The copied example directory (profile, templates) a user would edit. */
  profileDir: string;
  profile: string;
  /** The private instance's home and port ("production" for the tests). */
  home: string;
  port: number;
  tmp: string;
  tag: string;
  /** The PATH hunt gets: sbin included, so `nginx` resolves for a non-root-style PATH too. */
  path: string;
  /** Out-dirs of hunt runs (their chaos ports are checked unbound at the end). */
  ports: Set<number>;
}

/** A temp dir traversable by every user (target.user tests run daemons as nobody). */
async function openDir(prefix: string): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  await fsp.chmod(dir, 0o755);
  return dir;
}

/** Copies examples/<name> (or `from`) into a fresh suite dir and patches its profile (the isolation audit ignores foreign /tmp noise). */
export async function createDaemonSuite(
  name: string,
  patch: (p: Record<string, any>) => void = () => {},
  from = path.join(repoRoot, 'examples', name),
): Promise<DaemonSuite> {
  const dir = await openDir(`hunt-${name}-e2e-`);
  const profileDir = path.join(dir, 'profile');
  await fsp.cp(from, profileDir, { recursive: true });
  const profile = path.join(profileDir, 'hunt.config.json');
  const p = JSON.parse(await fsp.readFile(profile, 'utf8')) as Record<string, any>;
  p.$schema = path.join(repoRoot, 'schemas', 'hunt-config.schema.json');
  // other suites on this machine create /tmp entries while a scenario runs: leaks naming our pids still fail
  p.chaos = { ...p.chaos, isolation: { unattributed: 'ignore' } };
  patch(p);
  await fsp.writeFile(profile, JSON.stringify(p, null, 2));
  const home = path.join(dir, 'instance');
  const tmp = path.join(dir, 'tmp');
  await fsp.mkdir(home, { recursive: true });
  await fsp.mkdir(tmp, { recursive: true });
  await fsp.chmod(tmp, 0o755);
  const sbin = ['/usr/sbin', '/usr/local/sbin', '/sbin'].filter((d) => !(process.env.PATH ?? '').split(path.delimiter).includes(d));
  return {
    dir,
    profileDir,
    profile,
    home,
    port: await freePort(),
    tmp,
    tag: newTag(),
    path: [process.env.PATH, ...sbin].filter(Boolean).join(path.delimiter),
    ports: new Set(),
  };
}

/** Rewrites the suite's profile. */
export async function patchProfile(s: DaemonSuite, patch: (p: Record<string, any>) => void, file = s.profile): Promise<string> {
  const p = JSON.parse(await fsp.readFile(s.profile, 'utf8')) as Record<string, any>;
  patch(p);
  await fsp.writeFile(file, JSON.stringify(p, null, 2));
  return file;
}

/** The environment of every process of the suite: tagged, its own TMPDIR, the instance as HUNT_TARGET_HOME/HUNT_PORT. */
export function suiteEnv(s: DaemonSuite, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(HUNT_|SAMPLE_GATEWAY_)/.test(k) && k !== 'CI' && k !== 'GITHUB_STEP_SUMMARY') env[k] = v;
  return { ...env, PATH: s.path, TMPDIR: s.tmp, NO_COLOR: '1', CI: '1', HUNT_TEST_TAG: s.tag, HUNT_TARGET_HOME: s.home, HUNT_PORT: String(s.port), ...extra };
}

/** Runs the built hunt in the suite's environment. */
export function hunt(s: DaemonSuite, args: string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) {
  return spawnHunt(args, { cwd: s.dir, env: suiteEnv(s, o.env), timeoutMs: o.timeoutMs ?? 180_000 });
}

/** Runs hunt to completion. */
export function runHunt(s: DaemonSuite, args: string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<HuntResult> {
  return hunt(s, args, o).done;
}

/** Runs a command to completion in the suite's environment (throws on failure, with its output). */
export function sh(s: DaemonSuite, cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { env: suiteEnv(s), cwd: s.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

/** Starts a tagged background process (a backend) and resolves with its pid once `port` accepts. */
export async function startTagged(s: DaemonSuite, argv: string[], port: number): Promise<number> {
  const child = spawn(argv[0], argv.slice(1), { env: suiteEnv(s), detached: true, stdio: 'ignore' });
  child.unref();
  for (let i = 0; i < 200 && !(await bound(port)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await bound(port))) throw new Error(`${argv.join(' ')} did not listen on ${port}`);
  return child.pid!;
}

/** A hunt report of an out-dir; chaos ports are recorded for the final check. */
export async function readReport(s: DaemonSuite, outDir: string, file = 'hunt-report.json'): Promise<HuntReportV1> {
  const r = JSON.parse(await fsp.readFile(path.join(outDir, file), 'utf8')) as HuntReportV1;
  const chaos = (r.metadata?.chaos as { ports?: Record<string, number> } | undefined)?.ports;
  for (const p of Object.values(chaos ?? {})) s.ports.add(p);
  return r;
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const snapshotSchema = ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'schemas', 'runtime-snapshot-v1.schema.json'), 'utf8')) as object);

/** The schema violations of a runtime snapshot (empty when it is valid). */
export function snapshotErrors(snap: unknown): string[] {
  return snapshotSchema(snap) ? [] : (snapshotSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The gate verdict of a report. */
export function verdictOf(r: HuntReportV1): { status: string; reasons: Array<{ id: string; rule: string; detail: string; phase?: string }> } {
  return r.metadata?.gate as never;
}

/** What a suite left behind: tagged processes, bound chaos ports, sandboxes (asserted empty by afterAll). */
export async function leftovers(s: DaemonSuite): Promise<{ processes: string[]; ports: number[]; sandboxes: string[] }> {
  const processes = (await tagged(s.tag)).map((p) => `${p.pid} ${p.command}`);
  const ports: number[] = [];
  for (const p of s.ports) if (await bound(p)) ports.push(p);
  return { processes, ports, sandboxes: await entries(path.join(s.tmp, 'hunt-chaos')) };
}

/** Last resort after the assertion: kill what is tagged, remove the suite dir (kept, with its reports, when HUNT_TEST_KEEP=1). */
export async function disposeSuite(s: DaemonSuite): Promise<void> {
  await killTagged(s.tag);
  if (process.env.HUNT_TEST_KEEP === '1') process.stderr.write(`HUNT_TEST_KEEP=1: kept ${s.dir}\n`);
  else await fsp.rm(s.dir, { recursive: true, force: true });
}
