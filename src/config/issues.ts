/** Formats validation issues as `path: message` lines, the same shape ajv errors are printed in. */

interface IssueLike {
  path: PropertyKey[];
  message: string;
}

/** JSON-pointer-like path (`/target/port`) for a zod issue path. */
export function pointer(path: PropertyKey[]): string {
  return path.length ? `/${path.map(String).join('/')}` : '/';
}

/** One `path: message` line per issue, in input order. */
export function formatZodIssues(issues: IssueLike[]): string[] {
  return issues.map((i) => `${pointer(i.path)}: ${i.message}`);
}
