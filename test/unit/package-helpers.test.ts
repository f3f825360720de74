import { describe, expect, it } from 'vitest';
import { deadReferences, printedScripts } from '../e2e/package.helpers.js';
import { repoRoot } from '../helpers/spawn-hunt.js';

describe('the packaging e2e test helpers', () => {
  it('deadReferences checks paths to documents and schemas, not bare output names', () => {
    const text = [
      'The format is documented in docs/config.md; see also (runbooks/evidence.md)',
      'writes hunt-report.md and junit.xml',
      '"$schema": "./schemas/hunt-config.schema.json"',
      'next: /nowhere/runbooks/incident-playbooks.md',
      'missing: docs/nope.md',
    ].join('\n');
    expect(deadReferences(text, repoRoot)).toEqual(['/nowhere/runbooks/incident-playbooks.md', 'docs/nope.md']);
  });

  it('printedScripts reads the block hunt init prints', () => {
    expect(printedScripts('Add these:\n  "scripts": {\n    "hunt:collect": "hunt collect"\n  }\n')).toEqual({ 'hunt:collect': 'hunt collect' });
  });
});
