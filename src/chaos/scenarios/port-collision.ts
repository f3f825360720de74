/** port-collision: a foreign listener (held by hunt) owns the port; the target must fail fast and leave it alone. */
import net from 'node:net';
import { listenerList } from '../lane.js';
import type { ScenarioDef } from '../types.js';
import { expectFastFailure } from './common.js';

function holdPort(port: number, host: string): Promise<{ server: net.Server; accepted: () => number }> {
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    s.on('error', () => undefined);
    s.end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve({ server, accepted: () => accepted }));
  });
}

function connectOnce(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export const portCollision: ScenarioDef = {
  name: 'port-collision',
  title: 'port collision',
  expected: (cfg) =>
    `with the port held by another process, the target exits non-zero within ${cfg.portCollision.deadlineMs} ms with a message matching /${cfg.portCollision.messagePattern}/ and leaves the other listener untouched`,
  suggestedFix:
    'treat EADDRINUSE on startup as fatal: log a clear message naming the port and exit non-zero; never retry forever or keep running without the listener',
  async run({ cfg, lane, rec }) {
    const host = lane.target.host;
    const foreign = await holdPort(lane.port, host);
    try {
      const t = lane.start('collider');
      await expectFastFailure(lane, t, rec, {
        deadlineMs: cfg.portCollision.deadlineMs,
        pattern: cfg.portCollision.messagePattern,
        what: 'start on an occupied port',
      });
      const before = foreign.accepted();
      const reachable = await connectOnce(lane.port, host);
      const owners = await lane.portListeners();
      rec.add(`listeners on ${lane.port} afterwards: ${listenerList(owners)} (hunt pid ${process.pid} holds the foreign listener)`);
      if (!foreign.server.listening || !reachable || foreign.accepted() !== before + 1) {
        rec.fail(
          'behaviour',
          `the foreign listener on port ${lane.port} was disturbed (still listening: ${foreign.server.listening}, reachable: ${reachable})`,
        );
      } else if (owners.some((l) => l.pid !== null && l.pid !== process.pid)) {
        rec.fail('behaviour', `another process also listens on port ${lane.port}: ${listenerList(owners.filter((l) => l.pid !== process.pid))}`);
      } else rec.note('foreign listener untouched');
    } finally {
      await new Promise<void>((r) => foreign.server.close(() => r()));
    }
  },
};
