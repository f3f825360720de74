/**
 * Runs a short, trusted system tool (`ps`, `lsof`) and captures its stdout. Unlike exec.ts it never
 * needs the process table to end what it started (the one child is killed on timeout), which is what
 * lets the process table itself use it: exec -> signals -> proctable -> capture has no cycle.
 */
import { startChild } from './child.js';

/** stdout of `file args`, or '' when it cannot run or fails; never throws. */
export async function captureTool(file: string, args: string[], timeoutMs = 10_000): Promise<{ stdout: string; ok: boolean }> {
  const res = await startChild(file, args, { maxBuffer: 64 * 1024 * 1024, timeoutMs, killAfterMs: 1000 }).done;
  if (res.spawnError !== null) return { stdout: '', ok: false };
  // one final newline off, as before (callers split lines)
  return { stdout: res.stdout.replace(/\r?\n$/, ''), ok: res.exitCode === 0 && !res.timedOut };
}
