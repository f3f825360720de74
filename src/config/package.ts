/** Where the installed hunt package lives and what version it is (bin/, profiles/, schemas/, templates/). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the installed hunt package. */
export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The bundled demo profile (targets the sample gateway). */
export const demoProfilePath = path.join(packageDir, 'profiles', 'sample-gateway.json');

let version: string | undefined;

/** hunt's own version from its package.json ('unknown' if it cannot be read). */
export function huntVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
