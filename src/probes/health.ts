/**
 * HTTP health probe: one GET with a hard deadline (a hanging endpoint never hangs hunt), no keep-alive
 * agent (nothing lingers after the probe), the body capped and redacted. The tcp and command kinds are in
 * health-probe.ts, which dispatches every "is it healthy" question of hunt.
 */
import { performance } from 'node:perf_hooks';
import { noRedaction, type Redactor } from '../runtime/redact.js';
import { http, https } from '../runtime/builtin.js';

export interface HealthProbe {
  /** Which probe ran (target.health.kind; healthUrl is http). */
  kind: 'http' | 'tcp' | 'command';
  /** What was probed: the URL, tcp://host:port, or "command: <text>" (redacted). */
  url: string;
  /** true when the probe passed: 2xx (or expectStatus) and bodyPattern; the expected reply; exit 0. */
  ok: boolean;
  /** One line: "HTTP 200 in 3 ms", "+PONG in 1 ms", "exit 1 in 20 ms: <stderr>". */
  detail: string;
  statusCode: number | null;
  /** Time until the (capped) body was read; null when no response arrived. */
  latencyMs: number | null;
  timedOut: boolean;
  /** Connection or protocol error (e.g. "connect ECONNREFUSED 127.0.0.1:4711"); null on any HTTP answer. */
  error: string | null;
  /** Start of the body, redacted (null when none). */
  body: string | null;
}

export interface HealthOptions {
  timeoutMs: number;
  /** Status codes that count as healthy (default any 2xx). */
  expectStatus?: number[] | null;
  /** A regex the body must match. */
  bodyPattern?: string | null;
  redact?: Redactor;
  /** Body characters kept (default 512). */
  maxBodyChars?: number;
}

/** GETs `url` once; never throws (every failure is described in the result). */
export function probeHealth(url: string, opts: HealthOptions): Promise<HealthProbe> {
  const redact = opts.redact ?? noRedaction;
  const maxBody = opts.maxBodyChars ?? 512;
  const started = performance.now();
  const result = (p: Partial<HealthProbe>): HealthProbe => {
    const r: HealthProbe = { kind: 'http', url, ok: false, detail: '', statusCode: null, latencyMs: null, timedOut: false, error: null, body: null, ...p };
    if (!r.detail) r.detail = r.statusCode !== null ? `HTTP ${r.statusCode} in ${r.latencyMs} ms` : (r.error ?? 'no answer');
    return r;
  };
  const statusOk = (code: number) => (opts.expectStatus?.length ? opts.expectStatus.includes(code) : code >= 200 && code < 300);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(result({ error: `not a valid URL: ${url}` }));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.resolve(result({ error: `unsupported protocol ${parsed.protocol} (http or https only)` }));
  }
  const client = parsed.protocol === 'https:' ? https() : http();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (p: Partial<HealthProbe>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result(p));
    };
    const req = client.get(parsed, { agent: false, headers: { 'user-agent': 'hunt-health-probe', connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        // Keep generously more than shown (multi-byte text, and a secret that starts before the cut must be whole
        // to be redacted); the rest is drained.
        if (size < maxBody * 4 + 64 * 1024) chunks.push(c);
        size += c.length;
      });
      const done = () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const text = raw.trim();
        // Redact before cutting: a secret straddling the cut would otherwise leak its head.
        const clean = redact(text);
        const body = clean ? (clean.length > maxBody ? `${clean.slice(0, maxBody)}...` : clean) : null;
        const code = res.statusCode ?? null;
        const latencyMs = Math.round(performance.now() - started);
        const codeOk = code !== null && statusOk(code);
        const bodyOk = !opts.bodyPattern || new RegExp(opts.bodyPattern, 'm').test(raw);
        const detail = `HTTP ${code} in ${latencyMs} ms${codeOk && !bodyOk ? ` but the body does not match /${opts.bodyPattern}/` : ''}`;
        finish({ ok: codeOk && bodyOk, statusCode: code, latencyMs, body, detail });
      };
      res.on('end', done);
      res.on('error', done); // a body cut short still carries the status code
    });
    req.on('error', (err) => finish({ error: redact(err.message) }));
    const timer = setTimeout(() => finish({ timedOut: true, error: `no response within ${opts.timeoutMs} ms` }), opts.timeoutMs);
  });
}
