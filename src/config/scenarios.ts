/**
 * Profile vocabulary that code outside validation needs (scenario names, a signature's exclusions), kept apart
 * from schema.ts: importing the schema loads zod and builds every schema, which `hunt collect` must not pay for
 * (config/profile-cache.ts).
 */

export const scenarioNames = [
  'port-collision',
  'already-running',
  'signal-restart',
  'missing-env',
  'transient-network',
  'crash-recovery',
  'graceful-shutdown',
  'bad-config',
] as const;
export type ScenarioName = (typeof scenarioNames)[number];
export const allScenarios: readonly ScenarioName[] = scenarioNames;

/** A signature's exclusions as a list (the profile may give one string). */
export function excludeList(x: string | string[] | undefined): string[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}
