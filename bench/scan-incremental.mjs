// The product path over time: hunt's first scan of a log (no checkpoint), then the next run after the daemon
// appended 10 MiB (only those bytes are counted, the window is seeked), on a 10 MiB, a 1 GiB and (disk
// allowing) a 10 GiB log with the same last days; the same on a 1 GiB log in nginx's error format (a preset,
// zone-less) next to ISO; and `hunt collect` itself on a target that is down, 1 GiB vs 10 MiB log. Every run
// is its own process (peak RSS per run). BENCH_10G=0 skips the 10 GiB log; BENCH_REPEAT sets runs per row.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendLog, ensureData, END_MS, SIGNATURES } from './lib/gen-log.mjs';
import { hunt, machine, runOnce, table, timed } from './lib/measure.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const data = path.join(here, '.data');
const work = path.join(data, 'work');
mkdirSync(work, { recursive: true });
const log = (m) => console.log(m);
const APPEND = 10 * 1024 * 1024;
const WINDOW = 120 * 60_000;

/** A work copy of a cached log, reset to its generated size (earlier runs appended to it). */
function workCopy(src, name) {
  const dest = path.join(work, name);
  const size = statSync(src).size;
  if (!existsSync(dest) || statSync(dest).size < size) copyFileSync(src, dest);
  else truncateSync(dest, size);
  return dest;
}

/**
 * Appends 10 MiB stamped after everything so far, spread over one window length, so the window of the next
 * run is exactly the appended bytes, whatever the log's size or density; returns the new window end.
 */
let appends = 0;
function grow(file, format = 'iso') {
  const from = END_MS + appends * WINDOW;
  appends++;
  appendLog(file, APPEND, from, WINDOW, appends, format);
  return from + WINDOW;
}

const sizes = [
  ['10 MiB', ensureData(data, 1024, log).small],
  ['1 GiB', ensureData(data, 1024, log).big],
];
const free = Number(spawnSync('df', ['-Pk', data], { encoding: 'utf8' }).stdout.split('\n')[1]?.split(/\s+/)[3] ?? 0) * 1024;
if (process.env.BENCH_10G !== '0' && free > 40 * 1024 ** 3) sizes.push(['10 GiB', ensureData(data, 10240, log).big]);
const nginx = ensureData(data, 1024, log, 'nginx-error').big;

console.log(machine());
console.log(`each "next run" follows a 10 MiB append stamped over the next 120 min: its window is those 10 MiB, and only they are counted\n`);
const rows = [];
const results = {};
function series(label, src, name, format, timestamp) {
  const file = workCopy(src, name);
  runOnce('sh', ['-c', `cat "${file}" > /dev/null`]);
  const stateDir = path.join(work, `state-${name}`);
  rmSync(stateDir, { recursive: true, force: true });
  let end = END_MS;
  const job = () => ({ file, patterns: SIGNATURES, windowStartMs: end - WINDOW, windowEndMs: end, totals: true, stateDir, timestamp });
  const first = hunt(job(), () => rmSync(stateDir, { recursive: true, force: true }));
  const next = hunt(job(), undefined, 1); // checkpoint in place
  let best = null;
  for (let i = 0; i < Number(process.env.BENCH_REPEAT ?? 3); i++) {
    end = grow(file, format);
    const r = hunt(job(), undefined, 1);
    if (!best || r.wallMs < best.wallMs) best = r;
  }
  const s = (r) =>
    `read ${(r.source.bytesRead / 1048576).toFixed(1)} MiB, from checkpoint ${(r.source.bytesFromCheckpoint / 1048576).toFixed(0)} MiB, seeked=${r.source.seeked}`;
  rows.push([`${label}: first scan (no checkpoint)`, first.wallMs, first.cpuMs, first.rssKb, s(first)]);
  rows.push([`${label}: next run, nothing appended`, next.wallMs, next.cpuMs, next.rssKb, s(next)]);
  rows.push([`${label}: next run after +10 MiB`, best.wallMs, best.cpuMs, best.rssKb, s(best)]);
  results[label] = best;
  return best;
}
for (const [label, src] of sizes) series(`${label} ISO`, src, `iso-${label.replace(' ', '')}.log`, 'iso');
series('1 GiB nginx-error (auto)', nginx, 'nginx-1GiB.log', 'nginx-error');
table(rows);
// Wall and CPU: on a shared, loaded machine the CPU ratio is the steadier of the two.
const ratio = (a, b) =>
  results[a] && results[b] ? `${(results[a].wallMs / results[b].wallMs).toFixed(2)}x wall, ${(results[a].cpuMs / results[b].cpuMs).toFixed(2)}x cpu` : '-';
console.log(`\nnext run after +10 MiB: 1 GiB / 10 MiB = ${ratio('1 GiB ISO', '10 MiB ISO')} (target <= 1.2)`);
if (results['10 GiB ISO']) console.log(`next run after +10 MiB: 10 GiB / 1 GiB = ${ratio('10 GiB ISO', '1 GiB ISO')} (target: the same)`);
console.log(`nginx-error preset / ISO, next run: ${ratio('1 GiB nginx-error (auto)', '1 GiB ISO')}`);

// The whole command: `hunt collect` on a target that is down (nothing listens), checkpoint in its own state dir.
const bin = path.join(here, '..', 'bin', 'hunt.js');
const collectRows = [];
const collect = {};
for (const [label, src] of sizes.slice(0, 2)) {
  const file = workCopy(src, `collect-${label.replace(' ', '')}.log`);
  const dir = path.join(work, `collect-${label.replace(' ', '')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const profile = {
    target: {
      name: 'down',
      versionCommand: 'false',
      statusCommand: 'false',
      startCommand: 'false',
      port: 47999,
      home: dir,
      healthUrl: 'http://127.0.0.1:47999/healthz',
    },
    logs: [{ source: 'app', path: file }],
    signatures: SIGNATURES.map((p, i) => ({ name: `s${i}`, source: 'app', pattern: p })),
  };
  writeFileSync(path.join(dir, 'hunt.config.json'), JSON.stringify(profile));
  const args = [bin, 'collect', '--config', path.join(dir, 'hunt.config.json'), '--output', path.join(dir, 'out.json'), '--state-dir', path.join(dir, 'state')];
  const first = runOnce(process.execPath, args);
  const next = timed(process.execPath, args, {}, () => grow(file));
  collect[label] = next;
  collectRows.push([`hunt collect, ${label} log: first (no checkpoint)`, first.wallMs, first.cpuMs, first.rssKb, 'target down: commands fail, health refused']);
  collectRows.push([`hunt collect, ${label} log: after +10 MiB`, next.wallMs, next.cpuMs, next.rssKb, '']);
}
const node0 = timed(process.execPath, ['-e', '0']);
collectRows.push(['node -e 0', node0.wallMs, node0.cpuMs, node0.rssKb, 'process start-up alone']);
console.log('');
table(collectRows);
if (collect['1 GiB'] && collect['10 MiB']) {
  const [a, b] = [collect['1 GiB'], collect['10 MiB']];
  console.log(
    `\nhunt collect after +10 MiB: 1 GiB / 10 MiB = ${(a.wallMs / b.wallMs).toFixed(2)}x wall, ${(a.cpuMs / b.cpuMs).toFixed(2)}x cpu (target <= 1.2)`,
  );
}
console.log('(wall = whole process; cpu = user+sys of all threads; peak RSS from /usr/bin/time)');
