/** Signal helpers shared by exec and the supervisor. */

/** Whether a pid is alive (signal 0 probe; EPERM means alive but not ours). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
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
 * Whether a process group still has a live member. kill(-pgid, 0) also succeeds for zombies, and an
 * orphaned zombie may never be reaped when PID 1 is not a real init (containers); so on a positive
 * probe, confirm with the process table, which leaves zombies out.
 */
async function groupAlive(pgid: number): Promise<boolean> {
  if (!sendSignal(-pgid, 0)) return false;
  const { listProcesses } = await import('./proctable.js');
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
