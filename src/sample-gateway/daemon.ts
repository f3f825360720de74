/**
 * `start`: the gateway itself. Fail-fast checks in a fixed order (env, config, lock, port), then serve
 * until SIGTERM/SIGINT; SIGUSR1 reloads in place. Resolves with the exit code once shut down.
 */
import http from 'node:http';
import net from 'node:net';
import { EXIT_CODES, GatewayExit } from './exits.js';
import { createHandler, listen } from './http-app.js';
import { isGatewayAlive, readLock, releaseLock, removeStaleLock, rewriteLock, tryCreateLock, type LockInfo } from './lock.js';
import { createLogger, type Logger } from './log.js';
import { hangForever, type Bugs } from './bugs.js';
import { startBugBehaviours } from './bug-behaviours.js';
import { hasToken, loadConfig, NAME, readVersion, resolvePort, resolveUpstream, safeUrl, TOKEN_ENV, type GatewayConfig } from './settings.js';
import { UpstreamMonitor } from './upstream-monitor.js';
import { WorkerHandle } from './worker-handle.js';

export interface StartOptions {
  home: string;
  port?: number;
  /** Started by `start --detach`: stdio already goes to the log files, so do not echo. */
  daemonChild: boolean;
  bugs: Bugs;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGUSR1'];

/** Graceful shutdown must finish within 5 s; force the exit a little before that. */
const SHUTDOWN_DEADLINE_MS = 4500;

/** Reads env + config; a problem is exit 78, or a silent hang under the matching bug switch. */
async function readSettings(opts: StartOptions, log: Logger, port: number | undefined) {
  if (!hasToken()) {
    if (opts.bugs.has('hang-on-missing-env')) {
      log.event(`waiting for ${TOKEN_ENV} to be set`);
      await hangForever();
    }
    throw new GatewayExit(EXIT_CODES.config, `missing required env var ${TOKEN_ENV}`);
  }
  try {
    const config = loadConfig(opts.home);
    return { config, port: resolvePort(port, config), upstream: resolveUpstream(config) };
  } catch (err) {
    if (err instanceof GatewayExit && opts.bugs.has('hang-on-bad-config')) {
      log.event('waiting for a usable configuration');
      await hangForever();
    }
    throw err;
  }
}

/** Takes the pid lock. Returns whether we own it (false only under `ignore-lock` with a live owner). */
function acquireLock(opts: StartOptions, log: Logger, port: number): boolean {
  const info: LockInfo = { pid: process.pid, port, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreateLock(opts.home, info)) return true;
    const cur = readLock(opts.home);
    if (!cur) continue; // vanished between the create and the read: try again
    if (cur.pid !== 0 && isGatewayAlive(cur.pid)) {
      if (opts.bugs.has('ignore-lock')) return false;
      throw new GatewayExit(EXIT_CODES.locked, `another instance is running (pid ${cur.pid})`);
    }
    if (opts.bugs.has('stale-lock-fatal')) {
      throw new GatewayExit(EXIT_CODES.locked, `another instance is running (pid ${cur.pid})`);
    }
    if (removeStaleLock(opts.home, cur.pid) && tryCreateLock(opts.home, info)) {
      log.event(`reclaimed stale lock from pid ${cur.pid}${cur.pid === 0 ? ' (unreadable lock file)' : ''}`);
      return true;
    }
  }
  throw new GatewayExit(EXIT_CODES.locked, `could not take the lock ${opts.home}/gateway.lock (contended)`);
}

/** Runs the gateway; resolves with the exit code. */
export async function runGateway(opts: StartOptions): Promise<number> {
  const log = createLogger(opts.home, !opts.daemonChild);
  let ownsLock = false;
  const crash = (what: string) => (err: unknown) => {
    log.fatal(`${what}: ${(err as Error)?.stack ?? err}`);
    if (ownsLock) releaseLock(opts.home);
    process.exit(EXIT_CODES.failure);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('UnhandledPromiseRejection'));
  try {
    return await serve(opts, log, (owned) => (ownsLock = owned));
  } catch (err) {
    if (ownsLock) releaseLock(opts.home);
    if (err instanceof GatewayExit) {
      log.error(err.message);
      return err.code;
    }
    log.fatal(`unexpected error: ${(err as Error)?.stack ?? err}`);
    return EXIT_CODES.failure;
  }
}

