#!/usr/bin/env node
// Benchmark: `hunt release-gate --demo` wall time on the sample gateway, run as shipped (bounded concurrency:
// test bundles in a pool, chaos scenarios in parallel lanes, T3 alongside the observation window) vs the
// same gate with --serial (every step one after another), and vs the sum of the steps' own durations.
// Prints figures, asserts nothing. Usage: node bench/gate.mjs [--observe-seconds N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hunt = path.join(root, 'bin', 'hunt.js');
const i = process.argv.indexOf('--observe-seconds');
const observe = i > 0 ? process.argv[i + 1] : '6';
const work = mkdtempSync(path.join(os.tmpdir(), 'hunt-bench-gate-'));

function gate(label, extra) {
  const out = path.join(work, label);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [hunt, 'release-gate', '--demo', '--observe-seconds', observe, '--out-dir', out, '--json', ...extra], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status === null || r.status > 1) throw new Error(`gate ${label} failed (exit ${r.status}):\n${r.stderr}`);
  const report = JSON.parse(readFileSync(path.join(out, 'hunt-report.json'), 'utf8'));
  const stepsMs = report.checks.reduce((sum, c) => sum + c.durationMs, 0);
  return { wallMs, stepsMs, verdict: JSON.parse(r.stdout).verdict, checks: report.checks.length };
}

const s = (ms) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
try {
  const conc = gate('concurrent', []);
  const serial = gate('serial', ['--serial']);
  console.log(`release-gate on the sample gateway (--demo, all chaos scenarios, --observe-seconds ${observe}, ${os.cpus().length} cores)`);
  console.log(`  gate wall time, as shipped (concurrent)      ${s(conc.wallMs)}   verdict ${conc.verdict}, ${conc.checks} checks`);
  console.log(`  gate wall time, --serial                     ${s(serial.wallMs)}   verdict ${serial.verdict}`);
  console.log(`  sum of its steps run one after another       ${s(serial.stepsMs)}   (sum of check durations of the --serial run)`);
  console.log(`  sum of the same steps in the concurrent run  ${s(conc.stepsMs)}`);
  console.log(`  speed-up vs one after another                ${(serial.wallMs / conc.wallMs).toFixed(2)}x`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
