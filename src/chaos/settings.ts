/**
 * Per-scenario settings, pure: the environment a scenario adds (its `env`, and the lane's upstream only
 * where the scenario uses one), and its start-up timeout: how long a start may take before the target can
 * be judged. Scenario deadlines count from that moment, not from the spawn.
 */
import type { BoundTarget } from '../config/bind.js';
import type { ChaosConfig, ScenarioName } from '../config/schema.js';

const KEYS = {
  'port-collision': 'portCollision',
  'already-running': 'alreadyRunning',
  'signal-restart': 'signalRestart',
  'missing-env': 'missingEnv',
  'transient-network': 'transientNetwork',
  'crash-recovery': 'crashRecovery',
  'graceful-shutdown': 'gracefulShutdown',
  'bad-config': 'badConfig',
} as const satisfies Record<ScenarioName, keyof ChaosConfig>;

/** Scenarios that exercise the upstream (the only ones that get chaos.upstreamEnv unless the profile says otherwise). */
const USES_UPSTREAM: ReadonlySet<ScenarioName> = new Set(['transient-network']);

export interface ScenarioSettings {
  /** The profile key of the scenario (chaos.<key>), for messages. */
  key: string;
  env: Record<string, string>;
  /** Whether chaos.upstreamEnv is set for this scenario's starts. */
  upstream: boolean;
}

/** Pure: a scenario's settings from the profile (a custom:<name> scenario's from its chaos.custom entry). */
export function scenarioSettings(name: string, cfg: ChaosConfig): ScenarioSettings {
  if (name.startsWith('custom:')) {
    const i = cfg.custom.findIndex((c) => `custom:${c.name}` === name);
    const c = cfg.custom[i];
    if (!c) throw new Error(`no chaos.custom entry for ${name}`);
    return { key: `custom[${i}]`, env: { ...c.env }, upstream: c.upstream ?? c.action.fault !== undefined };
  }
  const key = KEYS[name as ScenarioName];
  if (!key) throw new Error(`unknown scenario ${name}`);
  const s = cfg[key] as { env?: Record<string, string>; upstream?: boolean };
  return { key, env: { ...(s.env ?? {}) }, upstream: s.upstream ?? USES_UPSTREAM.has(name as ScenarioName) };
}

/** Pure: the start-up timeout of the run (chaos.startupTimeoutMs, else target.readyTimeoutMs). */
export function startupTimeoutMs(cfg: ChaosConfig, target: Pick<BoundTarget, 'readyTimeoutMs'>): number {
  return cfg.startupTimeoutMs ?? target.readyTimeoutMs;
}
