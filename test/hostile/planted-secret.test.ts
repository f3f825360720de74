/**
 * A planted secret through a full `release-gate --demo`: the profile's secret env value (printed by a target
 * command in full and in base64, with the cut of the output tail falling inside it) and a token in a
 * command-line flag. Every artifact of the out-dir, the step summary, stdout and stderr are searched for the
 * secrets, their halves and their base64; a resume must be given the redacted command line again.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, makeSandbox, runHunt, type Sandbox } from '../fixtures/gate/harness.js';

const PROFILE_SECRET = 'demo-token-0123456789abcdef'; // SAMPLE_GATEWAY_TOKEN of the demo profile (secretEnv)
const FLAG_SECRET = `ghp_${'Zq8'.repeat(12)}`;

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

/** The secret, its two halves, and its base64 (also URL-safe). */
function needles(secret: string): string[] {
  const h = Math.floor(secret.length / 2);
  const b64 = Buffer.from(secret).toString('base64').replace(/=+$/, '');
  return [secret, secret.slice(0, h), secret.slice(h), b64, Buffer.from(secret).toString('base64url')];
}

let sb: Sandbox | undefined;
afterEach(async () => {
  await cleanup(sb);
  sb = undefined;
});

describe('planted secret through a full gate', () => {
  it('leaves no trace of the secrets in any artifact or stream', async () => {
    sb = await makeSandbox();
    const out = path.join(sb.dir, 'gate');
    const summary = path.join(sb.dir, 'step-summary.md');
    // 63,990 characters after the secret: the 64,000-character tail of the log cuts inside it unless redaction came first.
    const verify = `printf '%s' "$SAMPLE_GATEWAY_TOKEN"; head -c 63990 /dev/zero | tr '\\0' x; echo; printf '%s' "$SAMPLE_GATEWAY_TOKEN" | base64; echo "$SAMPLE_GATEWAY_TOKEN" >&2; exit 4`;
    const update = `echo deploying with ${FLAG_SECRET}`;
    const res = await runHunt(
      sb,
      ['release-gate', '--demo', '--skip-chaos', '--skip-tests', '--out-dir', out, '--verify-command', verify, '--update-command', update],
      {
        GITHUB_STEP_SUMMARY: summary,
      },
    );
    expect(res.code, res.stderr).toBe(1); // the verify command exits 4: a strict failure
    const texts: Array<[string, string]> = [
      ['stdout', res.stdout],
      ['stderr', res.stderr],
      ...[...files(out), summary].map((f): [string, string] => [path.relative(sb!.dir, f), readFileSync(f, 'utf8')]),
    ];
    expect(texts.map(([n]) => n)).toEqual(
      expect.arrayContaining(['gate/hunt-report.json', 'gate/hunt-report.md', 'gate/junit.xml', 'gate/journal.ndjson', 'gate/inputs/hunt.config.json']),
    );
    const leaks: string[] = [];
    for (const [name, text] of texts) {
      for (const n of [...needles(PROFILE_SECRET), ...needles(FLAG_SECRET)]) if (text.includes(n)) leaks.push(`${name}: ${n}`);
    }
    expect(leaks).toEqual([]);
    expect(readFileSync(path.join(out, 'checks/t1_verify.log'), 'utf8')).toContain('[REDACTED]');

    // The journal keeps the update command redacted: a resume must be handed it again, and the same one.
    const bare = await runHunt(sb, ['release-gate', '--resume', out]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/--update-command held a secret, which the journal does not keep; give --update-command again/);
    const wrong = await runHunt(sb, ['release-gate', '--resume', out, '--update-command', 'echo something else']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--update-command differs from the one the gate started with/);
    const same = await runHunt(sb, ['release-gate', '--resume', out, '--update-command', update]);
    expect(same.stderr).toMatch(/already finished; nothing to resume/);
    expect(same.code).toBe(1); // the finished gate's verdict again: fail
  });
});
