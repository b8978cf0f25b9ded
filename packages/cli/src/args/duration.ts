import { UsageError } from './parse-args.js';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration (`30s`, `1m30s`, `500ms`, `1.5h`) in nanoseconds, as docker's duration flags take it; `0` alone is zero. */
export function parseDuration(spec: string, flagName: string): number {
  const text = spec.trim();
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let ns = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (!m) throw new UsageError(`invalid argument "${spec}" for "--${flagName}" flag: use a duration such as 30s, 1m30s or 500ms`);
    ns += Number(m[1]) * UNIT_NS[m[2]!]!;
    at = part.lastIndex;
  }
  if (at === 0) throw new UsageError(`invalid argument "${spec}" for "--${flagName}" flag: use a duration such as 30s, 1m30s or 500ms`);
  return Math.round(ns);
}
