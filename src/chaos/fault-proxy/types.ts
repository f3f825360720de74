/**
 * Faults of the chaos TCP proxy, switchable at run time (after Shopify toxiproxy's toxics). A toxic acts on one
 * direction of a connection (`stream`: downstream = upstream -> client, the default as in toxiproxy; upstream =
 * client -> upstream) and on a share of the connections (`toxicity`: each connection draws once per fault state
 * whether the toxic applies to it). reset, blackhole and refuse are whole-connection faults.
 */

export type Stream = 'upstream' | 'downstream';

/** Where a toxic acts: its direction and the probability (0..1) that a connection gets it (default 1). */
export interface ToxicScope {
  stream?: Stream;
  toxicity?: number;
}

export interface FaultState {
  /** Delay every chunk by ms (+/- jitterMs, uniformly). */
  latency?: { ms: number; jitterMs?: number } & ToxicScope;
  /** Limit the direction to bytesPerSec. */
  bandwidth?: { bytesPerSec: number } & ToxicScope;
  /** Stop forwarding the direction's data; close the connection after ms (0: hold it open until cleared). */
  timeout?: { ms: number } & ToxicScope;
  /** Delay the close (the FIN) travelling in the direction by ms. */
  slowClose?: { ms: number } & ToxicScope;
  /** Split the data into slices of averageSize +/- sizeVariation bytes, delayMs apart. */
  slicer?: { averageSize: number; sizeVariation?: number; delayMs?: number } & ToxicScope;
  /** Close the connection once `bytes` bytes went through in the direction. */
  limitData?: { bytes: number } & ToxicScope;
  /** Reset (TCP RST) every existing connection and every new one while set. */
  reset?: boolean;
  /** Accept connections and read their data, but never forward it or answer. */
  blackhole?: boolean;
  /** Close the listener: new connections are refused until cleared. Existing ones are closed. */
  refuse?: boolean;
}

/** The toxics that act on one direction, in the order they are drawn for a connection. */
export const TOXICS = ['latency', 'bandwidth', 'timeout', 'slowClose', 'slicer', 'limitData'] as const;
export type ToxicName = (typeof TOXICS)[number];

/** The faults one direction of one connection feels: its drawn toxics plus the proxy-wide blackhole. */
export type DirectionFaults = Pick<FaultState, ToxicName | 'blackhole'>;

export type FaultName = ToxicName | 'reset' | 'blackhole' | 'refuse';

export interface ProxyStats {
  /** Connections the proxy accepted. */
  accepted: number;
  /** Connections forwarded to the upstream. */
  forwarded: number;
  /** Connections reset by the reset fault. */
  resets: number;
  /** Connections swallowed by the blackhole fault. */
  blackholed: number;
  /** Connections closed by the timeout toxic. */
  timedOut: number;
  /** Connections closed by the limit_data toxic. */
  limited: number;
  /** Closes held back by the slow_close toxic. */
  closesDelayed: number;
  /** Upstream connections that failed (upstream down). */
  upstreamErrors: number;
  bytesUp: number;
  bytesDown: number;
  active: number;
  listening: boolean;
}

/**
 * Pure: the toxics each direction of a new connection gets. A toxic with toxicity strictly between 0 and 1 draws
 * `roll()` once (in TOXICS order); 1 always applies, 0 never, and neither draws, so an injected sequence is exact.
 */
export function drawToxics(f: FaultState, roll: () => number): Record<Stream, DirectionFaults> {
  const out: Record<Stream, DirectionFaults> = { upstream: {}, downstream: {} };
  for (const name of TOXICS) {
    const t = f[name];
    if (!t) continue;
    const p = t.toxicity ?? 1;
    if (p <= 0 || (p < 1 && !(roll() < p))) continue;
    (out[t.stream ?? 'downstream'] as Record<string, unknown>)[name] = t;
  }
  if (f.blackhole) out.upstream.blackhole = out.downstream.blackhole = true;
  return out;
}

function scope(t: ToxicScope): string {
  const parts: string[] = [t.stream ?? 'downstream'];
  if (t.toxicity !== undefined && t.toxicity < 1) parts.push(`toxicity ${t.toxicity}`);
  return ` (${parts.join(', ')})`;
}

/** Pure: a one-line description of a fault state for evidence ("reset", "latency 200±50 ms (downstream)", "none"). */
export function describeFaults(f: FaultState): string {
  const parts: string[] = [];
  if (f.refuse) parts.push('refuse');
  if (f.reset) parts.push('reset');
  if (f.blackhole) parts.push('blackhole');
  if (f.latency) parts.push(`latency ${f.latency.ms}${f.latency.jitterMs ? `±${f.latency.jitterMs}` : ''} ms${scope(f.latency)}`);
  if (f.bandwidth) parts.push(`bandwidth ${f.bandwidth.bytesPerSec} B/s${scope(f.bandwidth)}`);
  if (f.timeout) parts.push(`timeout ${f.timeout.ms ? `${f.timeout.ms} ms` : 'holding'}${scope(f.timeout)}`);
  if (f.slowClose) parts.push(`slow_close ${f.slowClose.ms} ms${scope(f.slowClose)}`);
  if (f.slicer) parts.push(`slicer ${f.slicer.averageSize}±${f.slicer.sizeVariation ?? 0} B every ${f.slicer.delayMs ?? 0} ms${scope(f.slicer)}`);
  if (f.limitData) parts.push(`limit_data ${f.limitData.bytes} B${scope(f.limitData)}`);
  return parts.length ? parts.join(', ') : 'none';
}

const nonNegative = (n: number | undefined) => n === undefined || (Number.isFinite(n) && n >= 0);

/** Pure: validates a fault state; returns the problems (empty when valid). */
export function faultProblems(f: FaultState): string[] {
  const out: string[] = [];
  if (f.latency && (!(f.latency.ms >= 0) || !nonNegative(f.latency.jitterMs))) out.push('latency ms and jitterMs must be >= 0');
  if (f.bandwidth && !(f.bandwidth.bytesPerSec > 0)) out.push('bandwidth bytesPerSec must be > 0');
  if (f.timeout && !nonNegative(f.timeout.ms)) out.push('timeout ms must be >= 0');
  if (f.slowClose && !nonNegative(f.slowClose.ms)) out.push('slow_close ms must be >= 0');
  if (f.limitData && !(Number.isInteger(f.limitData.bytes) && f.limitData.bytes >= 0)) out.push('limit_data bytes must be an integer >= 0');
  if (f.slicer) {
    const s = f.slicer;
    if (!(Number.isInteger(s.averageSize) && s.averageSize >= 1)) out.push('slicer averageSize must be an integer >= 1');
    else if (!nonNegative(s.sizeVariation) || (s.sizeVariation ?? 0) >= s.averageSize) out.push('slicer sizeVariation must be >= 0 and below averageSize');
    if (!nonNegative(s.delayMs)) out.push('slicer delayMs must be >= 0');
  }
  for (const name of TOXICS) {
    const t = f[name];
    if (t?.toxicity !== undefined && !(t.toxicity >= 0 && t.toxicity <= 1)) out.push(`${name} toxicity must be from 0 to 1`);
    if (t?.stream !== undefined && t.stream !== 'upstream' && t.stream !== 'downstream') out.push(`${name} stream must be "upstream" or "downstream"`);
  }
  return out;
}
