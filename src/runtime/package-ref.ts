/**
 * How to name a file this package ships (docs/config.md, schemas/x.json) to a person or a config file somewhere
 * else. An installed hunt runs from its real path, which under pnpm is node_modules/.pnpm/release-hunt@<version>/...:
 * a path that breaks at the next upgrade. `./node_modules/release-hunt/<file>` works under npm and pnpm alike.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of this package (dist/runtime/ -> ../..), resolved through symlinks. */
export const packageRoot = realOrSelf(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'));

/** The install path of this package under a project, as npm and pnpm both link it. */
export const INSTALL_PATH = './node_modules/release-hunt';

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * The reference to shipped `file` (package-relative, `/`-separated) from `fromDir`: the stable install path when
 * `fromDir/node_modules/release-hunt` is this package; a relative path when this package is `fromDir` or below it
 * (a source checkout); otherwise `fallback` decides: the absolute path (for a person) or the install path (for a
 * config file that will be used where hunt is installed).
 */
export function packageFileRef(fromDir: string, file: string, fallback: 'absolute' | 'install-path' = 'absolute', root = packageRoot): string {
  const installed = path.join(fromDir, 'node_modules', 'release-hunt');
  if (realOrSelf(installed) === realOrSelf(root)) return `${INSTALL_PATH}/${file}`;
  const target = path.join(root, ...file.split('/'));
  const rel = path.relative(realOrSelf(fromDir), target);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  return fallback === 'absolute' ? target : `${INSTALL_PATH}/${file}`;
}
