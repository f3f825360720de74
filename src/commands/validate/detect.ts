/** Tells a report, a config profile and an allowlist apart by their keys (for `hunt validate`). */

export type DocumentKind = 'report' | 'config' | 'allowlist';

const MARKERS: Record<DocumentKind, readonly string[]> = {
  report: ['version', 'release', 'runId', 'lane', 'startedAt', 'endedAt', 'checks', 'classification', 'upstreamLinks'],
  config: ['target', 'logs', 'redact', 'windowMinutes', 'chaos', 'gate'],
  allowlist: ['entries'],
};

/** The kind whose characteristic keys the object has most of; undefined when none or a tie. */
export function detectKind(data: unknown): DocumentKind | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const keys = new Set(Object.keys(data));
  const scores = (Object.keys(MARKERS) as DocumentKind[]).map((k) => ({ k, n: MARKERS[k].filter((m) => keys.has(m)).length }));
  scores.sort((a, b) => b.n - a.n);
  if (scores[0].n === 0 || scores[0].n === scores[1].n) return undefined;
  return scores[0].k;
}
