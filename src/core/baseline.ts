/**
 * Signature deltas against a baseline report (the previous release's hunt-report.json). Pure.
 *
 * Windows of different length are compared per window minute: the baseline count is scaled to the
 * current window (baseline count x current minutes / baseline minutes) before the delta is taken, so a
 * 60-minute baseline and a 120-minute run compare like for like.
 * A count regressed when it rose by MORE than `absolute` AND by MORE than `relative` (0.5 = +50%) against
 * that scaled baseline; both must hold so one stray line on a quiet signature never trips the gate and a
 * small relative wobble on a noisy one does not either. A zero baseline has an infinite relative rise.
 */
import type { HuntReportV1, Signature } from './report-types.js';

/** The regression threshold (profile `gate.regression`). */
export interface RegressionThreshold {
  absolute: number;
  relative: number;
}

/** What the current run counted for one signature. */
export interface CurrentSignature {
  name: string;
  source: string;
  countWindow: number;
  countTotal: number;
  windowMinutes: number;
}

/** One signature of the baseline report. */
export interface BaselineSignature {
  name: string;
  countWindow: number;
  windowMinutes: number;
}

/** A signature with its comparison against the baseline. */
export interface SignatureDelta extends CurrentSignature {
  /** Whether the baseline report lists this signature at all. */
  inBaseline: boolean;
  /** The baseline's raw window count and window length (when inBaseline). */
  baselineRaw?: BaselineSignature;
  /** Baseline count scaled to the current window length (rounded to 2 decimals). */
  baselineScaled?: number;
  /** countWindow - baselineScaled (rounded to 2 decimals). */
  delta?: number;
  /** delta / baselineScaled; null when the baseline is zero (an infinite rise when delta > 0). */
  relative?: number | null;
  regressed: boolean;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Indexes a baseline report's signatures by name (the first entry wins when a name repeats). */
export function baselineIndex(report: Pick<HuntReportV1, 'signatures'> | null | undefined): Map<string, BaselineSignature> {
  const out = new Map<string, BaselineSignature>();
  for (const s of report?.signatures ?? []) {
    if (!out.has(s.name)) out.set(s.name, { name: s.name, countWindow: s.countWindow, windowMinutes: Math.max(1, s.windowMinutes) });
  }
  return out;
}

/** Scales a baseline count to a window of `currentMinutes` (per window minute). */
export function scaleToWindow(base: BaselineSignature, currentMinutes: number): number {
  if (base.windowMinutes === currentMinutes) return base.countWindow;
  return (base.countWindow * Math.max(1, currentMinutes)) / base.windowMinutes;
}

/** Whether `current` rose beyond both thresholds against the (already scaled) baseline count. */
export function isRegression(current: number, baselineScaled: number, t: RegressionThreshold): boolean {
  const delta = current - baselineScaled;
  if (!(delta > t.absolute)) return false;
  if (baselineScaled <= 0) return true;
  return delta / baselineScaled > t.relative;
}

/** Compares every current signature with the baseline; the output keeps the input order. */
export function signatureDeltas(
  current: CurrentSignature[],
  baseline: Map<string, BaselineSignature> | null,
  threshold: RegressionThreshold,
): SignatureDelta[] {
  return current.map((s) => {
    const base = baseline?.get(s.name);
    if (!base) return { ...s, inBaseline: false, regressed: false };
    const scaled = scaleToWindow(base, s.windowMinutes);
    const delta = s.countWindow - scaled;
    return {
      ...s,
      inBaseline: true,
      baselineRaw: base,
      baselineScaled: round2(scaled),
      delta: round2(delta),
      relative: scaled > 0 ? round2(delta / scaled) : null,
      regressed: isRegression(s.countWindow, scaled, threshold),
    };
  });
}

/** The HuntReportV1 signature entry of a delta (baselineWindowCount is the scaled baseline). */
export function toReportSignature(d: SignatureDelta, issueUrl?: string): Signature {
  const out: Signature = {
    name: d.name,
    source: d.source,
    countWindow: d.countWindow,
    countTotal: d.countTotal,
    windowMinutes: d.windowMinutes,
  };
  if (d.inBaseline) {
    out.baselineWindowCount = d.baselineScaled;
    out.delta = d.delta;
  }
  if (issueUrl) out.issueUrl = issueUrl;
  return out;
}
