/**
 * Lane ports: 50 lanes reserving at once, from this process and from two other processes (as concurrent hunt
 * runs would), never get the same port; reserved ports are held (bound) until handed off and kept off every
 * other hunt by a lock until released; nothing that binds port 0 (an upstream stub, a fault proxy) can be
 * handed a lane port, because lane ports come from outside the ephemeral range.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, lanePortRanges, parseEphemeralRange, reclaimPortLocks, reservePorts, type PortReservation } from '../../src/runtime/ports.js';
import { repoRoot } from '../helpers/spawn-hunt.js';

let lockDir: string;
beforeAll(async () => {
  lockDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hunt-ports-test-'));
});
afterAll(async () => {
  await fsp.rm(lockDir, { recursive: true, force: true });
});

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Another process reserving `count` ports one lane at a time, concurrently; prints them and holds them until stdin closes. */
function otherProcess(count: number): Promise<number[]> {
  const mod = pathToFileURL(path.join(repoRoot, 'dist', 'runtime', 'ports.js')).href;
  const script = `
    const { reservePorts } = await import(${JSON.stringify(mod)});
    const lanes = await Promise.all(Array.from({ length: ${count} }, () => reservePorts(1, { lockDir: ${JSON.stringify(lockDir)} })));
    console.log(JSON.stringify(lanes.flat().map((r) => r.port)));
    setTimeout(() => process.exit(0), 3000);`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))));
  });
}

describe('lane port reservations', () => {
  it('lane ranges never overlap the ephemeral range', () => {
    expect(parseEphemeralRange('32768\t60999\n')).toEqual([32768, 60999]);
    expect(parseEphemeralRange(null)).toEqual([32768, 60999]);
    expect(lanePortRanges([32768, 60999])).toEqual([
      [10000, 32767],
      [61000, 65535],
    ]);
    const [lo, hi] = parseEphemeralRange(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'));
    for (let i = 0; i < 200; i++) {
      const p = Math.floor(Math.random() * 65536);
      const inLane = lanePortRanges([lo, hi]).some(([a, b]) => p >= a && p <= b);
      if (inLane) expect(p < lo || p > hi).toBe(true);
    }
  });

  it('50 lanes reserving concurrently (30 here, 2 x 10 in other processes) never share a port', async () => {
    const here: Promise<PortReservation[]>[] = Array.from({ length: 30 }, () => reservePorts(1, { lockDir }));
    const [mine, a, b] = await Promise.all([Promise.all(here), otherProcess(10), otherProcess(10)]);
    const local = mine.flat();
    try {
      const all = [...local.map((r) => r.port), ...a, ...b];
      expect(all).toHaveLength(50);
      expect(new Set(all).size).toBe(50);
      // held: nobody can bind a reserved port until it is handed off
      for (const r of local.slice(0, 5)) expect(await bindable(r.port)).toBe(false);
      await local[0].handoff();
      expect(await bindable(local[0].port)).toBe(true);
      // handed off but still locked: another reservation never gets it
      const again = await reservePorts(1, { lockDir, fixed: [local[1].port] }).catch((e: Error) => e.message);
      expect(again).toMatch(/in use/);
    } finally {
      for (const r of local) await r.release();
    }
  });

  it('an OS-chosen port (stub, proxy) is never a lane port, and a released lane port is free again', async () => {
    const lanes = await reservePorts(5, { lockDir });
    const ranges = lanePortRanges(parseEphemeralRange(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')));
    for (let i = 0; i < 20; i++) {
      const p = await freePort();
      expect(lanes.map((r) => r.port)).not.toContain(p);
      expect(ranges.some(([lo, hi]) => p >= lo && p <= hi)).toBe(false);
    }
    for (const r of lanes) await r.release();
    for (const r of lanes) expect(await bindable(r.port)).toBe(true);
    const left = await fsp.readdir(lockDir);
    for (const r of lanes) expect(left).not.toContain(`${r.port}.lock`);
    // the locks the other processes left when they exited (as a SIGKILLed hunt would) are stale: reclaim frees them
    expect((await reclaimPortLocks(lockDir)).length).toBe(left.length);
    expect(await fsp.readdir(lockDir)).toEqual([]);
  });
});
