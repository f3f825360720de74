/** Shared by the collect and init e2e tests: spawn the built bin with a temp HOME, drive the sample gateway. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, runHunt, type HuntResult } from '../helpers/spawn-hunt.js';

export { repoRoot, huntBin, gatewayBin } from '../helpers/spawn-hunt.js';

export type RunResult = HuntResult;
export { cleanEnv };

/** Runs a node script to completion (killed after `timeoutMs`, so a hang fails the test instead of stalling it). */
export function runNode(script: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return runHunt(args, { ...opts, script });
}

/** Runs `hunt <args>`. */
export function hunt(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return runHunt(args, { timeoutMs: 45_000, ...opts });
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
