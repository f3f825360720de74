/**
 * Shared by the chaos, supervisor and fault-proxy tests: every process a test starts carries
 * HUNT_TEST_TAG=<random> in its environment, so "nothing left behind" can be asserted precisely even
 * while other suites run their own gateways on this machine.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import net from 'node:net';
import { processesWithEnv } from '../../src/runtime/envscan.js';
import { sendSignal } from '../../src/runtime/signals.js';

export function newTag(): string {
  return `hunt-test-${randomBytes(6).toString('hex')}`;
}

/** Live processes carrying the tag in their environment. */
export async function tagged(tag: string): Promise<Array<{ pid: number; command: string }>> {
  return processesWithEnv(`HUNT_TEST_TAG=${tag}`);
}

/** Kills every process carrying the tag (the safety net of afterAll; the assertion comes first). */
export async function killTagged(tag: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const left = await tagged(tag);
    if (!left.length) return;
    for (const p of left) sendSignal(p.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export { eventually } from '../helpers/wait.js';

/** Whether anything accepts connections on 127.0.0.1:port. */
export function bound(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Entries of a directory ([] when it does not exist). */
export async function entries(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir)).sort();
  } catch {
    return [];
  }
}
