/**
 * JUnit XML for CI dashboards: one testcase per check. fail -> <failure>, warn -> a note in <system-out>,
 * skip -> <skipped>. An allowlisted failure stays a <failure> (its message names the entry): the exit code
 * carries the gate's decision, a dashboard must not show a known failure as green.
 */
import type { Check, GateVerdict, HuntReportV1 } from '../core/report-types.js';
import { checkAllowlistMark } from '../core/verdict.js';
import { sanitize } from './escape.js';

/** Removes what XML 1.0 cannot hold at all (most controls, U+FFFE/FFFF, lone surrogates). */
function xmlSafe(s: string): string {
  return sanitize(s).replace(/[\ufffe\uffff]/g, '\ufffd');
}

/** Escapes text content. */
export function xmlText(raw: unknown): string {
  return xmlSafe(String(raw ?? ''))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Escapes an attribute value (double-quoted); newlines and tabs survive as character references. */
export function xmlAttr(raw: unknown): string {
  return xmlText(raw).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function seconds(ms: number): string {
  return Number.isFinite(ms) && ms >= 0 ? (ms / 1000).toFixed(3) : '0.000';
}

function body(c: Check): string {
  const parts: string[] = [];
  if (c.command !== undefined) parts.push(`$ ${c.command}`);
  for (const e of c.evidence ?? []) parts.push(e);
  for (const a of c.artifacts ?? []) parts.push(`artifact: ${a}`);
  return parts.join('\n\n');
}

function testcase(c: Check, classname: string): string {
  const open = `    <testcase classname="${xmlAttr(classname)}" name="${xmlAttr(c.id)}" time="${seconds(c.durationMs)}">`;
  const lines: string[] = [open];
  const detail = body(c);
  const title = c.title ? `${c.title}: ${c.summary}` : c.summary;
  if (c.status === 'fail') {
    const mark = checkAllowlistMark(c);
    const msg = mark ? `[known issue ${mark.entryId}: ${mark.issueUrl}] ${title}` : title;
    lines.push(`      <failure message="${xmlAttr(msg)}" type="${mark ? 'known-fail' : 'fail'}">${xmlText(detail)}</failure>`);
  } else if (c.status === 'skip') {
    lines.push(`      <skipped message="${xmlAttr(title)}"/>`);
  }
  if (c.status === 'warn') {
    lines.push(`      <system-out>${xmlText(`WARN: ${title}${detail ? `\n\n${detail}` : ''}`)}</system-out>`);
  } else if (c.status !== 'fail' && detail) {
    lines.push(`      <system-out>${xmlText(detail)}</system-out>`);
  }
  lines.push('    </testcase>');
  return lines.join('\n');
}

/**
 * Wall-clock time of the run: endedAt - startedAt of the report, else the span of its checks. Never the sum of
 * check durations: checks run concurrently, and a 24 s run must not read as 33 s.
 */
export function wallClockMs(report: HuntReportV1): number {
  const span = (a: string, b: string) => {
    const ms = Date.parse(b) - Date.parse(a);
    return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  };
  const whole = span(report.startedAt, report.endedAt);
  if (whole !== undefined) return whole;
  const starts = report.checks.map((c) => Date.parse(c.startedAt)).filter(Number.isFinite);
  const ends = report.checks.map((c) => Date.parse(c.endedAt)).filter(Number.isFinite);
  return starts.length && ends.length ? Math.max(0, Math.max(...ends) - Math.min(...starts)) : 0;
}

/** The JUnit timestamp: UTC date-time without zone or fraction, as the JUnit XML schema's pattern wants. */
export function junitTimestamp(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : '1970-01-01T00:00:00';
}

/** The host the checks ran on, as the producing run recorded it (metadata.hostname); the schema's fallback otherwise. */
function hostOf(report: HuntReportV1): string {
  const h = report.metadata?.hostname;
  return typeof h === 'string' && h.trim() ? h : 'localhost';
}

/** One testsuite: a lane of the run (or the whole run), its checks, where and when it ran. */
interface Suite {
  name: string;
  classname: string;
  checks: Check[];
  hostname: string;
  startedAt: string;
  wallMs: number;
  properties: Array<[string, string]>;
}

function countsOf(checks: Check[], wallMs: number): string {
  const n = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  return `tests="${checks.length}" failures="${n('fail')}" errors="0" skipped="${n('skip')}" time="${seconds(wallMs)}"`;
}

function suiteXml(s: Suite): string[] {
  return [
    `  <testsuite name="${xmlAttr(s.name)}" ${countsOf(s.checks, s.wallMs)} hostname="${xmlAttr(s.hostname)}" timestamp="${junitTimestamp(s.startedAt)}">`,
    '    <properties>',
    ...s.properties.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    '    </properties>',
    ...s.checks.map((c) => testcase(c, s.classname)),
    '  </testsuite>',
  ];
}

interface MergedLaneMeta {
  namespace: string;
  lane: string;
  release: string;
  runId: string;
  startedAt: string;
  endedAt: string;
  hostname: string | null;
  checks: string[];
}

/** The lanes of a merged report (metadata.merge.inputs written by `hunt merge`), or null. */
function mergedLanes(report: HuntReportV1): MergedLaneMeta[] | null {
  const inputs = (report.metadata?.merge as { inputs?: unknown } | undefined)?.inputs;
  if (!Array.isArray(inputs) || !inputs.length) return null;
  const ok = inputs.every((l) => l && typeof l === 'object' && typeof l.namespace === 'string' && Array.isArray(l.checks));
  return ok ? (inputs as MergedLaneMeta[]) : null;
}

/**
 * Renders the JUnit XML document of a (normalized) report and its verdict. A merged report gets one testsuite per
 * lane, each with the host it ran on; checks no lane claims (none, normally) get a suite of their own.
 */
export function renderJunit(report: HuntReportV1, gate: GateVerdict): string {
  const base: Array<[string, string]> = [
    ['release', report.release],
    ['runId', report.runId],
    ['lane', report.lane],
    ['gate', gate.status],
    ['blockingSeverity', gate.blockingSeverity],
  ];
  const lanes = mergedLanes(report);
  const suites: Suite[] = [];
  if (!lanes) {
    const name = `hunt ${report.lane} ${report.release}`;
    suites.push({
      name,
      classname: `hunt.${report.lane}`,
      checks: report.checks,
      hostname: hostOf(report),
      startedAt: report.startedAt,
      wallMs: wallClockMs(report),
      properties: base,
    });
  } else {
    const claimed = new Set<string>();
    for (const l of lanes) {
      const ids = new Set(l.checks);
      const checks = report.checks.filter((c) => ids.has(c.id) && !claimed.has(c.id));
      for (const c of checks) claimed.add(c.id);
      const span = wallClockMs({ ...report, startedAt: l.startedAt, endedAt: l.endedAt, checks });
      suites.push({
        name: `hunt ${l.namespace} ${l.release}`,
        classname: `hunt.${l.lane}`,
        checks,
        hostname: l.hostname?.trim() ? l.hostname : 'localhost',
        startedAt: l.startedAt,
        wallMs: span,
        properties: [...base, ['laneRunId', l.runId]],
      });
    }
    const rest = report.checks.filter((c) => !claimed.has(c.id));
    if (rest.length) {
      suites.push({
        name: `hunt merged ${report.release}`,
        classname: `hunt.${report.lane}`,
        checks: rest,
        hostname: 'localhost',
        startedAt: report.startedAt,
        wallMs: 0,
        properties: base,
      });
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hunt" ${countsOf(report.checks, wallClockMs(report))}>`,
    ...suites.flatMap(suiteXml),
    '</testsuites>',
    '',
  ].join('\n');
}
