/**
 * The one way tests run the built CLI: `node bin/hunt.js ...args`, output collected, a hard kill after
 * `timeoutMs` so a hang fails the test instead of stalling the suite. Suites wrap it with their own
 * environment (temp HOME, TMPDIR, tags) but never spawn hunt another way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const huntBin = path.join(repoRoot, 'bin', 'hunt.js');
export const gatewayBin = path.join(repoRoot, 'bin', 'hunt-sample-gateway.js');

export interface HuntResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnHuntOptions {
  cwd: string;
  /** The whole environment of the child (callers build it; see cleanEnv). */
  env: NodeJS.ProcessEnv;
  /** Hard limit before SIGKILL (default 90 s: generous, a loaded machine is slow; it only stops hangs). */
  timeoutMs?: number;
  /** The script to run instead of bin/hunt.js (e.g. the sample gateway's bin). */
  script?: string;
}

/** Spawns the built CLI; `done` resolves when it has exited and its pipes closed. */
export function spawnHunt(args: string[], o: SpawnHuntOptions): { child: ChildProcess; done: Promise<HuntResult> } {
  const child = spawn(process.execPath, [o.script ?? huntBin, ...args], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<HuntResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 90_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Runs the built CLI to completion. */
export function runHunt(args: string[], o: SpawnHuntOptions): Promise<HuntResult> {
  return spawnHunt(args, o).done;
}

/** A clean environment: `home` as HOME, no colour, none of the caller's HUNT_*, SAMPLE_GATEWAY_*, CI or step summary. */
export function cleanEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(HUNT_|SAMPLE_GATEWAY_)/.test(k) && k !== 'CI' && k !== 'GITHUB_STEP_SUMMARY') env[k] = v;
  }
  return { ...env, HOME: home, NO_COLOR: '1', ...extra };
}
