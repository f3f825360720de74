/** Spawns the built CLI (bin/hunt.js) the way a user does: temp HOME, NO_COLOR, no inherited CI summary. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const bin = fileURLToPath(new URL('../../bin/hunt.js', import.meta.url));
export const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/hunt.js ...args` and resolves with its exit code and output (killed after 180 s: a hang, not a slow machine). */
export function hunt(args: string[], opts: { cwd?: string; home: string; env?: Record<string, string> }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: opts.home, NO_COLOR: '1', ...(opts.env ?? {}) };
    if (!opts.env?.GITHUB_STEP_SUMMARY) delete env.GITHUB_STEP_SUMMARY;
    const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
