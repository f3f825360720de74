// Full-scan matrix: hunt's first scan (no checkpoint: every byte counted, window by seek) against
// `rg -c -F -f` and `grep -c -F -f` (all patterns in one pass) on the same 1 GiB time-ordered log, for several
// pattern sets (1 / 13 / 100 literals, short ones, ones sharing a prefix, ones with punctuation). hunt gives
// per-signature counts, rg and grep one combined count: the same search work. Per-signature counts are
// checked against `rg -c -F` once per pattern (on the 1 GiB log for the 13 literals, on the 10 MiB tail for
// the others). BENCH_SIZE_MB shrinks the log; BENCH_REPEAT (default 3) sets the runs per row (best shown).
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureData, END_MS } from './lib/gen-log.mjs';
import { has, hunt, machine, mb, num, pad, padL, runOnce, timed } from './lib/measure.mjs';
import { PATTERN_SETS } from './lib/patterns.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sizeMb = Number(process.env.BENCH_SIZE_MB ?? 1024);
const { big, small } = ensureData(path.join(here, '.data'), sizeMb, (m) => console.log(m));
const size = statSync(big).size;
const windowEndMs = END_MS;
const windowStartMs = END_MS - 120 * 60_000;
const rg = has('rg');
runOnce('sh', ['-c', `cat "${big}" "${small}" > /dev/null`]); // warm the page cache: every run below is warm

console.log(`file: ${path.relative(process.cwd(), big)} (${(size / 1048576).toFixed(0)} MiB, 30 days, ISO stamps)`);
console.log(machine());
console.log('hunt = first scan, no checkpoint: totals over every byte (WebAssembly kernel; a worker thread only for heavy kernels) + 120-min window by seek\n');

const head = `${pad('pattern set', 15)} ${padL('n', 3)} | ${padL('hunt ms', 8)} ${padL('cpu', 6)} ${padL('RSS', 7)} | ${padL('rg ms', 7)} ${padL('cpu', 6)} ${padL('RSS', 8)} | ${padL('grep ms', 8)} | ${padL('hunt/rg', 7)} | counts`;
console.log(head);
console.log('-'.repeat(head.length + 10));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-bench-'));
let allMatch = true;
try {
  for (const [name, patterns] of Object.entries(PATTERN_SETS)) {
    const patFile = path.join(tmp, `${name.replace(/\W+/g, '-')}.txt`);
    writeFileSync(patFile, `${patterns.join('\n')}\n`);
    const stateDir = path.join(tmp, 'state');
    const job = { file: big, patterns, windowStartMs, windowEndMs, totals: true, stateDir };
    const h = hunt(job, () => rmSync(stateDir, { recursive: true, force: true }));
    const r = rg ? timed('rg', ['--no-config', '-c', '-F', '-f', patFile, big]) : null;
    const g = runOnce('grep', ['-c', '-F', '-f', patFile, big], { LC_ALL: 'C' });
    // Per-signature check against rg once per pattern: on the big log for the 13 literals, the tail otherwise.
    const onBig = name === '13 literals';
    const checkFile = onBig ? big : small;
    const mine = onBig ? h : hunt({ ...job, file: small, stateDir: undefined }, undefined, 1);
    const ref = rg ? patterns.map((p) => Number(runOnce('rg', ['--no-config', '-c', '-F', '-e', p, checkFile]).out.trim() || 0)) : null;
    const ok = !ref || ref.every((c, i) => c === mine.total[i]);
    allMatch &&= ok;
    const ratio = r ? (h.wallMs / r.wallMs).toFixed(2) : '-';
    console.log(
      `${pad(name, 15)} ${padL(patterns.length, 3)} | ${padL(num(h.wallMs), 8)} ${padL(num(h.cpuMs), 6)} ${padL(mb(h.rssKb), 7)} | ${padL(r ? num(r.wallMs) : '-', 7)} ${padL(r ? num(r.cpuMs) : '-', 6)} ${padL(r ? mb(r.rssKb) : '', 8)} | ${padL(num(g.wallMs), 8)} | ${padL(ratio, 7)} | ${ok ? 'MATCH' : 'MISMATCH'} (${onBig ? '1 GiB' : 'tail'}; rg ${r ? r.out.trim() : '-'} lines, grep ${g.out.trim()})`,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log('\n(wall = whole process incl. node start-up; cpu = user+sys, all threads; rg RSS is its memory map of the file)');
console.log(`per-signature counts: ${allMatch ? 'all MATCH rg -c -F per pattern' : 'MISMATCH (see above)'}`);
