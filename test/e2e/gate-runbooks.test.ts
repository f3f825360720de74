/**
 * Every command in the release-gate runbooks must run. Each ```bash line that invokes hunt is checked
 * against `hunt <command> --help` (the command and every flag exist); every line not marked
 * `# your target` is then executed for real against the bundled sample gateway, in order, in a temp
 * working directory, and must exit 0 without a hunt error (lines that demonstrate a failure end in
 * `echo "exit $? (N expected...)"`, and N is checked).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HUNT, ROOT, cleanup, makeSandbox, tagged, type Sandbox } from '../fixtures/gate/harness.js';

const RUNBOOKS = ['runbooks/release-gate.md', 'runbooks/incident-playbooks.md', 'runbooks/evidence.md'];

/** Lines of ```bash blocks (without the `npm ci && ` prefix of the quick start: the suite runs installed). */
function bashLines(file: string): string[] {
  const out: string[] = [];
  let inBash = false;
  for (const line of readFileSync(path.join(ROOT, file), 'utf8').split('\n')) {
    if (/^```bash\s*$/.test(line)) inBash = true;
    else if (/^```/.test(line)) inBash = false;
    else if (inBash && line.trim() && !line.trim().startsWith('#')) out.push(line.trim().replace(/^npm ci && /, ''));
  }
  return out;
}

/** A small shell lexer: words (quotes removed) and unquoted ; && || separators. */
function segments(line: string): string[][] {
  const segs: string[][] = [[]];
  let word = '';
  let has = false;
  let q: '"' | "'" | null = null;
  const flush = () => {
    if (has) segs[segs.length - 1].push(word);
    word = '';
    has = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === q) q = null;
      else word += c;
    } else if (c === '"' || c === "'") {
      q = c;
      has = true;
    } else if (c === '#' && !has) break;
    else if (/\s/.test(c)) flush();
    else if (c === ';' || (c === '&' && line[i + 1] === '&') || (c === '|' && line[i + 1] === '|')) {
      flush();
      if (c !== ';') i++;
      segs.push([]);
    } else {
      word += c;
      has = true;
    }
  }
  flush();
  return segs.filter((s) => s.length);
}

/** The hunt subcommand and its arguments of a segment, or null when it does not run hunt. */
function huntCall(seg: string[]): { cmd: string; args: string[] } | null {
  const words = seg.slice(seg.findIndex((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w)));
  if (words[0] === 'node' && words[1] === 'bin/hunt.js') return { cmd: words[2], args: words.slice(3) };
  const npm = words[0] === 'npm' && words[1] === 'run' ? /^hunt:(.+)$/.exec(words[2] ?? '') : null;
  if (npm) return { cmd: npm[1], args: words.slice(words[3] === '--' ? 4 : 3) };
  return null;
}

const helpCache = new Map<string, string>();
function help(cmd: string): string {
  if (!helpCache.has(cmd)) {
    const r = spawnSync(process.execPath, [HUNT, cmd, '--help'], { encoding: 'utf8' });
    expect(r.status, `hunt ${cmd} --help: ${r.stderr}`).toBe(0);
    helpCache.set(cmd, r.stdout);
  }
  return helpCache.get(cmd)!;
}

function bash(cmd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', cmd], { cwd: sb.dir, env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
});
afterAll(async () => {
  await cleanup(sb);
});

describe('runbook commands', () => {
  it('the runbooks have commands at all (the extraction works)', () => {
    expect(bashLines('runbooks/release-gate.md').some((l) => l.includes('--demo'))).toBe(true);
    expect(segments(`A=1 node bin/hunt.js x --a 'b c'; echo "exit $? (1 expected)"`)).toEqual([
      ['A=1', 'node', 'bin/hunt.js', 'x', '--a', 'b c'],
      ['echo', 'exit $? (1 expected)'],
    ]);
  });

  for (const file of RUNBOOKS) {
    it(`${file}: every hunt command and flag exists`, () => {
      const calls = bashLines(file)
        .flatMap(segments)
        .map(huntCall)
        .filter((c): c is NonNullable<typeof c> => c !== null);
      expect(calls.length).toBeGreaterThan(0);
      for (const c of calls) {
        const text = help(c.cmd);
        for (const flag of c.args.filter((a) => /^--[a-z]/.test(a)).map((a) => a.split('=')[0])) {
          expect(text, `hunt ${c.cmd} has no ${flag} (in ${file})`).toContain(flag);
        }
      }
    });
  }

  // Two independent chains run side by side (each in order: evidence.md re-renders the demo gate of
  // release-gate.md; playbook 5 resumes the gate of playbook 1). Every gate uses its own out-dir and port.
  it('every runnable runbook command runs against the sample gateway and leaves nothing behind', async () => {
    const chain = async (files: string[]) => {
      for (const file of files) {
        for (const line of bashLines(file).filter((l) => !l.includes('# your target'))) {
          const cmd = line.replace(/npm run hunt:([a-z-]+) --/g, `node bin/hunt.js $1`).replace(/\bbin\/hunt\.js\b/g, JSON.stringify(HUNT));
          const r = await bash(cmd);
          const where = `${file}: ${line}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
          expect(r.status, where).toBe(0);
          expect(r.stderr, where).not.toMatch(/hunt: (error|internal error)/);
          const expected = /exit (\d+) \((\d+) expected/.exec(r.stdout);
          if (expected) expect(expected[1], where).toBe(expected[2]);
        }
      }
    };
    await Promise.all([chain(['runbooks/release-gate.md', 'runbooks/evidence.md']), chain(['runbooks/incident-playbooks.md'])]);
  }, 300_000);

  it('nothing the runbook commands started is still running', async () => {
    expect(await tagged(sb)).toEqual([]);
  });
});
