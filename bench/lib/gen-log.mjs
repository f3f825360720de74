// Deterministic generator of a time-ordered daemon log for the scanner benchmark (cached under bench/.data/).
// Lines look like a gateway's: ISO timestamp with milliseconds, level, component, message; error lines are
// sometimes followed by a stack trace (lines without a timestamp), so inheritance is exercised too.
import fs from 'node:fs';
import path from 'node:path';

/** The 13 literal signatures planted at about 1 line in 2,000 each. */
export const SIGNATURES = [
  'FATAL',
  'UnhandledPromiseRejection',
  'invalid config',
  'EADDRINUSE',
  'another instance is running',
  'upstream unreachable',
  'reload failed',
  'reclaimed stale lock',
  'ECONNRESET',
  'JavaScript heap out of memory',
  'certificate has expired',
  'circuit breaker open',
  'rate limit exceeded for tenant',
];

export const SPAN_MS = 30 * 24 * 3600 * 1000;
export const END_MS = Date.UTC(2024, 5, 1); // the log's last line is just before this instant
const SIG_RATE = 1 / 2000;
const GEN_VERSION = 3; // bump when the generated content changes, so stale caches are not reused

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMPONENTS = ['http', 'router', 'upstream', 'auth', 'cache', 'scheduler', 'config', 'ws', 'metrics', 'store'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/api/v1/items', '/api/v1/users/me', '/healthz', '/api/v1/sessions', '/api/v2/search', '/static/app.js', '/api/v1/orders'];
const INFO = [
  (r, id) => `${METHODS[(r() * METHODS.length) | 0]} ${PATHS[(r() * PATHS.length) | 0]} 200 ${(r() * 300) | 0}ms req=${id.toString(16)}`,
  (r) => `cache hit ratio=${(r() * 100).toFixed(1)} keys=${(r() * 100000) | 0}`,
  (r) => `scheduled job sync-${(r() * 50) | 0} finished in ${(r() * 5000) | 0}ms`,
  (r) => `session refreshed for user ${(r() * 1e6) | 0} (ttl 3600s)`,
  (r) => `upstream pool size=${(r() * 64) | 0} idle=${(r() * 16) | 0} pending=${(r() * 4) | 0}`,
];

/** The line head for a timestamp: ISO (the default) or nginx's error-log format (a preset, zone-less). */
function head(ms, level, format) {
  const iso = new Date(ms).toISOString();
  if (format === 'nginx-error') return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 19)} [${level.trim().toLowerCase()}] 1234#0:`;
  return `${iso} ${level}`;
}

/** Generates `bytes` of log into `file` (atomically: temp file + rename); time runs from t0 over spanMs. */
export function generateLog(file, bytes, seed = 42, opts = {}) {
  const r = mulberry32(seed);
  const format = opts.format ?? 'iso';
  const span = opts.spanMs ?? SPAN_MS;
  const t0 = opts.t0 ?? END_MS - SPAN_MS;
  const tmp = opts.append ? file : `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, opts.append ? 'a' : 'w');
  let written = 0;
  let out = [];
  let outLen = 0;
  let id = 0x1000;
  while (written + outLen < bytes) {
    // Time follows the byte position, so the file spans exactly 30 days whatever its size.
    const ms = Math.floor(t0 + (span * (written + outLen)) / bytes);
    const comp = COMPONENTS[(r() * COMPONENTS.length) | 0];
    let line;
    const x = r();
    if (x < SIG_RATE * SIGNATURES.length) {
      const sig = SIGNATURES[(x / SIG_RATE) | 0];
      line = `${head(ms, 'ERROR', format)} [${comp}] request ${id.toString(16)} failed: ${sig} (attempt ${(r() * 5) | 0})\n`;
      if (r() < 0.3)
        line += `Error: ${comp} failure\n    at handle (/srv/gateway/lib/${comp}.js:${(r() * 400) | 0}:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n`;
    } else {
      const level = x < 0.02 ? 'WARN ' : x < 0.1 ? 'DEBUG' : 'INFO ';
      line = `${head(ms, level, format)} [${comp}] ${INFO[(r() * INFO.length) | 0](r, id)}\n`;
    }
    id++;
    out.push(line);
    outLen += line.length;
    if (outLen > 1 << 20) {
      written += fs.writeSync(fd, out.join(''));
      out = [];
      outLen = 0;
    }
  }
  if (out.length) written += fs.writeSync(fd, out.join(''));
  fs.closeSync(fd);
  if (!opts.append) fs.renameSync(tmp, file);
}

/** Appends ~`bytes` of lines stamped after the file's end (`fromMs` .. `fromMs + spanMs`): a daemon that kept logging. */
export function appendLog(file, bytes, fromMs, spanMs, seed = 7, format = 'iso') {
  generateLog(file, bytes, seed, { append: true, t0: fromMs, spanMs, format });
}

/** Copies the last ~`bytes` of `src` into `dest`, starting at a timestamped line (same last lines). */
export function writeTail(src, dest, bytes) {
  const size = fs.statSync(src).size;
  const fd = fs.openSync(src, 'r');
  const from = Math.max(0, size - bytes);
  const buf = Buffer.allocUnsafe(size - from);
  fs.readSync(fd, buf, 0, buf.length, from);
  fs.closeSync(fd);
  let s = 0;
  if (from > 0) {
    const m = /\n\d{4}-\d\d-\d\dT/.exec(buf.toString('latin1', 0, 1 << 16));
    s = m ? m.index + 1 : 0;
  }
  fs.writeFileSync(`${dest}.tmp`, buf.subarray(s));
  fs.renameSync(`${dest}.tmp`, dest);
}

/** Ensures the cached benchmark files exist; returns their paths. `format` iso (default) or nginx-error. */
export function ensureData(dataDir, sizeMb, log = () => {}, format = 'iso') {
  fs.mkdirSync(dataDir, { recursive: true });
  const tag = format === 'iso' ? '' : `-${format}`;
  const big = path.join(dataDir, `scan-${sizeMb}MiB${tag}-v${GEN_VERSION}.log`);
  const small = path.join(dataDir, `scan-${sizeMb}MiB${tag}-v${GEN_VERSION}.tail10MiB.log`);
  if (!fs.existsSync(big)) {
    log(`generating ${sizeMb} MiB ${format} log (cached in ${path.relative(process.cwd(), big)}) ...`);
    generateLog(big, sizeMb * 1024 * 1024, 42, { format });
  }
  if (!fs.existsSync(small) && format === 'iso') writeTail(big, small, 10 * 1024 * 1024);
  return { big, small };
}
