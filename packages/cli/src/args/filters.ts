import { UsageError } from './parse-args.js';

/** `-f status=exited -f name=web` → `{ status: ['exited'], name: ['web'] }` (the engine's filters JSON). */
export function parseFilters(values: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`bad format of filter "${v}": expected name=value`);
    (out[v.slice(0, eq).trim().toLowerCase()] ??= []).push(v.slice(eq + 1));
  }
  return out;
}
