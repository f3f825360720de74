/** Signal helpers shared by exec, the supervisor, the gate and the chaos lane; the one liveness test. */
import { readFileSync } from 'node:fs';
import { listProcesses } from './proctable.js';

/**
 * Whether a pid runs. A signal-0 probe alone also succeeds for zombies, and an orphaned zombie may never be
 * reaped when PID 1 is not a real init (containers): an exited process is not running, so on Linux the
 * state in /proc/<pid>/stat decides. EPERM means alive but not ours. Without /proc the probe decides.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Sends a signal to a pid or (negative) group; returns false when nothing received it. */
export function sendSignal(pidOrGroup: number, signal: NodeJS.Signals | number): boolean {
  try {
    process.kill(pidOrGroup, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a process group still has a live member. kill(-pgid, 0) also succeeds for zombies, so on a
 * positive probe the process table (which leaves zombies out) confirms.
 */
async function groupAlive(pgid: number): Promise<boolean> {
  if (!sendSignal(-pgid, 0)) return false;
  return (await listProcesses()).some((p) => p.pgid === pgid);
}

/** SIGTERM a process group, then SIGKILL it after `graceMs` if any live member remains. */
export async function killGroup(pgid: number, graceMs: number): Promise<void> {
  sendSignal(-pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await groupAlive(pgid))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  sendSignal(-pgid, 'SIGKILL');
}
