// Scanner benchmark: hunt's full scan vs ripgrep and grep on the same time-ordered log (1 GiB, 30 days,
// 13 literal signatures at ~1 line in 2,000 each), and hunt's 120-minute window-only scan on that file and on
// a 10 MiB file with the same last 120 minutes. Every hunt run is its own process (peak RSS per run).
// Prints tables, asserts nothing. BENCH_SIZE_MB shrinks the file for a quick run; BENCH_REPEAT (default 3)
// sets how many times each timed command runs (the best run is shown: all runs are warm-cache).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureData, SIGNATURES } from './lib/gen-log.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sizeMb = Number(process.env.BENCH_SIZE_MB ?? 1024);
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
const WINDOW_MIN = 120;

const { big, small } = ensureData(path.join(here, '.data'), sizeMb, (m) => console.log(m));
const bigSize = statSync(big).size;
const smallSize = statSync(small).size;

function lastTimestamp(file) {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(Math.min(size, 64 * 1024));
  readSync(fd, buf, 0, buf.length, size - buf.length);
  closeSync(fd);
  const all = [...buf.toString('latin1').matchAll(/^(\d{4}-\d\d-\d\dT[\d:.]+Z)/gm)];
  return Date.parse(all[all.length - 1][1]);
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MARK = 'HUNT_BENCH_TIME';

/** Runs a command once: wall time (measured here), CPU time and peak RSS (from /usr/bin/time when present). */
function runOnce(cmd, args, env) {
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

/** Best (lowest wall) of `repeat` runs; peak RSS is the worst seen. */
function timed(cmd, args, env = {}) {
  let best = null;
  for (let i = 0; i < repeat; i++) {
    const r = runOnce(cmd, args, env);
    if (!best || r.wallMs < best.wallMs) best = { ...r, rssKb: Math.max(r.rssKb, best?.rssKb ?? 0) };
    else best.rssKb = Math.max(best.rssKb, r.rssKb);
  }
  return best;
}

function hunt(file, totals, workers) {
  const job = { file, patterns: SIGNATURES, windowStartMs, windowEndMs, totals, workers };
  const r = timed(process.execPath, [path.join(here, 'lib', 'hunt-child.mjs'), JSON.stringify(job)]);
  const res = JSON.parse(r.out);
  return { ...res, wallMs: r.wallMs, cpuMs: r.cpuMs, maxRssKb: Number.isNaN(r.rssKb) ? res.maxRssKb : Math.max(r.rssKb, res.maxRssKb) };
}

function perPattern(cmd, mk, env) {
  let ms = 0;
  let cpu = 0;
  let rss = 0;
  const counts = SIGNATURES.map((p) => {
    const r = timed(cmd, mk(p), env);
    ms += r.wallMs;
    cpu += r.cpuMs;
    rss = Math.max(rss, r.rssKb);
    return Number(r.out.trim() || 0);
  });
  return { ms, cpu, rss, counts };
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const mbps = (bytes, ms) => (bytes / 1048576 / (ms / 1000)).toFixed(0);
const pad = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);

const windowEndMs = lastTimestamp(big);
const windowStartMs = windowEndMs - WINDOW_MIN * 60_000;
spawnSync('sh', ['-c', `cat "${big}" "${small}" > /dev/null`]); // warm the page cache: every run below is warm

console.log(`file: ${path.relative(process.cwd(), big)} (${(bigSize / 1048576).toFixed(0)} MiB, 30 days), tail: ${(smallSize / 1048576).toFixed(1)} MiB`);
console.log(
  `machine: ${os.availableParallelism()} cores, node ${process.version}, load avg ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; best of ${repeat} warm-cache runs`,
);
console.log(`window: ${new Date(windowStartMs).toISOString()} .. ${new Date(windowEndMs).toISOString()} (${WINDOW_MIN} min)\n`);

const full = hunt(big, true);
const full1 = hunt(big, true, 1);
const winBig = hunt(big, false);
const winSmall = hunt(small, false);
const grep = perPattern('grep', (p) => ['-c', '-F', '--', p, big], { LC_ALL: 'C' });
const rgInstalled = has('rg');
const rg = rgInstalled ? perPattern('rg', (p) => ['--no-config', '-c', '-F', '--', p, big]) : null;
const rgAll = rgInstalled ? timed('rg', ['--no-config', '-c', '-F', ...SIGNATURES.flatMap((p) => ['-e', p]), big]) : null;

const mb = (kb) => (Number.isNaN(kb) || !kb ? '' : `${(kb / 1024).toFixed(0)} MB`);
const rows = [
  ['hunt full scan (all cores)', full.wallMs, full.cpuMs, bigSize, mb(full.maxRssKb), `scan ${full.scanMs.toFixed(0)} ms in-process`],
  ['hunt full scan (1 thread)', full1.wallMs, full1.cpuMs, bigSize, mb(full1.maxRssKb), `scan ${full1.scanMs.toFixed(0)} ms in-process`],
  rg ? ['rg -c -F, once per pattern (x13)', rg.ms, rg.cpu, bigSize, mb(rg.rss), 'per-signature counts, like hunt'] : ['rg', NaN, NaN, 0, '', 'not installed'],
  rgAll
    ? [
        'rg -c -F -e p1 .. -e p13 (one pass)',
        rgAll.wallMs,
        rgAll.cpuMs,
        bigSize,
        mb(rgAll.rssKb),
        `one combined count (${rgAll.out.trim()}), not per signature`,
      ]
    : null,
  ['grep -c -F, once per pattern (x13)', grep.ms, grep.cpu, bigSize, mb(grep.rss), 'LC_ALL=C'],
  [
    `hunt window ${WINDOW_MIN} min, ${(bigSize / 1048576).toFixed(0)} MiB file`,
    winBig.wallMs,
    winBig.cpuMs,
    winBig.source.bytesRead,
    mb(winBig.maxRssKb),
    `scan ${winBig.scanMs.toFixed(1)} ms in-process, read ${(winBig.source.bytesRead / 1048576).toFixed(2)} MiB, seeked=${winBig.source.seeked}`,
  ],
  [
    `hunt window ${WINDOW_MIN} min, ${(smallSize / 1048576).toFixed(0)} MiB file`,
    winSmall.wallMs,
    winSmall.cpuMs,
    winSmall.source.bytesRead,
    mb(winSmall.maxRssKb),
    `scan ${winSmall.scanMs.toFixed(1)} ms in-process, read ${(winSmall.source.bytesRead / 1048576).toFixed(2)} MiB, seeked=${winSmall.source.seeked}`,
  ],
].filter(Boolean);

const num = (x) => (Number.isNaN(x) ? '-' : x.toFixed(0));
console.log(`${pad('run', 40)} ${padL('wall ms', 8)} ${padL('cpu ms', 8)} ${padL('MB/s', 6)} ${padL('peak RSS', 9)}  note`);
for (const [name, ms, cpu, bytes, rss, note] of rows) {
  console.log(
    `${pad(name, 40)} ${padL(num(ms), 8)} ${padL(num(cpu), 8)} ${padL(Number.isNaN(ms) || !bytes ? '-' : mbps(bytes, ms), 6)} ${padL(rss, 9)}  ${note}`,
  );
}
console.log('(wall = whole process incl. node start-up; cpu = user+sys of the process, all threads; MB/s = bytes read / wall)\n');

let allMatch = true;
console.log(
  `${pad('signature', 30)} ${padL('hunt', 7)} ${padL('grep', 7)} ${padL('rg', 7)}  total   ${padL('win full', 8)} ${padL('win seek', 8)} ${padL('win 10M', 8)}  window`,
);
SIGNATURES.forEach((p, i) => {
  const okTotal = full.total[i] === grep.counts[i] && (!rg || rg.counts[i] === grep.counts[i]) && full1.total[i] === grep.counts[i];
  const okWin = full.window[i] === winBig.window[i] && winBig.window[i] === winSmall.window[i] && full1.window[i] === full.window[i];
  allMatch &&= okTotal && okWin;
  console.log(
    `${pad(p.slice(0, 30), 30)} ${padL(full.total[i], 7)} ${padL(grep.counts[i], 7)} ${padL(rg ? rg.counts[i] : '-', 7)}  ${okTotal ? 'MATCH   ' : 'MISMATCH'} ${padL(full.window[i], 8)} ${padL(winBig.window[i], 8)} ${padL(winSmall.window[i], 8)}  ${okWin ? 'MATCH' : 'MISMATCH'}`,
  );
});
console.log(
  `\ncounts: ${allMatch ? 'all MATCH' : 'MISMATCH (see above)'}; lines ${full.source.linesTotal}, without timestamp ${full.source.linesWithoutTimestamp}, format ${full.source.timestampFormat}`,
);
