/**
 * The gateway's log files: <home>/logs/gateway.log (INFO/DEBUG) and <home>/logs/gateway.err.log
 * (WARN/ERROR/FATAL), one line each: `<ISO-8601 UTC with ms>Z <LEVEL> <message>`.
 * Writes are synchronous appends so a line is on disk before a fail-fast exit or a crash.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<Level, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, FATAL: 50 };
const MIN_RANK: Record<LogLevelName, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  /** An INFO lifecycle line (start, lock, listen, reload, shutdown): written whatever the configured level. */
  event(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  fatal(msg: string): void;
  setLevel(level: LogLevelName): void;
  readonly outPath: string;
  readonly errPath: string;
}

/** Log file paths of a home. */
export function logPaths(home: string): { dir: string; out: string; err: string } {
  const dir = path.join(home, 'logs');
  return { dir, out: path.join(dir, 'gateway.log'), err: path.join(dir, 'gateway.err.log') };
}

/** Formats one log line (exported for tests and for the docs' examples). */
export function formatLine(level: Level, msg: string, now = new Date()): string {
  // one event per line: a message with newlines would look like several events to a scanner
  return `${now.toISOString()} ${level} ${msg.replace(/\r?\n/g, ' | ')}\n`;
}

/**
 * Creates the logger. `echo` mirrors every line to stdout (info) / stderr (warn+) — on in the foreground;
 * off in a daemonized child, whose stdio already goes to these same files.
 */
export function createLogger(home: string, echo: boolean): Logger {
  const p = logPaths(home);
  fs.mkdirSync(p.dir, { recursive: true });
  let min = MIN_RANK.info;
  const write = (level: Level, msg: string, always = false) => {
    // errors and lifecycle events are always written: checks depend on them whatever the configured level
    if (!always && RANK[level] < min && RANK[level] < RANK.ERROR) return;
    const line = formatLine(level, msg);
    const isErr = RANK[level] >= RANK.WARN;
    try {
      fs.appendFileSync(isErr ? p.err : p.out, line);
    } catch {
      /* a full disk must not take the gateway down; the echo below still shows it */
    }
    if (echo) (isErr ? process.stderr : process.stdout).write(line);
  };
  return {
    debug: (m) => write('DEBUG', m),
    info: (m) => write('INFO', m),
    event: (m) => write('INFO', m, true),
    warn: (m) => write('WARN', m),
    error: (m) => write('ERROR', m),
    fatal: (m) => write('FATAL', m),
    setLevel: (l) => {
      min = MIN_RANK[l];
    },
    outPath: p.out,
    errPath: p.err,
  };
}
