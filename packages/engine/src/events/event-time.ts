import { EngineError } from '../errors.js';

const UNIX = /^(-?\d+)(?:\.(\d{1,9}))?$/;
const DURATION = /^(?:(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * A `since`/`until` value the way Docker reads it, as nanoseconds since the epoch: unix seconds
 * with an optional fraction (`1796324347.770779436`), RFC3339 (or a shorter date/time, UTC
 * unless a zone is given), or a Go duration meaning that long before `nowNano` (`10m`, `1h30m`).
 * `name` is used in the error for a value that is none of these.
 */
export function parseEventTime(value: string, nowNano: bigint, name: string): bigint {
  const unix = UNIX.exec(value);
  if (unix) return BigInt(unix[1]!) * 1_000_000_000n + (unix[1]!.startsWith('-') ? -1n : 1n) * BigInt((unix[2] ?? '').padEnd(9, '0'));
  if (DURATION.test(value)) {
    let ns = 0;
    for (const m of value.matchAll(DURATION_PART)) ns += Number(m[1]) * UNIT_NS[m[2]!]!;
    return nowNano - BigInt(Math.round(ns));
  }
  const t = RFC3339.exec(value);
  if (t) {
    const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = t;
    const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone.toUpperCase()}`);
    if (!Number.isNaN(ms)) return BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
  }
  throw new EngineError('INVALID_ARGUMENT', `invalid value for ${name}: "${value}" is not a unix timestamp, an RFC3339 time or a duration like 10m`);
}
