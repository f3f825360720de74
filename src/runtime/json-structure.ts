/**
 * Structural checks JSON.parse does not make: duplicate keys (JSON.parse keeps the last, so
 * `"status":"fail","status":"pass"` would read as pass) and nesting deeper than a documented limit (deep
 * nesting overflows the stack of every recursive consumer downstream). Runs on text JSON.parse accepted,
 * in one linear pass without recursion.
 */

/** Deepest nesting of objects and arrays accepted in any JSON hunt reads (docs/reliability.md). */
export const MAX_JSON_DEPTH = 64;

export interface JsonStructureProblem {
  offset: number;
  message: string;
}

interface Frame {
  object: boolean;
  keys: Set<string> | null;
  expectKey: boolean;
}

/** First duplicate key or over-deep nesting in valid JSON text, or null when there is none. */
export function findJsonStructureProblem(text: string, maxDepth: number = MAX_JSON_DEPTH): JsonStructureProblem | null {
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return null; // not valid JSON: the parser already said so
        let bs = 0;
        for (let k = q - 1; k > start && text.charCodeAt(k) === 0x5c; k--) bs++;
        if (bs % 2 === 0) {
          j = q;
          break;
        }
        j = q + 1;
      }
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        const raw = text.slice(start, j + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys!.has(key)) return { offset: start, message: `duplicate key ${JSON.stringify(key)} (JSON keeps only the last one)` };
        top.keys!.add(key);
        top.expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      stack.push({ object: c === 0x7b, keys: c === 0x7b ? new Set() : null, expectKey: c === 0x7b });
      if (stack.length > maxDepth) return { offset: i, message: `nested deeper than ${maxDepth} levels` };
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
    }
  }
  return null;
}