async function serve(opts: StartOptions, log: Logger, setOwned: (owned: boolean) => void): Promise<number> {
  const { bugs, home } = opts;
  const version = readVersion(home);
  log.event(`starting ${NAME} ${version} (pid ${process.pid})`);
  if (bugs.enabled.length) log.event(`bug switches enabled: ${bugs.enabled.join(',')}`);
  if (bugs.unknown.length) log.warn(`ignoring unknown bug switches: ${bugs.unknown.join(',')}`);

  const settings = await readSettings(opts, log, opts.port);
  let config: GatewayConfig = settings.config;
  log.setLevel(config.logLevel);
  const owned = acquireLock(opts, log, settings.port);
  setOwned(owned);
  // from here on a signal must not kill us before the real handlers exist (that would strand the lock)
  let pending: NodeJS.Signals | null = null;
  const early = (signal: NodeJS.Signals) => {
    if (signal !== 'SIGUSR1' || !pending) pending = signal;
  };
  for (const sig of SIGNALS) process.on(sig, early);

  let boundPort = settings.port;
  let monitor: UpstreamMonitor | null = null;
  let upstreamUrl = settings.upstream ?? null;
  const startedAtMs = Date.now();
  const worker = new WorkerHandle(home, log);
  const server = http.createServer(
    createHandler({
      version,
      port: () => boundPort,
      startedAtMs,
      workerPid: () => worker.pid,
      health: () => (monitor ? monitor.snapshot() : null),
    }),
  );
  server.keepAliveTimeout = 2000;

  let listening = false;
  try {
    boundPort = await listen(server, settings.port);
    listening = true;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const message = e.code === 'EADDRINUSE' ? `EADDRINUSE: port ${settings.port} already in use` : `cannot listen on 127.0.0.1:${settings.port}: ${e.message}`;
    // bind-anyway (and a second instance under ignore-lock) keep running without a listener
    if (!(e.code === 'EADDRINUSE' && (bugs.has('bind-anyway') || (bugs.has('ignore-lock') && !owned)))) {
      throw new GatewayExit(e.code === 'EADDRINUSE' ? EXIT_CODES.addrInUse : EXIT_CODES.failure, message);
    }
    log.error(message);
  }
  if (owned && boundPort !== settings.port) rewriteLock(home, { pid: process.pid, port: boundPort, startedAt: new Date(startedAtMs).toISOString() });
  if (listening) log.event(`listening on 127.0.0.1:${boundPort}`);
  worker.start();

  const startMonitor = (url: string | null, cfg: GatewayConfig) => {
    const previous = monitor;
    previous?.stop();
    monitor = null;
    if (!url) return;
    log.info(`upstream check: ${safeUrl(url)} every ${cfg.upstreamIntervalMs} ms`);
    monitor = new UpstreamMonitor({
      url,
      intervalMs: cfg.upstreamIntervalMs,
      log,
      sticky: bugs.has('no-recover'),
      initial: previous?.snapshot(),
    });
    monitor.start();
  };
  startMonitor(upstreamUrl, config);
  const stopBugs = startBugBehaviours(bugs, home, log);
  const extraListeners: net.Server[] = [];
  log.event(`ready (pid ${process.pid}, port ${boundPort})`);

  return new Promise<number>((resolve) => {
    let shuttingDown = false;

    const reload = async () => {
      if (shuttingDown) return;
      log.event('received SIGUSR1, reloading');
      if (bugs.has('crash-on-reload')) {
        log.fatal('reload failed: simulated crash while reloading (bug crash-on-reload)');
        process.exit(EXIT_CODES.failure); // a crash: no cleanup, the lock is left behind (stale)
      }
      try {
        const next = loadConfig(home);
        const nextUpstream = resolveUpstream(next) ?? null;
        config = next;
        upstreamUrl = nextUpstream;
        log.setLevel(config.logLevel);
      } catch (err) {
        log.error(`reload failed: ${(err as Error).message}; keeping the previous configuration`);
        return;
      }
      startMonitor(upstreamUrl, config);
      if (bugs.has('listener-on-reload')) {
        const extra = net.createServer((sock) => {
          sock.on('error', () => undefined); // a client that resets must not crash the gateway
          sock.end('debug\n');
        });
        extraListeners.push(extra);
        const p = await listen(extra, 0).catch(() => null);
        if (p) log.event(`debug listener on 127.0.0.1:${p}`);
      }
      log.event('reload complete');
    };

    const shutdown = async (signal: NodeJS.Signals) => {
      if (signal === 'SIGTERM' && bugs.has('hang-on-term')) {
        log.event('received SIGTERM'); // and does nothing about it
        return;
      }
      if (shuttingDown) return;
      shuttingDown = true;
      log.event(`received ${signal}, shutting down`);
      const force = setTimeout(() => {
        log.error(`shutdown deadline of ${SHUTDOWN_DEADLINE_MS} ms exceeded, forcing exit`);
        if (worker.pid) process.kill(worker.pid, 'SIGKILL');
        if (owned) releaseLock(home);
        process.exit(EXIT_CODES.failure);
      }, SHUTDOWN_DEADLINE_MS);
      monitor?.stop();
      stopBugs();
      for (const l of extraListeners) l.close();
      const closed = new Promise<void>((r) => (listening ? server.close(() => r()) : r()));
      server.closeAllConnections();
      await Promise.all([closed, worker.stop(1500)]);
      if (owned) releaseLock(home);
      clearTimeout(force);
      log.event('shutdown complete');
      resolve(EXIT_CODES.ok);
    };

    for (const sig of SIGNALS) process.off(sig, early);
    process.on('SIGUSR1', () => void reload());
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
    if (pending === 'SIGUSR1') void reload();
    else if (pending) void shutdown(pending);
  });
}
