/**
 * Verdicts and signature counts across releases, one point per report, oldest first. Pure.
 * Counts are normalized per hour of window so releases observed for different lengths compare like for like;
 * the raw window totals are kept beside them.
 */
import type { Check, GateStatus, HuntReportV1 } from './report-types.js';
import { compareStrings } from './normalize.js';
import { reportVerdict } from './diff.js';

export interface TrendPoint {
  /** The x-axis label: the release, with the lane or run id added only where needed to tell points apart. */
  label: string;
  release: string;
  runId: string;
  lane: string;
  startedAt: string;
  verdict: GateStatus;
  checks: Record<Check['status'], number>;
  /** Sum of window counts over every signature. */
  signatureMatches: number;
  /** Per signature name: matches per hour of window (sources summed). */
  perHour: Record<string, number>;
}

export interface Trend {
  points: TrendPoint[];
  /** Every signature name seen, by total per-hour rate (highest first), then name. */
  signatures: string[];
}

function point(r: HuntReportV1): Omit<TrendPoint, 'label'> {
  const checks = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of r.checks) checks[c.status]++;
  const perHour: Record<string, number> = {};
  let matches = 0;
  for (const s of r.signatures) {
    matches += s.countWindow;
    const rate = s.windowMinutes > 0 ? (s.countWindow * 60) / s.windowMinutes : 0;
    perHour[s.name] = Math.round(((perHour[s.name] ?? 0) + rate) * 100) / 100;
  }
  return { release: r.release, runId: r.runId, lane: r.lane, startedAt: r.startedAt, verdict: reportVerdict(r), checks, signatureMatches: matches, perHour };
}

function labels(points: Array<Omit<TrendPoint, 'label'>>): string[] {
  const count = (f: (p: Omit<TrendPoint, 'label'>) => string) => {
    const n = new Map<string, number>();
    for (const p of points) n.set(f(p), (n.get(f(p)) ?? 0) + 1);
    return n;
  };
  const byRelease = count((p) => p.release);
  const byLane = count((p) => `${p.release} ${p.lane}`);
  return points.map((p) => {
    if (byRelease.get(p.release) === 1) return p.release;
    if (byLane.get(`${p.release} ${p.lane}`) === 1) return `${p.release} (${p.lane})`;
    return `${p.release} (${p.runId})`;
  });
}

/** The trend of `reports`: sorted by start time, then release and run id (input order never matters). */
export function trendOf(reports: HuntReportV1[]): Trend {
  const pts = reports
    .map(point)
    .sort(
      (a, b) =>
        (Date.parse(a.startedAt) || 0) - (Date.parse(b.startedAt) || 0) ||
        compareStrings(a.release, b.release) ||
        compareStrings(a.runId, b.runId) ||
        compareStrings(a.lane, b.lane),
    );
  const names = labels(pts);
  const points = pts.map((p, i) => ({ label: names[i], ...p }));
  const total = new Map<string, number>();
  for (const p of points) for (const [k, v] of Object.entries(p.perHour)) total.set(k, (total.get(k) ?? 0) + v);
  const signatures = [...total.keys()].sort((a, b) => total.get(b)! - total.get(a)! || compareStrings(a, b));
  return { points, signatures };
}
