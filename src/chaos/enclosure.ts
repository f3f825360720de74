/**
 * A lane's enclosure: its cgroup (when the machine has cgroup v2) and its mount namespace (at the
 * `namespaces` level): created before any target starts, so nothing of the lane ever runs outside it. The
 * supervisor spawns every target through `wrap`; `end` ends everything in the cgroup (the namespace holder
 * included, which releases the namespace); the contained audit then reads what the lane wrote from the host.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { RunBinding } from '../config/bind.js';
import { packageDir } from '../config/package.js';
import { cgroupPids, createLaneCgroup, killCgroup, laneCgroupName } from '../runtime/cgroup.js';
import { ensureDir, writeFileAtomic } from '../runtime/fs.js';
import { laneArgv, renderMountScript, startHolder, type Holder } from '../runtime/mountns.js';
import { processStartId } from '../runtime/proctable.js';
import { recordProcesses } from '../runtime/registry.js';
import { sendSignal } from '../runtime/signals.js';
import type { Containment } from './containment.js';
import { mountPlan, planCoverage, PRIVATE_DIRS, protectedPaths, type Coverage } from './protect.js';
import { isInside, type Sandbox } from './sandbox.js';

export interface PrivateDir {
  /** The host path it stands for in the lane (/tmp, /var/tmp). */
  target: string;
  /** Its directory inside the sandbox. */
  source: string;
  /** Paths (relative to source) hunt created as mount points: never the target's writes. */
  own: Set<string>;
}

export interface Enclosure {
  containment: Containment;
  cgroupDir: string | null;
  holder: Holder | null;
  coverage: Coverage[];
  overlays: Array<{ mount: string; upper: string }>;
  privates: PrivateDir[];
  /** Rewrites a target's argv so it starts inside the lane (identity when there is nothing to enter). */
  wrap(argv: string[]): string[];
  /** Pids in the lane cgroup right now, the namespace holder excepted (null without a cgroup). */
  pids(): Promise<number[] | null>;
  /** Ends every process of the lane (cgroup.kill, or the holder alone without a cgroup); returns the pids ended. */
  end(): Promise<number[]>;
}

/** Pure: the absolute paths in a command line that a lane must be able to read (binaries, scripts). */
export function commandPaths(argv: string[]): string[] {
  return argv.filter((a) => path.isAbsolute(a) && !a.includes('\n'));
}

async function exists(p: string): Promise<'dir' | 'file' | null> {
  try {
    return (await fsp.stat(p)).isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

/** Opens a lane's enclosure (cgroup, then namespace). Throws when the machine said it could and it cannot. */
export async function openEnclosure(o: { sandbox: Sandbox; containment: Containment; bound: RunBinding; cwd: string; parent: string }): Promise<Enclosure> {
  const { sandbox, containment } = o;
  let cgroupDir: string | null = null;
  if (containment.cgroup) {
    const dir = path.join(containment.cgroup.base, laneCgroupName(process.pid, processStartId(process.pid) ?? '0', sandbox.id));
    await sandbox.setCgroup(dir); // recorded first: a hunt killed right after mkdir leaves a cgroup the lock names
    cgroupDir = await createLaneCgroup(containment.cgroup.base, path.basename(dir));
  }
  let holder: Holder | null = null;
  let coverage: Coverage[] = [];
  let overlays: Enclosure['overlays'] = [];
  const privates: PrivateDir[] = [];
  if (containment.level === 'namespaces') {
    const nsDir = path.join(sandbox.root, 'ns');
    const places = {
      root: sandbox.root,
      privates: { '/tmp': path.join(nsDir, 'tmp'), '/var/tmp': path.join(nsDir, 'var-tmp') },
      overlayDir: path.join(nsDir, 'overlay'),
    };
    coverage = await planCoverage(protectedPaths(o.bound, o.cwd), o.parent, containment.overlay);
    const start = sandbox.binding.start();
    const reads = [o.bound.profile.configDir, packageDir, path.dirname(process.execPath), ...commandPaths(Array.isArray(start) ? start : [])];
    const planned = mountPlan(coverage, places, reads);
    overlays = planned.overlays;
    for (const ov of planned.plan.overlays) for (const d of [ov.upper, ov.work]) await ensureDir(d);
    for (const p of planned.plan.privates) {
      await ensureDir(p.source);
      await fsp.chmod(p.source, 0o1777); // a /tmp: writable by a target running as another user (target.user)
      const own = new Set<string>();
      for (const e of p.expose) {
        const rel = path.relative(p.target, e.path);
        const at = path.join(p.source, rel);
        const kind = await exists(e.path);
        if (kind === 'file') {
          await writeFileAtomic(at, ''); // a file bind needs a file to cover
        } else await ensureDir(at);
        for (let r = rel; r && r !== '.'; r = path.dirname(r)) own.add(r);
      }
      privates.push({ target: p.target, source: p.source, own });
    }
    const script = path.join(nsDir, 'setup.sh');
    await writeFileAtomic(script, renderMountScript(planned.plan));
    holder = await startHolder({ script, root: sandbox.root, cgroupDir, stderrFile: path.join(nsDir, 'holder.stderr.log'), timeoutMs: 15_000 });
    recordProcesses(sandbox.registry, [{ pid: holder.pid, start: processStartId(holder.pid), name: 'hunt-lane-holder' }]);
    const how = new Map(holder.protections.map((p) => [p.path, p.mode]));
    coverage = coverage.map((c) => (c.how === 'overlay' && how.get(c.mount!) === 'read-only' ? { ...c, how: 'read-only' } : c));
  }
  const h = holder;
  return {
    containment,
    cgroupDir,
    holder,
    coverage,
    overlays,
    privates,
    wrap: (argv) => laneArgv(argv, { cgroupDir, holder: h ? { pid: h.pid, root: sandbox.root } : null, cwd: sandbox.work }),
    async pids() {
      if (!cgroupDir) return null;
      return (await cgroupPids(cgroupDir)).filter((p) => p !== h?.pid);
    },
    async end() {
      if (cgroupDir) return (await killCgroup(cgroupDir)).pids;
      if (h?.running()) sendSignal(h.pid, 'SIGKILL');
      return [];
    },
  };
}

/** Pure: whether a host path is hidden from the lane by its private directories (for evidence). */
export function hiddenInLane(p: string): boolean {
  return PRIVATE_DIRS.some((d) => isInside(p, d));
}
