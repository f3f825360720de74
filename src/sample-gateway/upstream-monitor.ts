/**
 * Periodic upstream check behind /healthz. One probe per interval while healthy; after a failure a
 * quick retry, then exponential backoff (interval, 2x, 4x cap). Degraded after 2 consecutive failures;
 * the next success recovers it (unless the `no-recover` bug makes degradation sticky).
 */
import http from 'node:http';
import type { Logger } from './log.js';
import { safeUrl } from './settings.js';

export interface HealthSnapshot {
  degraded: boolean;
  reason: string | null;
  consecutiveFailures: number;
  lastCheckAt: string | null;
}

export interface MonitorOptions {
  url: string;
  intervalMs: number;
  log: Logger;
  /** Bug `no-recover`: once degraded, stop probing and stay degraded. */
  sticky: boolean;
  /** State carried over from the previous monitor (an in-process reload must not forget an outage). */
  initial?: HealthSnapshot;
}

/** Delay before the next probe after `failures` consecutive failures. */
export function nextDelayMs(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  if (failures === 1) return Math.max(50, Math.round(intervalMs / 4));
  return Math.min(intervalMs * 2 ** (failures - 2), intervalMs * 4);
}

/** One GET with a timeout; resolves null on success or the reason it failed. */
export async function probeUpstream(url: string, timeoutMs: number): Promise<string | null> {
  const mod: typeof http = url.startsWith('https:') ? ((await import('node:https')) as unknown as typeof http) : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (reason: string | null) => {
      if (settled) return;
      settled = true;
      resolve(reason);
    };
    const req = mod.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      done(code >= 500 ? `HTTP ${code} from ${safeUrl(url)}` : null);
    });
    req.on('timeout', () => {
      req.destroy();
      done(`timeout after ${timeoutMs} ms (${safeUrl(url)})`);
    });
    req.on('error', (err) => done(err.message || String(err)));
  });
}

/** Runs the probe loop; `stop()` ends it (an in-flight probe's result is discarded). */
export class UpstreamMonitor {
  private state: HealthSnapshot;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly timeoutMs: number;

  constructor(private readonly opts: MonitorOptions) {
    this.state = opts.initial ? { ...opts.initial } : { degraded: false, reason: null, consecutiveFailures: 0, lastCheckAt: null };
    this.timeoutMs = Math.min(2000, Math.max(200, Math.round(opts.intervalMs / 2)));
  }

  /** Starts probing now (unless stickily degraded). */
  start(): void {
    if (this.opts.sticky && this.state.degraded) return;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  snapshot(): HealthSnapshot {
    return { ...this.state };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const reason = await probeUpstream(this.opts.url, this.timeoutMs);
    if (this.stopped) return;
    const { log } = this.opts;
    this.state.lastCheckAt = new Date().toISOString();
    if (reason === null) {
      if (this.state.degraded && !this.opts.sticky) log.info('upstream recovered, health ok');
      if (!this.state.degraded || !this.opts.sticky) {
        this.state = { ...this.state, degraded: false, reason: null, consecutiveFailures: 0 };
      }
      this.schedule(this.opts.intervalMs);
      return;
    }
    this.state.consecutiveFailures += 1;
    log.error(`upstream unreachable: ${reason}`);
    if (!this.state.degraded && this.state.consecutiveFailures >= 2) {
      this.state.degraded = true;
      log.warn(`health degraded: upstream unreachable (${this.state.consecutiveFailures} consecutive failures)`);
    }
    this.state.reason = `upstream unreachable: ${reason}`;
    if (this.opts.sticky && this.state.degraded) return; // bug no-recover: never looks again
    this.schedule(nextDelayMs(this.opts.intervalMs, this.state.consecutiveFailures));
  }
}
