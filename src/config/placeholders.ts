/**
 * The one place that expands placeholders: {port} {home} {configDir} {packageDir} {node} {upstreamUrl} {sandbox} {tmp} and
 * a leading `~`. Production values (bind.ts) and a chaos lane's sandbox values (lane.ts) both come here.
 */
import os from 'node:os';
import path from 'node:path';
import type { CommandLine } from '../runtime/exec.js';
import { packageDir } from './package.js';

/** Placeholders expand() understands; anything else in braces in a path or URL is a typo. */
export const PLACEHOLDERS = ['port', 'home', 'configDir', 'packageDir', 'node', 'upstreamUrl', 'sandbox', 'tmp'] as const;

/** Values for placeholders in commands, paths and URLs. */
export interface PlaceholderValues {
  port: number;
  home: string;
  configDir: string;
  upstreamUrl?: string;
  /** What a leading `~` means (default: the user's home; a lane maps it to the sandbox HOME). */
  tilde?: string;
  /** A chaos lane's sandbox root and TMPDIR ({sandbox}, {tmp}); outside a lane they stay as written. */
  sandbox?: string;
  tmp?: string;
}

/** Expands `~` and every placeholder in one string. */
export function expand(text: string, v: PlaceholderValues): string {
  const tilde = v.tilde ?? os.homedir();
  const t = text === '~' ? tilde : text.startsWith('~/') ? path.join(tilde, text.slice(2)) : text;
  return t.replace(/\{(port|home|configDir|packageDir|node|upstreamUrl|sandbox|tmp)\}/g, (m, key: string) => {
    switch (key) {
      case 'port':
        return String(v.port);
      case 'home':
        return v.home;
      case 'configDir':
        return v.configDir;
      case 'packageDir':
        return packageDir;
      case 'node':
        return process.execPath;
      case 'sandbox':
        return v.sandbox ?? m;
      case 'tmp':
        return v.tmp ?? m;
      default:
        return v.upstreamUrl ?? '';
    }
  });
}

/** Expands a command line (string or argv array). */
export function expandCommand(cmd: CommandLine, v: PlaceholderValues): CommandLine {
  return Array.isArray(cmd) ? cmd.map((a) => expand(a, v)) : expand(cmd, v);
}
