/** Faults of the chaos TCP proxy, switchable at run time (after Shopify toxiproxy's toxics). */

export interface FaultState {
  /** Delay every chunk by ms (+/- jitterMs, uniformly), in both directions. */
  latency?: { ms: number; jitterMs?: number };
  /** Limit each direction to bytesPerSec. */
  bandwidth?: { bytesPerSec: number };
  /** Reset (TCP RST) every existing connection and every new one while set. */
  reset?: boolean;
  /** Accept connections and read their data, but never forward it or answer. */
  blackhole?: boolean;
  /** Close the listener: new connections are refused until cleared. Existing ones are closed. */
  refuse?: boolean;
}

export type FaultName = 'latency' | 'bandwidth' | 'reset' | 'blackhole' | 'refuse';

export interface ProxyStats {
  /** Connections the proxy accepted. */
  accepted: number;
  /** Connections forwarded to the upstream. */
  forwarded: number;
  /** Connections reset by the reset fault. */
  resets: number;
  /** Connections swallowed by the blackhole fault. */
  blackholed: number;
  /** Upstream connections that failed (upstream down). */
  upstreamErrors: number;
  bytesUp: number;
  bytesDown: number;
  active: number;
  listening: boolean;
}

/** Pure: a one-line description of a fault state for evidence ("reset", "latency 200±50 ms", "none"). */
export function describeFaults(f: FaultState): string {
  const parts: string[] = [];
  if (f.refuse) parts.push('refuse');
  if (f.reset) parts.push('reset');
  if (f.blackhole) parts.push('blackhole');
  if (f.latency) parts.push(`latency ${f.latency.ms}${f.latency.jitterMs ? `±${f.latency.jitterMs}` : ''} ms`);
  if (f.bandwidth) parts.push(`bandwidth ${f.bandwidth.bytesPerSec} B/s`);
  return parts.length ? parts.join(', ') : 'none';
}

/** Pure: validates a fault state; returns the problems (empty when valid). */
export function faultProblems(f: FaultState): string[] {
  const out: string[] = [];
  if (f.latency && (!(f.latency.ms >= 0) || (f.latency.jitterMs !== undefined && !(f.latency.jitterMs >= 0)))) out.push('latency ms and jitterMs must be >= 0');
  if (f.bandwidth && !(f.bandwidth.bytesPerSec > 0)) out.push('bandwidth bytesPerSec must be > 0');
  return out;
}
