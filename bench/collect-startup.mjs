// `hunt collect` start-up on a target that is down, next to what a Node process costs anyway (issue 11).
// The profile is the starter one `hunt init` writes (version/status commands that do not exist, an HTTP health
// probe on a port nothing listens on), its HOME holds a 10 MiB log (and a 1 MiB error log) whose last line is
// now, so the 120-min window has lines. Rows: `node -e 0`, `hunt --version`, collect with its checkpoint in place
// (the usual case: nothing appended since the last run) and collect without one (state dir removed before each run).
// BENCH_REPEAT sets runs per row (default 10 here: start-up figures are small and the machine is shared).
// Prints figures only; asserts nothing.
import { mkdirSync, rmSync, existsSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLog } from './lib/gen-log.mjs';
import { machine, runOnce, table } from './lib/measure.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'hunt.js');
const dir = path.join(here, '.data', 'collect-startup');
const home = path.join(dir, 'home');
const proj = path.join(dir, 'project');
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 10));
const DAY = 24 * 3600 * 1000;

/** A port nothing listens on: bound once by the kernel's choice, then released. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Regenerates a log unless one of the right size ends within the last hour (so the window keeps its lines). */
function ensureLog(file, bytes, seed) {
  if (existsSync(file) && statSync(file).size >= bytes && Date.now() - statSync(file).mtimeMs < 3600_000) return;
  const now = Date.now();
  generateLog(file, bytes, seed, { t0: now - 30 * DAY, spanMs: 30 * DAY });
}

rmSync(proj, { recursive: true, force: true });
mkdirSync(proj, { recursive: true });
const env = { HOME: home, XDG_CACHE_HOME: path.join(dir, 'cache'), NO_COLOR: '1', NODE_OPTIONS: '' };
const port = await freePort();
const init = runOnce(process.execPath, [bin, 'init', '--dir', proj, '--port', String(port)], env);
if (!existsSync(path.join(proj, 'hunt.config.json'))) throw new Error(`hunt init wrote no profile: ${init.out}`);
mkdirSync(path.join(home, '.my-daemon', 'logs'), { recursive: true });
ensureLog(path.join(home, '.my-daemon', 'logs', 'my-daemon.log'), 10 * 1024 * 1024, 42);
ensureLog(path.join(home, '.my-daemon', 'logs', 'my-daemon.err.log'), 1024 * 1024, 43);

const state = path.join(dir, 'state');
const collect = [bin, 'collect', '--config', path.join(proj, 'hunt.config.json'), '--output', path.join(dir, 'out.json'), '--state-dir', state];

/** Every run of a row (each its own process): best and median wall, CPU of the best run. */
function row(name, cmd, args, before = () => {}, note = '') {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) {
    before();
    runs.push(runOnce(cmd, args, env));
  }
  runs.sort((a, b) => a.wallMs - b.wallMs);
  const median = runs[Math.floor(runs.length / 2)].wallMs;
  const rss = Math.max(...runs.map((r) => (Number.isNaN(r.rssKb) ? 0 : r.rssKb)));
  return [name, runs[0].wallMs, runs[0].cpuMs, rss || NaN, `median ${median.toFixed(0)} ms${note ? `; ${note}` : ''}`];
}

runOnce(process.execPath, collect, env); // a first run writes the checkpoint and warms the page cache
console.log(machine().replace(/best of \d+/, `best of ${REPEAT}`));
console.log(`target down on port ${port}; logs: 10 MiB + 1 MiB ending now; starter profile from hunt init\n`);
const rows = [
  row('node -e 0', process.execPath, ['-e', '0'], undefined, 'process start-up alone'),
  row('hunt --version', process.execPath, [bin, '--version'], undefined, 'the CLI shell: launcher, command table'),
  row('hunt collect (checkpoint in place)', process.execPath, collect, undefined, 'the usual run: nothing appended since the last'),
  row('hunt collect (no checkpoint)', process.execPath, collect, () => rmSync(state, { recursive: true, force: true }), 'counts all 11 MiB'),
];
table(rows);
// On a loaded machine every wall time stretches; the ratio to `node -e 0` of the same run travels better.
const [node0, , warm, cold] = rows;
const x = (r, i) => (r[i] / node0[i]).toFixed(1);
console.log(`\nhunt collect / node -e 0: checkpoint in place ${x(warm, 1)}x wall, ${x(warm, 2)}x cpu; no checkpoint ${x(cold, 1)}x wall, ${x(cold, 2)}x cpu`);
console.log('(wall = whole process, best of the runs; cpu = user+sys of that run, all threads; peak RSS from /usr/bin/time)');
