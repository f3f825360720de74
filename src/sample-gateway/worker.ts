/**
 * The gateway's helper child (run as `node dist/sample-gateway/worker.js --role worker --home <home>`).
 * role worker: connected by IPC; exits when told ({type:"stop"}) or when the channel closes (the gateway
 * died), so it never outlives its gateway. role leaked (bug `leak-child`): detached, in its own session,
 * no IPC; it outlives the gateway on purpose but ends itself after a TTL so a failed test cannot leave
 * it on the machine for good.
 */
export {}; // a module, so its names stay out of the global scope

const roleAt = process.argv.indexOf('--role');
const role = roleAt >= 0 ? process.argv[roleAt + 1] : 'worker';

if (role === 'leaked') {
  const ttl = Number(process.env.SAMPLE_GATEWAY_LEAK_TTL_MS) || 600_000;
  setTimeout(() => process.exit(0), ttl);
  process.on('SIGTERM', () => process.exit(0));
} else {
  if (!process.send) {
    process.stderr.write('hunt-sample-gateway worker: must be started by the gateway (no IPC channel)\n');
    process.exit(2);
  }
  // Ctrl-C reaches the whole foreground group; the gateway decides when its worker ends
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg: unknown) => {
    const m = msg as { type?: string; id?: number };
    if (m?.type === 'stop') process.exit(0);
    if (m?.type === 'ping') process.send?.({ type: 'pong', id: m.id, uptimeSec: Math.round(process.uptime()) });
  });
  process.send({ type: 'ready', pid: process.pid });
}
