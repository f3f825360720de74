/**
 * The bound health probe: `target.health` (http, tcp or command) or its short form `target.healthUrl`,
 * with placeholders expanded. Every place that asks "is it healthy" (collect, T0, T1 ready, T4 observe,
 * chaos readiness) probes this one value; without it they can only say "port open".
 */
import type { CommandLine } from '../runtime/exec.js';
import { expand, expandCommand, type PlaceholderValues } from './placeholders.js';
import type { TargetConfig } from './schema.js';

/** A health probe, expanded for one place (production or a lane). */
export type HealthSpec =
  | { kind: 'http'; url: string; expectStatus: number[] | null; bodyPattern: string | null }
  | { kind: 'tcp'; host: string; port: number; send: string | null; expect: string | null }
  | { kind: 'command'; command: CommandLine };

/** Pure: the target's health probe with `v` expanded; null when the profile configures none. */
export function bindHealth(t: Pick<TargetConfig, 'health' | 'healthUrl' | 'host'>, v: PlaceholderValues): HealthSpec | null {
  const h = t.health;
  if (!h) return t.healthUrl ? { kind: 'http', url: expand(t.healthUrl, v), expectStatus: null, bodyPattern: null } : null;
  switch (h.kind) {
    case 'http':
      return { kind: 'http', url: expand(h.url, v), expectStatus: h.expectStatus ?? null, bodyPattern: h.bodyPattern ?? null };
    case 'tcp':
      return { kind: 'tcp', host: t.host, port: v.port, send: h.send ?? null, expect: h.expect ?? null };
    case 'command':
      return { kind: 'command', command: expandCommand(h.command, v) };
  }
}

/** Pure: the URL of an http probe (what reports call the health URL), else null. */
export function healthUrlOf(h: HealthSpec | null): string | null {
  return h?.kind === 'http' ? h.url : null;
}

/** Pure: how reports name a probe: "GET <url>", "tcp 127.0.0.1:6379 PING -> +PONG", "command redis-cli ping". */
export function describeHealth(h: HealthSpec | null): string {
  if (!h) return 'no health probe (port open only)';
  if (h.kind === 'http') return `GET ${h.url}`;
  if (h.kind === 'tcp') {
    const show = (s: string) => JSON.stringify(s).slice(1, -1);
    return `tcp ${h.host}:${h.port}${h.send !== null ? ` send "${show(h.send)}"` : ''}${h.expect !== null ? ` expect "${show(h.expect)}"` : ''}`;
  }
  return `command ${Array.isArray(h.command) ? h.command.join(' ') : h.command}`;
}
