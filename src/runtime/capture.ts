/**
 * Runs a short, trusted system tool (`ps`, `lsof`) and captures its stdout. Unlike exec.ts it never
 * needs the process table to end what it started (execa kills the one child on timeout), which is what
 * lets the process table itself use it: exec -> signals -> proctable -> capture has no cycle.
 */
import { execa } from 'execa';

/** stdout of `file args`, or '' when it cannot run or fails; never throws. */
export async function captureTool(file: string, args: string[], timeoutMs = 10_000): Promise<{ stdout: string; ok: boolean }> {
  try {
    const res = await execa(file, args, { reject: false, timeout: timeoutMs, stdin: 'ignore', maxBuffer: 64 * 1024 * 1024, forceKillAfterDelay: 1000 });
    return { stdout: String(res.stdout ?? ''), ok: res.exitCode === 0 };
  } catch {
    return { stdout: '', ok: false };
  }
}
