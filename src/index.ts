/**
 * The programmatic API of release-hunt (`import { renderReport } from 'release-hunt'`). Deliberately small: the
 * report types, the verdict, in-memory rendering and config helpers. The CLI (`hunt`) is the main interface;
 * everything else under dist/ is internal and may change in any release.
 */
export type {
  Category,
  Check,
  CheckStatus,
  Classification,
  ClassificationStatus,
  GateReason,
  GateStatus,
  GateVerdict,
  HuntReportV1,
  Lane,
  Severity,
  Signature,
} from './core/report-types.js';
export type { AllowlistEntry, AllowlistFile } from './core/allowlist.js';
export { computeVerdict, verdictExitCode } from './core/verdict.js';
export { validateReport } from './report/validate.js';
export { renderReport, type RenderOptions, type RenderedReport } from './api/render.js';
export { defineConfig, validateConfig, type HuntConfig, type HuntConfigInput } from './api/config.js';
export { EXIT } from './errors.js';
