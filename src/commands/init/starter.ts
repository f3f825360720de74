/**
 * The starter files `hunt init` writes (pure: values in, JSON-ready objects out). The starter profile is
 * valid as written (a test checks it) so the first `hunt collect` runs; the user then edits the commands.
 */
import type { HuntConfigInput } from '../../config/schema.js';

/** package.json scripts that run each hunt command (`hunt` resolves from node_modules/.bin). */
export const STARTER_SCRIPTS: Record<string, string> = {
  'hunt:collect': 'hunt collect',
  'hunt:release-gate': 'hunt release-gate',
  'hunt:staging-chaos': 'hunt staging-chaos',
  'hunt:render-report': 'hunt render-report',
};

/** A starter profile for a daemon called `name` on `port`, with its `$schema` reference. */
export function starterConfig(name: string, port: number, schemaRef: string): HuntConfigInput {
  return {
    $schema: schemaRef,
    target: {
      name,
      versionCommand: [name, '--version'],
      statusCommand: [name, 'status'],
      startCommand: [name, 'start', '--port', '{port}'],
      stopCommand: [name, 'stop'],
      restartCommand: [name, 'restart'],
      port,
      host: '127.0.0.1',
      healthUrl: 'http://127.0.0.1:{port}/healthz',
      healthTimeoutMs: 5000,
      home: `~/.${name}`,
      env: {},
      requiredEnv: [],
      secretEnv: [],
      readyTimeoutMs: 15000,
      commandTimeoutMs: 10000,
    },
    logs: [
      { source: 'app', path: `{home}/logs/${name}.log`, rotated: true, timestamp: { format: 'auto' } },
      { source: 'app-err', path: `{home}/logs/${name}.err.log`, rotated: true, timestamp: { format: 'auto' } },
    ],
    signatures: [
      { name: 'fatal_crash', source: 'app-err', pattern: 'FATAL', kind: 'crash', category: 'core' },
      { name: 'unhandled_rejection', source: 'app-err', pattern: 'UnhandledPromiseRejection', kind: 'crash', category: 'core' },
      { name: 'out_of_memory', source: 'app-err', pattern: 'heap out of memory', kind: 'crash', category: 'core' },
      { name: 'port_in_use', source: 'app-err', pattern: 'EADDRINUSE', kind: 'config', category: 'ops' },
      { name: 'timeouts', source: 'app', pattern: '\\b(ETIMEDOUT|timed out)\\b', regex: true, kind: 'warning', category: 'ops' },
    ],
    redact: { patterns: [] },
    windowMinutes: 120,
  };
}

/** An empty known-issues allowlist in the format of schemas/known-issues.schema.json. */
export function starterKnownIssues(schemaRef: string): { $schema: string; entries: unknown[] } {
  return { $schema: schemaRef, entries: [] };
}
