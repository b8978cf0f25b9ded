import os from 'node:os';
import path from 'node:path';

export interface CodeCacheEnv {
  /** `0` or `off` turns the code cache off. */
  BERTH_CODE_CACHE?: string;
  XDG_CACHE_HOME?: string;
  HOME?: string;
}

/** `$XDG_CACHE_HOME/berth/code-cache` (default `~/.cache/berth/code-cache`), or undefined when turned off. */
export function codeCacheDir(env: CodeCacheEnv): string | undefined {
  if (env.BERTH_CODE_CACHE === '0' || env.BERTH_CODE_CACHE === 'off') return undefined;
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'berth', 'code-cache');
}
