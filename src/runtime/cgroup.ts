/**
 * cgroup v2 for chaos lanes: every lane gets a cgroup of its own, and ending the lane writes `cgroup.kill`,
 * which SIGKILLs every process in it whatever it did to its title, session or environment (nginx and redis
 * rewrite their titles; setsid helpers leave the process tree). The v2 hierarchy is found in
 * /proc/self/mountinfo, never assumed at /sys/fs/cgroup: hybrid machines mount it beside the v1 controllers
 * (e.g. /sys/fs/cgroup/unified). Lanes live under `<our own cgroup>/hunt-chaos/`, named after the hunt that
 * owns them (pid and start id), so a later run can prove whose a leftover is before it kills anything.
 */
import { promises as fsp, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Pure: decodes the octal escapes mountinfo uses in paths (\040 = space). */
export function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Pure: the mount point of the first cgroup2 filesystem in a mountinfo text, or null. */
export function parseCgroup2Mount(mountinfo: string): string | null {
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fstype = line.slice(sep + 3).split(' ')[0];
    if (fstype !== 'cgroup2') continue;
    const fields = line.slice(0, sep).split(' ');
    if (fields[4]) return unescapeMountPath(fields[4]);
  }
  return null;
}

/** Pure: our cgroup v2 path (the `0::<path>` line of /proc/self/cgroup), or null. */
export function parseOwnCgroup(procCgroup: string): string | null {
  const line = procCgroup.split('\n').find((l) => l.startsWith('0::'));
  return line ? line.slice(3).trim() || '/' : null;
}

/** Pure: a lane cgroup name: owner pid, owner start id, sandbox id. */
export function laneCgroupName(ownerPid: number, ownerStart: string, sandboxId: string): string {
  return `${ownerPid}.${ownerStart}.${sandboxId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** Pure: the owner encoded in a lane cgroup name, or null when the name is not one of ours. */
export function parseLaneCgroupName(name: string): { pid: number; start: string } | null {
  const m = /^(\d+)\.(\d+)\.[A-Za-z0-9_.-]+$/.exec(name);
  return m ? { pid: Number(m[1]), start: m[2] } : null;
}

export type CgroupSupport = { ok: true; mount: string; base: string } | { ok: false; reason: string };

let cached: Promise<CgroupSupport> | null = null;

async function probe(): Promise<CgroupSupport> {
  if (process.platform !== 'linux') return { ok: false, reason: `cgroups are Linux-only (this is ${process.platform})` };
  let mount: string | null;
  let own: string | null;
  try {
    mount = parseCgroup2Mount(await fsp.readFile('/proc/self/mountinfo', 'utf8'));
    own = parseOwnCgroup(await fsp.readFile('/proc/self/cgroup', 'utf8'));
  } catch (err) {
    return { ok: false, reason: `cannot read /proc/self/mountinfo or /proc/self/cgroup (${(err as Error).message})` };
  }
  if (!mount) return { ok: false, reason: 'no cgroup2 filesystem is mounted (see /proc/self/mountinfo)' };
  if (!own) return { ok: false, reason: 'this process has no cgroup v2 path in /proc/self/cgroup' };
  const base = path.join(mount, own, 'hunt-chaos');
  const probeDir = path.join(base, `probe.${process.pid}`);
  try {
    await fsp.mkdir(base, { recursive: true });
    await fsp.mkdir(probeDir);
  } catch (err) {
    return { ok: false, reason: `cannot create a cgroup under ${path.join(mount, own)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  try {
    await fsp.access(path.join(probeDir, 'cgroup.kill'));
    return { ok: true, mount, base };
  } catch {
    return { ok: false, reason: 'the kernel has no cgroup.kill (needs Linux 5.14 or later)' };
  } finally {
    await fsp.rmdir(probeDir).catch(() => undefined);
  }
}

/** Whether lanes can get a cgroup of their own here, and where (probed once per process). */
export function cgroupSupport(): Promise<CgroupSupport> {
  cached ??= probe();
  return cached;
}

/**
 * Pids in a cgroup and every cgroup below it, or null when the cgroup itself cannot be read (gone, or not a cgroup).
 * A sub-cgroup removed while it is walked held nothing (only an empty cgroup can be removed). Synchronous: the process
 * sampler reads a lane's cgroup several times a second, and the async fs API costs several times the syscalls.
 */
export function cgroupPidsSync(dir: string): number[] | null {
  const walk = (d: string, top: boolean): number[] | null => {
    let text: string;
    let subdirs: string[];
    try {
      text = readFileSync(path.join(d, 'cgroup.procs'), 'utf8');
      subdirs = readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [e.name] : []));
    } catch {
      return top ? null : [];
    }
    const out = text.split('\n').flatMap((l) => (/^\d+$/.test(l.trim()) ? [Number(l)] : []));
    for (const n of subdirs) out.push(...(walk(path.join(d, n), false) ?? []));
    return out;
  };
  return walk(dir, true);
}

/** Pids in a cgroup and every cgroup below it, sorted (empty when it is gone). */
export async function cgroupPids(dir: string): Promise<number[]> {
  return [...new Set(cgroupPidsSync(dir) ?? [])].sort((a, b) => a - b);
}

/** Whether a cgroup (or any cgroup below it) still holds a process; false when it is gone. */
export function cgroupPopulated(dir: string): boolean {
  try {
    return /^populated 1$/m.test(readFileSync(path.join(dir, 'cgroup.events'), 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Ends every process of a cgroup (cgroup.kill), waits until it is empty, removes it (children first).
 * Returns the pids it held and whether it is gone; never throws.
 */
export async function killCgroup(dir: string, waitMs = 5000): Promise<{ pids: number[]; removed: boolean }> {
  const pids = await cgroupPids(dir);
  try {
    await fsp.writeFile(path.join(dir, 'cgroup.kill'), '1');
  } catch {
    /* gone already, or no cgroup.kill: the wait below tells */
  }
  const deadline = Date.now() + waitMs;
  while (cgroupPopulated(dir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return { pids, removed: await removeCgroup(dir) };
}

/** Removes an empty cgroup and the cgroups below it (deepest first); true when it no longer exists. */
export async function removeCgroup(dir: string): Promise<boolean> {
  let names: string[] = [];
  try {
    names = (await fsp.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
  for (const n of names) await removeCgroup(path.join(dir, n));
  for (let i = 0; i < 20; i++) {
    try {
      await fsp.rmdir(dir);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      if (code !== 'EBUSY') return false;
      await new Promise((r) => setTimeout(r, 25)); // the last exits are still being reaped
    }
  }
  return false;
}

/** Creates a lane cgroup under `base`; returns its absolute directory. */
export async function createLaneCgroup(base: string, name: string): Promise<string> {
  const dir = path.join(base, name);
  await fsp.mkdir(dir);
  return dir;
}

/** Pure: whether `dir` is a lane cgroup directly under a hunt-chaos base of a cgroup2 mount (what reclaim may kill). */
export function isLaneCgroupPath(dir: string, mount: string): boolean {
  const rel = path.relative(mount, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
  const parts = rel.split(path.sep);
  return parts.length >= 2 && parts[parts.length - 2] === 'hunt-chaos' && parseLaneCgroupName(parts[parts.length - 1]) !== null;
}
