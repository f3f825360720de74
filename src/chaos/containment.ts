/**
 * The containment level of a chaos run, decided once before any lane starts and recorded in the report:
 * - `namespaces`: every lane runs in a mount namespace of its own (private /tmp and /var/tmp, production
 *   covered read-only / copy-on-write) and, where cgroup v2 is available, a cgroup of its own;
 * - `audit-only`: no kernel isolation (not Linux, not root, or simulated with HUNT_CHAOS_CONTAINMENT=audit-only):
 *   the lane runs as before and the after-the-fact audit attributes changes by the lane's process tree.
 * Processes are ended through the lane cgroup when there is one, else through the (pid, start id) registry.
 */
import { UsageError } from '../errors.js';
import { cgroupSupport } from '../runtime/cgroup.js';
import { mountNamespaceSupport } from '../runtime/mountns.js';

export const CONTAINMENT_ENV = 'HUNT_CHAOS_CONTAINMENT';

export type ContainmentLevel = 'namespaces' | 'audit-only';

export interface Containment {
  level: ContainmentLevel;
  /** Why this level (e.g. "not root (...)", "HUNT_CHAOS_CONTAINMENT=audit-only"). */
  why: string;
  /** Production is covered copy-on-write (overlay) rather than read-only binds. */
  overlay: boolean;
  /** Where lane cgroups go, or null with the reason in cgroupWhy. */
  cgroup: { mount: string; base: string } | null;
  cgroupWhy: string;
  /** How a lane's processes are ended and reclaimed. */
  processNet: 'cgroup' | 'registry';
}

/** Pure: the requested mode from the environment (exit 2 on a value hunt does not know). */
export function requestedContainment(env: NodeJS.ProcessEnv): 'auto' | 'audit-only' {
  const v = (env[CONTAINMENT_ENV] ?? '').trim();
  if (v === '' || v === 'auto') return 'auto';
  if (v === 'audit-only') return 'audit-only';
  throw new UsageError(`${CONTAINMENT_ENV}=${v}: expected auto or audit-only`, {
    hint: 'unset it to let hunt use the strongest containment this machine offers',
  });
}

/** Probes the machine (once per process) and decides the run's containment. */
export async function detectContainment(env: NodeJS.ProcessEnv): Promise<Containment> {
  if (requestedContainment(env) === 'audit-only') {
    const why = `${CONTAINMENT_ENV}=audit-only`;
    return { level: 'audit-only', why, overlay: false, cgroup: null, cgroupWhy: why, processNet: 'registry' };
  }
  const [ns, cg] = await Promise.all([mountNamespaceSupport(), cgroupSupport()]);
  const cgroup = cg.ok ? { mount: cg.mount, base: cg.base } : null;
  const cgroupWhy = cg.ok ? `cgroup v2 at ${cg.mount}` : cg.reason;
  const processNet = cgroup ? 'cgroup' : 'registry';
  if (!ns.ok) return { level: 'audit-only', why: ns.reason, overlay: false, cgroup, cgroupWhy, processNet };
  const why = ns.overlay ? 'mount namespaces with overlay (root)' : 'mount namespaces, no overlayfs: production bound read-only';
  return { level: 'namespaces', why, overlay: ns.overlay, cgroup, cgroupWhy, processNet };
}

/** Pure: the report's description of a containment. */
export function describeContainment(c: Containment): Record<string, unknown> {
  return {
    level: c.level,
    why: c.why,
    production: c.level === 'namespaces' ? (c.overlay ? 'copy-on-write' : 'read-only') : 'audited',
    processes: c.processNet,
    cgroup: c.cgroupWhy,
  };
}
