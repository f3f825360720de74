/**
 * Mount namespaces for chaos lanes (Linux, root): a per-lane "holder" process owns a private mount namespace
 * in which /tmp and /var/tmp are directories of the sandbox and production paths are covered (copy-on-write
 * overlay, or read-only bind where overlay is unavailable); every target of the lane joins it with nsenter.
 * The holder prints one line per protected path and `hunt-lane-ready` once the mounts are in place, then
 * sleeps; it lives in the lane's cgroup, so ending the cgroup ends the namespace.
 */
import { spawn } from 'node:child_process';
import { closeSync, constants as fsc, openSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from './exec.js';

export const HOLDER_ENV = 'HUNT_LANE_HOLDER';
/** Where the lane wrapper finds its own tools (cgroup join, nsenter), whatever the target's PATH is. */
const WRAPPER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const READY = 'hunt-lane-ready';

/** Pure: single-quotes a word for sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface MountPlan {
  /** Protected paths covered by an overlay whose upper layer is in the sandbox (read-only bind if overlay fails). */
  overlays: Array<{ path: string; upper: string; work: string }>;
  /** Protected paths bound read-only in place (files, or where no overlay can go). */
  readOnly: string[];
  /** Private directories mounted over /tmp and /var/tmp, with host paths re-exposed inside them. */
  privates: Array<{ target: string; source: string; expose: Array<{ path: string; readOnly: boolean }> }>;
}

/** Pure: whether a path can go into overlay's option string (commas, colons and backslashes would need escaping). */
export function overlaySafe(p: string): boolean {
  return !/[,:\\]/.test(p);
}

/** Pure: the holder's setup script for a plan (sh; fails closed: any mount of the private dirs failing exits non-zero). */
export function renderMountScript(plan: MountPlan): string {
  const lines = ['#!/bin/sh', '# written by hunt staging-chaos: the mounts of one lane namespace', 'set -u', 'fail() { echo "hunt-lane: $*" >&2; exit 97; }'];
  for (const o of plan.overlays) {
    const p = shq(o.path);
    lines.push(
      `if mount -t overlay hunt-lane -o lowerdir=${shq(o.path)},upperdir=${shq(o.upper)},workdir=${shq(o.work)} ${p} 2>/dev/null; then echo "protect overlay "${p};`,
      `elif mount --bind ${p} ${p} && mount -o remount,bind,ro ${p}; then echo "protect read-only "${p};`,
      `else fail "cannot protect "${p}; fi`,
    );
  }
  for (const r of plan.readOnly) {
    const p = shq(r);
    lines.push(`mount --bind ${p} ${p} && mount -o remount,bind,ro ${p} && echo "protect read-only "${p} || fail "cannot protect "${p}`);
  }
  for (const d of plan.privates) {
    for (const e of [...d.expose].sort((a, b) => a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path))) {
      const at = shq(path.join(d.source, path.relative(d.target, e.path)));
      lines.push(`mount --bind ${shq(e.path)} ${at} || fail "cannot expose "${shq(e.path)}`);
      if (e.readOnly) lines.push(`mount -o remount,bind,ro ${at} || fail "cannot make "${at}" read-only"`);
    }
    lines.push(`mount --rbind ${shq(d.source)} ${shq(d.target)} || fail "cannot mount the private "${shq(d.target)}`);
  }
  lines.push(`echo ${READY}`, 'exec sleep 2147483647', '');
  return lines.join('\n');
}

export type NsSupport = { ok: true; overlay: boolean } | { ok: false; reason: string };

let cached: Promise<NsSupport> | null = null;

