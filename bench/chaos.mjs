// Wall time of the full staging-chaos matrix against the bundled sample gateway (demo profile deadlines),
// serial (--concurrency 1) vs concurrent (2 and 4). Prints figures, asserts nothing. Needs `npm run build`.
// Runs in a throwaway HOME, so the audited "production" home is empty; every sandbox is removed afterwards.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const home = await fsp.mkdtemp(path.join(os.tmpdir(), 'hunt-bench-chaos-'));
process.env.HOME = home; // the demo profile's home is ~/.hunt-sample-gateway: keep the real one out of it

const { loadConfig } = await import('../dist/config/load.js');
const { bindRun } = await import('../dist/config/bind.js');
const { runChaos } = await import('../dist/chaos/run.js');
const { installSignalTeardown } = await import('../dist/runtime/teardown.js');
installSignalTeardown(); // Ctrl-C still stops every gateway this bench started

const loaded = await loadConfig({ demo: true, cwd: home, env: {} });
const bound = bindRun(loaded, { env: { ...process.env } });
const rounds = Number(process.env.HUNT_BENCH_ROUNDS ?? 1);
const results = [];
for (const concurrency of [1, 2, 4]) {
  const times = [];
  let statuses = '';
  for (let r = 0; r < rounds; r++) {
    const outDir = path.join(home, `out-c${concurrency}-${r}`);
    const t0 = performance.now();
    const res = await runChaos(bound, { release: 'bench', runId: `bench-c${concurrency}-${r}`, outDir, concurrency, cwd: home });
    times.push(performance.now() - t0);
    statuses = res.checks.map((c) => c.status).join(',');
  }
  times.sort((a, b) => a - b);
  results.push({ concurrency, medianMs: times[Math.floor(times.length / 2)], statuses });
}
const serial = results[0].medianMs;
console.log(`chaos matrix: 8 scenarios vs the sample gateway (demo profile), median of ${rounds} round(s), ${os.cpus().length} CPUs`);
for (const r of results) {
  const speedup = (serial / r.medianMs).toFixed(2);
  console.log(
    `  concurrency ${r.concurrency}: ${(r.medianMs / 1000).toFixed(1)} s wall (${speedup}x vs serial)${r.statuses.split(',').every((s) => s === 'pass') ? '' : `  statuses: ${r.statuses}`}`,
  );
}
await fsp.rm(home, { recursive: true, force: true });
