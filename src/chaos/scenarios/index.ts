/** The scenario registry, in the canonical order of the matrix (the order of checks in the report): built-ins, then the profile's custom ones. */
import { allScenarios, type ScenarioName } from '../../config/scenarios.js';
import type { ChaosConfig } from '../../config/schema.js';
import type { ScenarioDef } from '../types.js';
import { alreadyRunning } from './already-running.js';
import { badConfig } from './bad-config.js';
import { crashRecovery } from './crash-recovery.js';
import { customScenario } from './custom.js';
import { gracefulShutdown } from './graceful-shutdown.js';
import { missingEnv } from './missing-env.js';
import { portCollision } from './port-collision.js';
import { signalRestart } from './signal-restart.js';
import { transientNetwork } from './transient-network.js';

const DEFS: Record<ScenarioName, ScenarioDef> = {
  'port-collision': portCollision,
  'already-running': alreadyRunning,
  'signal-restart': signalRestart,
  'missing-env': missingEnv,
  'transient-network': transientNetwork,
  'crash-recovery': crashRecovery,
  'graceful-shutdown': gracefulShutdown,
  'bad-config': badConfig,
};

/** Every scenario, canonical order. */
export const SCENARIOS: readonly ScenarioDef[] = allScenarios.map((n) => DEFS[n]);

/** Every scenario name of a profile, canonical order: the built-ins, then custom:<name> in chaos.custom order. */
export function scenarioNames(cfg: Pick<ChaosConfig, 'custom'>): string[] {
  return [...allScenarios, ...cfg.custom.map((c) => `custom:${c.name}`)];
}

/** The definition of one scenario (a built-in, or custom:<name> of the profile). */
export function scenarioDef(name: string, cfg: Pick<ChaosConfig, 'custom'>): ScenarioDef {
  const builtIn = DEFS[name as ScenarioName];
  if (builtIn) return builtIn;
  const entry = cfg.custom.find((c) => `custom:${c.name}` === name);
  if (!entry) throw new Error(`unknown scenario ${name}`);
  return customScenario(entry);
}
