/**
 * The one walker of /proc/<pid>/fd (fdLinks) and its two users: the chaos audit's open files and the listener
 * probe's socket owners. Real descriptors of this process: a file opened for writing, a listening socket.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listenerOwnedBy, scanListeners } from '../../src/probes/listeners.js';
import { fdLinks, openFiles } from '../../src/runtime/fdsample.js';

describe.skipIf(process.platform !== 'linux')('fdLinks and its users (Linux /proc)', () => {
  it('finds a file this process holds open for writing, and says it writes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-fdlinks-'));
    const file = path.join(dir, 'held.log');
    const fh = await open(file, 'w');
    try {
      expect((await fdLinks(process.pid)).some((l) => l.link === file && l.fd === String(fh.fd))).toBe(true);
      expect(await openFiles([process.pid])).toContainEqual({ pid: process.pid, path: file, write: true });
    } finally {
      await fh.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds the owner of a listening socket; a process that does not hold it is not the owner', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await listenerOwnedBy(port, [process.pid])).toBe(true);
      expect(await listenerOwnedBy(port, [1 << 22])).toBe(false); // no such pid: nothing to read, not the owner
      const scan = await scanListeners(port);
      expect(scan.source).toBe('procfs');
      expect(scan.listeners).toContainEqual(expect.objectContaining({ port, address: '127.0.0.1', pid: process.pid }));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a pid that does not exist has no descriptors (never throws)', async () => {
    expect(await fdLinks(1 << 22)).toEqual([]);
    expect(await openFiles([1 << 22])).toEqual([]);
  });
});
