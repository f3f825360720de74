/**
 * chaos.custom[]: scenarios a profile declares itself. Each is an action (a signal to the serving process, a
 * command run in the lane, or a fault on the lane's upstream fault proxy) and expectations the built-in
 * scenarios already know how to check. Cross-field rules (exactly one action, at least one expectation, no
 * contradiction, unique names) live in semantic.ts, so each problem is reported at its own path.
 */
import { z } from 'zod';
import { commandLine, duration, regexSource } from './schema-parts.js';

const ms = z.number().int().min(0);
/** toxiproxy's scope of a toxic: its direction and the share of connections it applies to. */
const scope = {
  stream: z
    .enum(['upstream', 'downstream'])
    .default('downstream')
    .describe('Direction: downstream = upstream -> target (the default, as in toxiproxy), upstream = target -> upstream'),
  toxicity: z.number().min(0).max(1).default(1).describe('Probability (0..1) that a connection gets the toxic'),
};

/** A fault of the lane's upstream fault proxy (toxiproxy's toxics, plus whole-connection faults). */
export const faultSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('latency'), ms, jitterMs: ms.default(0), ...scope }),
  z.strictObject({ type: z.literal('bandwidth'), bytesPerSec: z.number().int().positive(), ...scope }),
  z.strictObject({ type: z.literal('timeout'), ms: ms.describe('Close the connection after ms (0: hold it open while the fault lasts)'), ...scope }),
  z.strictObject({ type: z.literal('slow_close'), ms: ms.describe('Delay the close by ms'), ...scope }),
  z.strictObject({
    type: z.literal('slicer'),
    averageSize: z.number().int().positive().describe('Average slice size, bytes'),
    sizeVariation: z.number().int().min(0).default(0).describe('Slice sizes vary by +/- this many bytes (below averageSize)'),
    delayMs: ms.default(0).describe('Delay between slices'),
    ...scope,
  }),
  z.strictObject({ type: z.literal('limit_data'), bytes: z.number().int().min(0).describe('Close the connection after this many bytes'), ...scope }),
  z.strictObject({ type: z.literal('reset') }),
  z.strictObject({ type: z.literal('blackhole') }),
  z.strictObject({ type: z.literal('refuse') }),
]);

export const CUSTOM_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** How chaos.scenarios and --scenarios name a custom scenario. */
export const customScenarioRef = z.string().regex(/^custom:[a-z0-9][a-z0-9-]*$/, 'a built-in scenario name, or custom:<name> of a chaos.custom entry');

export const customScenarioSchema = z.strictObject({
  name: z
    .string()
    .regex(CUSTOM_NAME, 'lowercase letters, digits and - only (it names the check, chaos_custom_<name>, and the artifacts)')
    .describe('Unique; the scenario runs as custom:<name>, its check is chaos_custom_<name>'),
  description: z.string().optional(),
  /** Variables set for this scenario's starts only (shown in its evidence and repro). */
  env: z.record(z.string(), z.string()).default({}),
  /** Whether chaos.upstreamEnv is set for this scenario (default: only with a fault action). */
  upstream: z.boolean().optional(),
  action: z
    .strictObject({
      signal: z.string().min(1).optional().describe('Sent to the lane\'s serving process, e.g. "SIGUSR1"'),
      command: commandLine.optional().describe('Run inside the lane (its enclosure, env and user); placeholders expand for the lane'),
      fault: faultSchema.optional().describe("Applied on the lane's upstream fault proxy for durationMs"),
      durationMs: duration.optional().describe('How long the fault lasts (fault actions only)'),
    })
    .describe('Exactly one of signal, command, fault (with durationMs)'),
  expect: z
    .strictObject({
      samePid: z.boolean().optional().describe('true: the serving pid is unchanged after the action; false: it changed'),
      noNewListener: z.boolean().optional().describe('true: the target opens no listening socket it did not have before'),
      healthyWithinMs: duration.optional().describe('Serving and healthy again within ms of the action'),
      exitsWithOneOf: z.array(z.number().int().min(0).max(255)).min(1).optional().describe('The target exits (within deadlineMs) with one of these statuses'),
      messagePattern: regexSource.optional().describe("A regex the target's stdout, stderr or logs match after the action"),
      noErrorSignatureAfter: z.boolean().optional().describe('true: no error signature at or above gate.blockingSeverity is logged after the action'),
    })
    .describe('At least one expectation; each is a PASS/FAIL line of the check'),
  /** Severity of the classification when an expectation is unmet (sandbox escapes, leaks and orphans stay p0). */
  severity: z.enum(['p0', 'p1', 'p2']).default('p1'),
  /** How long the action's command and an expected exit may take. */
  deadlineMs: duration.default(10_000),
  /** How long listeners and logs are watched after the action (a listener may open a moment after a reload). */
  settleMs: duration.default(1_000),
});

export type CustomScenarioConfig = z.output<typeof customScenarioSchema>;
export type FaultConfig = z.output<typeof faultSchema>;
