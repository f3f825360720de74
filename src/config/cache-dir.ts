/**
 * Where hunt keeps what it may recompute (scan checkpoints, validated profiles): under the user's cache directory
 * ($XDG_CACHE_HOME, ~/.cache, ~/Library/Caches, %LOCALAPPDATA%), never inside the package or the project.
 */
import path from 'node:path';

/** Pure: hunt's directory under the user's cache directory; null when there is no home. */
export function userCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | null {
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'hunt');
  if (platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'hunt', 'cache');
  const home = platform === 'win32' ? env.USERPROFILE : env.HOME;
  if (!home) return null;
  return platform === 'darwin' ? path.join(home, 'Library', 'Caches', 'hunt') : path.join(home, '.cache', 'hunt');
}
