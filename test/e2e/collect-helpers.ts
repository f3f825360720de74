/** Shared by the collect and init e2e tests: spawn the built bin with a temp HOME, drive the sample gateway. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const huntBin = path.join(repoRoot, 'bin', 'hunt.js');
export const gatewayBin = path.join(repoRoot, 'bin', 'hunt-sample-gateway.js');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: temp HOME, no colour, none of the caller's HUNT_* or SAMPLE_GATEWAY_* variables. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(HUNT_|SAMPLE_GATEWAY_)/.test(k) && k !== 'CI') env[k] = v;
  return { ...env, HOME: home, NO_COLOR: '1', ...extra };
}

/** Runs a node script to completion (killed after `timeoutMs`, so a hang fails the test instead of stalling it). */
export function runNode(script: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `hunt <args>`. */
export function hunt(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return runNode(huntBin, args, opts);
}

/** A temp directory removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a JSON file (test profiles). */
export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
