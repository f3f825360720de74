/**
 * Leftovers of a gate that was SIGKILLed: a test or verify command it started keeps running in its own
 * process group. Before an interrupted idempotent step runs again, its earlier attempt is ended, so the
 * same test never runs twice at once. Only a process that carries this out-dir's marker in its
 * environment is touched (a recycled pid belongs to someone else); without /proc (macOS) nothing is
 * killed, the operator is told instead.
 */
import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { isRunning, killGroup } from '../runtime/signals.js';

/** Env var set on every command the gate runs: its value is the absolute out-dir with a trailing separator. */
export const GATE_MARKER_ENV = 'HUNT_GATE_OUT_DIR';

/** The marker value of an out-dir (trailing separator: /a/out never matches /a/out-2). */
export function markerValue(outDir: string): string {
  return outDir.endsWith(path.sep) ? outDir : `${outDir}${path.sep}`;
}

/** Whether pid is a live hunt process (a gate still working on an out-dir); false for a recycled pid. */
export function isHuntProcess(pid: number): boolean {
  if (pid === process.pid || !isRunning(pid)) return false;
  try {
    return /\bhunt(\.js)?\b/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
  } catch {
    return process.platform !== 'linux';
  }
}

/** Whether pid's environment carries the gate marker for outDir: true/false, or null when unknowable. */
export async function carriesMarker(pid: number, outDir: string): Promise<boolean | null> {
  let env: string;
  try {
    env = await fsp.readFile(`/proc/${pid}/environ`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' && process.platform === 'linux' ? false : null;
  }
  return env.split('\0').includes(`${GATE_MARKER_ENV}=${markerValue(outDir)}`);
}

/** Ends the process group of an interrupted attempt (pid = its group leader) if it is still ours and alive. */
export async function reapInterrupted(pid: number, outDir: string, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  if (!isRunning(pid)) return;
  const ours = await carriesMarker(pid, outDir);
  if (ours === true) await killGroup(pid, 2000);
  else if (ours === null) warn(`hunt: pid ${pid} of an interrupted step may still be running; check it before trusting this re-run`);
}
