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

/** SIGTERM a process group, then SIGKILL it after `graceMs` if its leader is still alive. */
export async function killGroup(pgid: number, graceMs: number): Promise<void> {
  sendSignal(-pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!sendSignal(-pgid, 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  sendSignal(-pgid, 'SIGKILL');
}
