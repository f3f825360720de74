/** Small deterministic formatters for rendered reports (no locale, no wall clock). */
import type { CheckStatus, GateStatus } from '../core/report-types.js';

/** A duration in ms as people read it: 850 ms, 12.3 s, 7 min 30 s, 2 h 5 min. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'n/a';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)} min ${totalS % 60} s`;
  const totalMin = Math.round(totalS / 60);
  return `${Math.floor(totalMin / 60)} h ${totalMin % 60} min`;
}

/** Milliseconds between two timestamps, or undefined when either does not parse or end < start. */
export function spanMs(startedAt: string, endedAt: string): number | undefined {
  const a = Date.parse(startedAt);
  const b = Date.parse(endedAt);
  return Number.isNaN(a) || Number.isNaN(b) || b < a ? undefined : b - a;
}

/** A number without float noise (at most 2 decimals). */
export function formatNumber(n: number | undefined): string {
  if (n === undefined) return '—';
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** A signed delta: +3, -2, 0, or — when absent. */
export function formatDelta(n: number | undefined): string {
  if (n === undefined) return '—';
  return n > 0 ? `+${formatNumber(n)}` : formatNumber(n);
}

export const STATUS_ICON: Record<CheckStatus | GateStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌', skip: '⏭️' };

/** "2 fail, 1 warn, 5 pass" in a fixed order, leaving out zero counts. */
export function countPhrase<K extends string>(counts: Record<K, number>, order: readonly K[]): string {
  const parts = order.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  return parts.length ? parts.join(', ') : 'none';
}
