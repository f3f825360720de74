/**
 * Cross-field rules of chaos.custom[] and chaos.scenarios, pure: one action per entry, at least one expectation
 * and none that contradict each other, unique names that never shadow a built-in scenario, and chaos.scenarios
 * naming only scenarios that exist. Issues carry the profile path of the field to fix.
 */
import { allScenarios } from './scenarios.js';
import type { HuntConfig } from './schema.js';
import type { ConfigIssue } from './semantic.js';

const ACTIONS = ['signal', 'command', 'fault'] as const;

/** Pure: the expectations an entry declares (a false noNewListener / noErrorSignatureAfter checks nothing). */
export function declaredExpectations(e: HuntConfig['chaos']['custom'][number]['expect']): string[] {
  const out: string[] = [];
  if (e.samePid !== undefined) out.push('samePid');
  if (e.noNewListener) out.push('noNewListener');
  if (e.healthyWithinMs !== undefined) out.push('healthyWithinMs');
  if (e.exitsWithOneOf) out.push('exitsWithOneOf');
  if (e.messagePattern !== undefined) out.push('messagePattern');
  if (e.noErrorSignatureAfter) out.push('noErrorSignatureAfter');
  return out;
}

/** Every problem of chaos.custom and chaos.scenarios. */
export function customIssues(config: HuntConfig): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const first = new Map<string, number>();
  config.chaos.custom.forEach((c, i) => {
    const at = (...p: PropertyKey[]) => ['chaos', 'custom', i, ...p];
    if ((allScenarios as readonly string[]).includes(c.name))
      out.push({ path: at('name'), message: `"${c.name}" is a built-in scenario: give the custom scenario a name of its own (it runs as custom:<name>)` });
    const prev = first.get(c.name);
    if (prev === undefined) first.set(c.name, i);
    else out.push({ path: at('name'), message: `duplicate custom scenario name "${c.name}" (first defined at chaos.custom[${prev}])` });
    const actions = ACTIONS.filter((a) => c.action[a] !== undefined);
    if (actions.length !== 1)
      out.push({
        path: at('action'),
        message: `${actions.length ? `gives ${actions.join(' and ')}` : 'is empty'}: give exactly one of signal, command or fault (e.g. {"signal": "SIGUSR1"})`,
      });
    if (c.action.fault && c.action.durationMs === undefined)
      out.push({ path: at('action', 'durationMs'), message: 'required with a fault: how long it lasts' });
    if (!c.action.fault && c.action.durationMs !== undefined) out.push({ path: at('action', 'durationMs'), message: 'only a fault action has a duration' });
    const f = c.action.fault;
    if (f?.type === 'slicer' && f.sizeVariation >= f.averageSize)
      out.push({ path: at('action', 'fault', 'sizeVariation'), message: `must be below averageSize (${f.averageSize})` });
    const declared = declaredExpectations(c.expect);
    if (!declared.length)
      out.push({
        path: at('expect'),
        message:
          'declares no expectation: give at least one of samePid, noNewListener: true, healthyWithinMs, exitsWithOneOf, messagePattern, noErrorSignatureAfter: true',
      });
    if (c.expect.exitsWithOneOf)
      for (const k of ['samePid', 'healthyWithinMs'] as const)
        if (c.expect[k] !== undefined)
          out.push({ path: at('expect', k), message: `contradicts exitsWithOneOf (a target expected to exit cannot keep serving)` });
  });
  const known = new Set<string>([...allScenarios, ...config.chaos.custom.map((c) => `custom:${c.name}`)]);
  (config.chaos.scenarios ?? []).forEach((n, i) => {
    if (!known.has(n))
      out.push({
        path: ['chaos', 'scenarios', i],
        message: `"${n}" names no chaos.custom entry (declared: ${[...known].filter((k) => k.startsWith('custom:')).join(', ') || 'none'})`,
      });
  });
  return out;
}
