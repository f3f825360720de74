// Runs one hunt scan in its own process, so the parent can read its wall time and peak RSS in isolation.
// argv[2]: JSON {file, patterns, windowStartMs, windowEndMs, totals, workers?, stateDir?, timestamp?}.
// Prints one JSON line.
import { scanSignatures } from '../../dist/scan/index.js';

const job = JSON.parse(process.argv[2]);
const sigs = job.patterns.map((p, i) => ({ name: `s${i}`, source: 'bench', pattern: p, regex: false }));
const t0 = performance.now();
const r = await scanSignatures([{ source: 'bench', path: job.file, rotated: false, timestamp: job.timestamp ?? { format: 'auto' } }], sigs, {
  windowStartMs: job.windowStartMs,
  windowEndMs: job.windowEndMs,
  redact: (t) => t,
  totals: job.totals,
  stateDir: job.stateDir,
  tuning: job.workers === undefined ? undefined : { workers: job.workers },
});
const scanMs = performance.now() - t0;
process.stdout.write(
  `${JSON.stringify({
    scanMs,
    maxRssKb: process.resourceUsage().maxRSS, // includes the worker threads: they live in this process
    total: r.signatures.map((s) => s.countTotal),
    window: r.signatures.map((s) => s.countWindow),
    source: r.sources[0],
  })}\n`,
);
