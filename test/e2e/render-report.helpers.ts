/** Spawns the built CLI (bin/hunt.js) the way a user does: temp HOME, NO_COLOR, no inherited CI summary. */
import { fileURLToPath } from 'node:url';
import { runHunt, type HuntResult } from '../helpers/spawn-hunt.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const bin = fileURLToPath(new URL('../../bin/hunt.js', import.meta.url));
export const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

export type RunResult = HuntResult;

/** Runs `node bin/hunt.js ...args` with a temp HOME and NO_COLOR; GITHUB_STEP_SUMMARY only when given. */
export function hunt(args: string[], opts: { cwd?: string; home: string; env?: Record<string, string> }): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: opts.home, NO_COLOR: '1', ...(opts.env ?? {}) };
  if (!opts.env?.GITHUB_STEP_SUMMARY) delete env.GITHUB_STEP_SUMMARY;
  return runHunt(args, { cwd: opts.cwd ?? repoRoot, env });
}