async function probe(): Promise<NsSupport> {
  if (process.platform !== 'linux') return { ok: false, reason: `mount namespaces are Linux-only (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not root (mount namespaces need CAP_SYS_ADMIN; user-namespace containment is not implemented)' };
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hunt-ns-probe-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'bind']) await fsp.mkdir(path.join(dir, d));
    const q = (d: string) => shq(path.join(dir, d));
    const script = `mount --bind ${q('bind')} ${q('bind')} && mount -o remount,bind,ro ${q('bind')} || exit 3
mount -t overlay hunt-probe -o lowerdir=${q('lower')},upperdir=${q('upper')},workdir=${q('work')} ${q('lower')} 2>/dev/null && echo overlay
exit 0`;
    const res = await runCommand(['unshare', '-m', '--propagation', 'private', '/bin/sh', '-c', script], { timeoutMs: 10_000 });
    if (res.spawnError) return { ok: false, reason: `unshare is not available (${res.spawnError})` };
    if (res.exitCode !== 0) return { ok: false, reason: `unshare -m failed (exit ${res.exitCode}: ${res.stderr.trim().slice(0, 200) || 'no message'})` };
    // the lane wrapper looks nsenter up in this PATH (the target's own PATH may be stripped)
    const found = await Promise.all(
      WRAPPER_PATH.split(':').map((d) =>
        fsp.access(path.join(d, 'nsenter'), fsc.X_OK).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (!found.includes(true)) return { ok: false, reason: `nsenter is not installed (looked in ${WRAPPER_PATH})` };
    return { ok: true, overlay: res.stdout.includes('overlay') };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Whether lanes can run in mount namespaces here (probed once per process, with a real unshare). */
export function mountNamespaceSupport(): Promise<NsSupport> {
  cached ??= probe();
  return cached;
}

/**
 * The argv that runs `argv` inside a lane: it first joins the lane's cgroup (so nothing of it ever runs
 * outside), then, with a holder, the holder's mount namespace in `cwd` (nsenter -W: a working directory
 * inherited from outside would let relative paths reach the host's /tmp). Exit 125 + "hunt-lane:" on
 * stderr when it cannot.
 */
export function laneArgv(argv: string[], o: { cgroupDir: string | null; holder: { pid: number; root: string } | null; cwd: string }): string[] {
  if (!o.cgroupDir && !o.holder) return argv;
  const script = [
    'cg=$1; h=$2; root=$3; wd=$4; shift 4',
    // the target's PATH may be stripped (missing-env): the wrapper's own tools come from a fixed PATH, the target's is restored
    'if [ "${PATH+x}" = x ]; then p=$PATH; hp=1; else hp=; fi',
    `PATH=${WRAPPER_PATH}`,
    'if [ -n "$cg" ]; then echo $$ > "$cg/cgroup.procs" || { echo "hunt-lane: cannot join the lane cgroup $cg" >&2; exit 125; }; fi',
    'if [ -n "$h" ]; then',
    // The holder execs `sleep` right after it prints ready: while that exec is under way its environ reads empty, so a
    // miss is retried (up to ~5 s) as long as the pid exists; only a holder that is gone, or a pid that is not ours, fails.
    `  i=0; until tr '\\000' '\\n' < /proc/$h/environ 2>/dev/null | grep -qxF "${HOLDER_ENV}=$root"; do`,
    `    i=$((i+1)); if [ ! -d /proc/$h ] || [ $i -gt 50 ]; then echo "hunt-lane: the lane namespace (holder pid $h) is gone" >&2; exit 125; fi; sleep 0.1`,
    '  done',
    '  n=$(command -v nsenter) || { echo "hunt-lane: nsenter not found" >&2; exit 125; }',
    '  if [ -n "$hp" ]; then PATH=$p; else unset PATH; fi',
    '  exec "$n" -t "$h" -m -W "$wd" -- "$@"',
    'fi',
    'if [ -n "$hp" ]; then PATH=$p; else unset PATH; fi',
    'exec "$@"',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'hunt-lane', o.cgroupDir ?? '', o.holder ? String(o.holder.pid) : '', o.holder?.root ?? '', o.cwd, ...argv];
}

export interface Holder {
  pid: number;
  /** "protect <mode> <path>" lines the script printed. */
  protections: Array<{ mode: 'overlay' | 'read-only'; path: string }>;
  exited: Promise<void>;
  running(): boolean;
}

/** Starts a lane's namespace holder (in `cgroupDir` when given) and waits until its mounts are in place. */
export async function startHolder(o: { script: string; root: string; cgroupDir: string | null; stderrFile: string; timeoutMs: number }): Promise<Holder> {
  const errFd = openSync(o.stderrFile, 'a');
  const argv = laneArgv(['unshare', '-m', '--propagation', 'private', '/bin/sh', o.script], { cgroupDir: o.cgroupDir, holder: null, cwd: '/' });
  const env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', [HOLDER_ENV]: o.root };
  const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', errFd], env });
  closeSync(errFd);
  let alive = true;
  const exited = new Promise<void>((r) => child.once('exit', () => ((alive = false), r())));
  child.once('error', () => (alive = false));
  const protections: Holder['protections'] = [];
  let buf = '';
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), o.timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const m = /^protect (overlay|read-only) (.*)$/.exec(line);
        if (m) protections.push({ mode: m[1] as 'overlay' | 'read-only', path: m[2] });
        if (line === READY) (clearTimeout(timer), resolve(true));
      }
    });
    void exited.then(() => (clearTimeout(timer), resolve(false)));
  });
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  child.unref();
  if (!ready) {
    if (alive && child.pid) process.kill(child.pid, 'SIGKILL');
    const err = await fsp.readFile(o.stderrFile, 'utf8').catch(() => '');
    throw new Error(`the lane namespace could not be set up: ${err.trim().split('\n').slice(-3).join(' | ') || `no ready line within ${o.timeoutMs} ms`}`);
  }
  return { pid: child.pid!, protections, exited, running: () => alive };
}
