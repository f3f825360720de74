/** The one command table: every subcommand's spec, in help order. */
import type { CommandSpec } from './types.js';
import { collectSpec } from './collect/spec.js';
import { releaseGateSpec } from './release-gate/spec.js';
import { stagingChaosSpec } from './staging-chaos/spec.js';
import { renderReportSpec } from './render-report/spec.js';
import { validateSpec } from './validate/spec.js';
import { schemaSpec } from './schema/spec.js';
import { initSpec } from './init/spec.js';
import { mergeSpec } from './merge/spec.js';
import { diffSpec } from './diff/spec.js';
import { trendSpec } from './trend/spec.js';
import { reclaimSpec } from './reclaim/spec.js';
import { daemonSpec } from './daemon/spec.js';

// Each row is typed with its own options; the table only needs what every row shares.
export const commandTable: CommandSpec<never>[] = [
  collectSpec,
  releaseGateSpec,
  stagingChaosSpec,
  reclaimSpec,
  renderReportSpec,
  mergeSpec,
  diffSpec,
  trendSpec,
  validateSpec,
  schemaSpec,
  initSpec,
  daemonSpec,
];
