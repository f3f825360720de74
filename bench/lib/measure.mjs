// Timing helpers shared by the benchmarks: every measured command is its own process; wall time is measured
// here, CPU time and peak RSS come from /usr/bin/time when present. Nothing is asserted.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MARK = 'HUNT_BENCH_TIME';
export const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));

/** Runs a command once: wall ms, CPU ms (user+sys, all threads), peak RSS KB, stdout. */
export function runOnce(cmd, args, env = {}) {
  const argv = TIME ? [TIME, '-f', `${MARK} %U %S %M`, cmd, ...args] : [cmd, ...args];
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const wallMs = performance.now() - t0;
  if (r.error) throw r.error;
  const m = new RegExp(`${MARK} ([\\d.]+) ([\\d.]+) (\\d+)`).exec(r.stderr);
  const status = r.stderr.includes('Command exited with non-zero status') ? Number(/status (\d+)/.exec(r.stderr)[1]) : r.status;
  if (status !== 0 && status !== 1) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} exited ${status}: ${r.stderr}`);
  return { wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN, rssKb: m ? Number(m[3]) : NaN, out: r.stdout };
}

/** Best (lowest wall) of REPEAT runs, `before` run ahead of each; peak RSS is the worst seen. */
export function timed(cmd, args, env = {}, before = () => {}, repeat = REPEAT) {
  let best = null;
  let rss = 0;
  for (let i = 0; i < repeat; i++) {
    before(i);
    const r = runOnce(cmd, args, env);
    rss = Math.max(rss, Number.isNaN(r.rssKb) ? 0 : r.rssKb);
    if (!best || r.wallMs < best.wallMs) best = r;
  }
  return { ...best, rssKb: rss || NaN };
}

/** One hunt scan in a child process (bench/lib/hunt-child.mjs); `before` runs ahead of each repeat. */
export function hunt(job, before, repeat) {
  const r = timed(process.execPath, [path.join(here, 'hunt-child.mjs'), JSON.stringify(job)], {}, before, repeat);
  const res = JSON.parse(r.out);
  return { ...res, wallMs: r.wallMs, cpuMs: r.cpuMs, rssKb: Number.isNaN(r.rssKb) ? res.maxRssKb : r.rssKb };
}

export const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
export const mb = (kb) => (Number.isNaN(kb) || !kb ? '' : `${(kb / 1024).toFixed(0)} MB`);
export const num = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
export const pad = (s, n) => String(s).padEnd(n);
export const padL = (s, n) => String(s).padStart(n);

/** The machine line every table starts with (load matters: the machine is shared). */
export function machine() {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `machine: ${os.availableParallelism()} cores, node ${process.version}, load avg ${load}; best of ${REPEAT} warm-cache runs`;
}

/** Prints rows [name, wallMs, cpuMs, rssKb, note] as a table. */
export function table(rows) {
  const w = Math.max(40, ...rows.map((r) => r[0].length));
  console.log(`${pad('run', w)} ${padL('wall ms', 8)} ${padL('cpu ms', 8)} ${padL('peak RSS', 9)}  note`);
  for (const [name, wall, cpu, rss, note] of rows) console.log(`${pad(name, w)} ${padL(num(wall), 8)} ${padL(num(cpu), 8)} ${padL(mb(rss), 9)}  ${note ?? ''}`);
}
