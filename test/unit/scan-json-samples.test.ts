/**
 * Samples of JSON-lines logs lead with the message: a logger that writes `msg` after long other fields (request
 * dumps, stack arrays) would otherwise lose it to the sample cap. Redaction still comes before the final cut.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/runtime/redact.js';
import { jsonMessageField } from '../../src/scan/json-field.js';
import { SAMPLE_CHARS } from '../../src/scan/merge.js';
import { markLogs, scanAppended, scanSignatures } from '../../src/scan/index.js';
import type { ScanSignature } from '../../src/scan/types.js';

const SECRET = 'sk-live-7f3a9c1e5b2d4f60';
const AT = Date.UTC(2026, 2, 10, 12, 0, 0);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-json-samples-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pino-style line: the time, 3000+ bytes of other fields, then the message (which carries a secret). */
function line(msg: string): string {
  const headers = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`x-header-${i}`, `value-${i}-${'h'.repeat(36)}`]));
  return JSON.stringify({ time: new Date(AT).toISOString(), level: 50, req: { method: 'POST', url: '/v1/upstream', headers }, msg });
}

const SIGS: ScanSignature[] = [
  { name: 'upstream', source: 'app', pattern: 'upstream unreachable', regex: false },
  { name: 'level50', source: 'app', pattern: '"level":50', regex: true },
];

describe('JSON log samples lead with the message', () => {
  it('a message after 3000 bytes of other fields is the start of the sample, redacted, the cut after it', async () => {
    const text = line(`upstream unreachable: POST /v1/upstream with key=${SECRET} refused`);
    expect(text.indexOf('"msg"')).toBeGreaterThan(3000);
    const file = path.join(dir, 'app.log');
    await writeFile(file, `${text}\n`);
    const r = await scanSignatures([{ source: 'app', path: file, rotated: false, timestamp: { format: 'json', field: 'time' } }], SIGS, {
      windowStartMs: AT - 60_000,
      windowEndMs: AT + 60_000,
      redact: createRedactor({ secretValues: [SECRET] }),
      tuning: { workers: 0 },
    });
    for (const sig of r.signatures) {
      expect(sig.countWindow).toBe(1);
      const [sample] = sig.samples;
      // literal far into the line and regex (which shows the line head): both open with the message
      expect(sample.startsWith('msg: upstream unreachable: POST /v1/upstream with key=[REDACTED] refused … {"time":"2026-03-10T12:00:00.000Z"')).toBe(true);
      expect(sample).not.toContain(SECRET);
      expect(sample.length).toBeLessThanOrEqual(SAMPLE_CHARS);
    }
  });

  it('the lines the gate quotes (appended since a mark) lead with the message too', async () => {
    const file = path.join(dir, 'appended.log');
    await writeFile(file, `${line('before the mark')}\n`);
    const src = { source: 'app', path: file, rotated: false };
    const mark = await markLogs([src], AT);
    await writeFile(file, `${line('before the mark')}\n${line(`upstream unreachable, token ${SECRET}`)}\n`);
    const res = await scanAppended([src], [SIGS[0]], [mark], { redact: createRedactor({ secretValues: [SECRET] }), workers: 0 });
    expect(res.signatures[0].count).toBe(1);
    expect(res.signatures[0].lines[0].line.startsWith('msg: upstream unreachable, token [REDACTED] … {"time":')).toBe(true);
  });

  it('finds the first top-level string msg/message, never one nested or inside another value', () => {
    const find = (s: string) => {
      const b = Buffer.from(s);
      const f = jsonMessageField(b, 0, b.length);
      return f && `${f.key}=${b.subarray(f.start, f.end).toString()}`;
    };
    expect(find('{"a":{"msg":"nested"},"b":"\\"msg\\":\\"quoted\\"","message":"top \\"q\\""}')).toBe('message=top \\"q\\"');
    expect(find('{"msg":42,"message":"",  "msg" : "third"}')).toBe('msg=third'); // a number and an empty string are skipped
    expect(find('{"level":"error","msg":"cut off her')).toBe('msg=cut off her'); // a line cut inside the value
    expect(find('{"level":"error"}')).toBeNull();
    expect(find('2026-03-10T12:00:00Z ERROR {"msg":"not a JSON line"}')).toBeNull();
  });
});
