import { EngineError } from '../errors.js';
import { checkFilterKeys } from '../api/query.js';
import { matchLabelFilters } from '../api/label-filter.js';

/** Filters `GET /images/json` accepts. */
export const LIST_FILTER_KEYS = ['before', 'dangling', 'label', 'reference', 'since', 'until'] as const;
/** Filters `POST /images/prune` accepts. */
export const PRUNE_FILTER_KEYS = ['dangling', 'label', 'label!', 'until'] as const;

/** Parsed image filters; every field present must match. */
export interface ImageFilters {
  dangling?: boolean;
  /** `key` or `key=value`; all must match. */
  labels: string[];
  /** `label!=`: the image is excluded when all of these match. */
  notLabels: string[];
  /** Glob patterns matched against `name:tag` and `name` (Go `path.Match`). */
  references: string[];
  /** Created strictly before / after (the `before`/`since` images' creation), or at/before `until`. */
  before?: Date;
  since?: Date;
  until?: Date;
}

/**
 * Validates and parses filters. `createdOf` resolves an image reference for before/since
 * (and throws NOT_FOUND when there is none).
 */
export function parseImageFilters(
  raw: Map<string, string[]>,
  allowed: readonly string[],
  createdOf: (ref: string) => Date,
  now = new Date(),
): ImageFilters {
  checkFilterKeys(raw, allowed);
  const spec: ImageFilters = {
    labels: raw.get('label') ?? [],
    notLabels: raw.get('label!') ?? [],
    references: raw.get('reference') ?? [],
  };
  const dangling = raw.get('dangling') ?? [];
  if (dangling.length > 0) {
    const values = new Set(dangling.map((v) => v.toLowerCase()));
    const on = values.has('true') || values.has('1');
    const off = values.has('false') || values.has('0');
    if (values.size !== dangling.length || [...values].some((v) => !['true', '1', 'false', '0'].includes(v)) || (on && off)) {
      throw new EngineError('INVALID_ARGUMENT', `invalid filter 'dangling=${dangling.join(',')}'`);
    }
    spec.dangling = on;
  }
  for (const pattern of spec.references) globToRegExp(pattern); // validates
  const one = (key: string): string | undefined => {
    const values = raw.get(key) ?? [];
    if (values.length > 1) throw new EngineError('INVALID_ARGUMENT', `invalid filter '${key}': only one value is allowed`);
    return values[0];
  };
  const before = one('before');
  const since = one('since');
  const until = one('until');
  if (before !== undefined) spec.before = createdOf(before);
  if (since !== undefined) spec.since = createdOf(since);
  if (until !== undefined) spec.until = parseTimestamp(until, now);
  return spec;
}

export function matchLabels(spec: ImageFilters, labels: Record<string, string> | undefined): boolean {
  return matchLabelFilters(spec.labels, spec.notLabels, labels);
}

export function matchCreated(spec: ImageFilters, created: Date): boolean {
  if (spec.before && !(created < spec.before)) return false;
  if (spec.since && !(created > spec.since)) return false;
  if (spec.until && created > spec.until) return false;
  return true;
}

/** Docker's `FamiliarMatch`: the pattern against `name:tag`, else against `name`. */
export function matchReference(pattern: string, reference: string): boolean {
  const re = globToRegExp(pattern);
  if (re.test(reference)) return true;
  const at = reference.indexOf('@');
  const withoutDigest = at === -1 ? reference : reference.slice(0, at);
  const colon = withoutDigest.lastIndexOf(':');
  const name = colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
  return re.test(name);
}

/** Go's `path.Match` syntax: `*` and `?` stop at `/`, `[a-z]`/`[^x]` classes, `\` escapes. */
export function globToRegExp(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      const next = pattern[++i];
      if (next === undefined) throw badPattern(pattern);
      out += escapeRe(next);
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) throw badPattern(pattern);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      if (body === '') throw badPattern(pattern);
      out += `[${negate ? '^/' : ''}${body.replace(/[\]\\^]/g, (ch) => `\\${ch}`)}]`;
      i = end;
    } else out += escapeRe(c);
  }
  try {
    return new RegExp(out + '$');
  } catch {
    throw badPattern(pattern);
  }
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function badPattern(pattern: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', `invalid reference filter ${JSON.stringify(pattern)}: syntax error in pattern`);
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Docker's `GetTimestamp`: a Go duration (`10m`, `1h30m`) before `now`, Unix seconds
 * (`1700000000`, `1700000000.5`), or an RFC 3339 date/time.
 */
export function parseTimestamp(value: string, now = new Date()): Date {
  const duration = /^((?:\d+(?:\.\d*)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(value);
  if (duration) {
    let ms = 0;
    for (const part of value.matchAll(/(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(part[1]) * DURATION_UNITS[part[2]!]!;
    return new Date(now.getTime() - ms);
  }
  if (/^\d+(?:\.\d+)?$/.test(value)) return new Date(Number(value) * 1000);
  if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/i.test(value)) {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return new Date(t);
  }
  throw new EngineError('INVALID_ARGUMENT', `failed to parse value as time or duration: ${JSON.stringify(value)}`);
}
