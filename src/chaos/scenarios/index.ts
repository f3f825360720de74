/** The scenario registry, in the canonical order of the matrix (the order of checks in the report). */
import { allScenarios, type ScenarioName } from '../../config/schema.js';
import type { ScenarioDef } from '../types.js';
import { alreadyRunning } from './already-running.js';
import { badConfig } from './bad-config.js';
import { crashRecovery } from './crash-recovery.js';
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

/** The definition of one scenario. */
export function scenarioDef(name: ScenarioName): ScenarioDef {
  return DEFS[name];
}
