import { EngineError } from '../errors.js';

/** Typed readers for Docker API query parameters (booleans are 1/0/true/false). */
export class Query {
  constructor(private readonly params: URLSearchParams) {}

  string(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  all(name: string): string[] {
    return this.params.getAll(name);
  }

  bool(name: string, fallback = false): boolean {
    const value = this.params.get(name);
    if (value === null) return fallback;
    return !['', '0', 'false', 'False', 'FALSE', 'no'].includes(value);
  }

  int(name: string): number | undefined {
    const value = this.params.get(name);
    if (value === null || value === '') return undefined;
    const n = Number(value);
    if (!Number.isInteger(n)) throw new EngineError('INVALID_ARGUMENT', `invalid value for ${name}: "${value}" is not an integer`);
    return n;
  }

  /** `filters={"key":{"value":true}}` (or the older `{"key":["value"]}`) as key → values. */
  filters(): Map<string, string[]> {
    const raw = this.params.get('filters');
    const result = new Map<string, string[]>();
    if (raw === null || raw === '') return result;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new EngineError('INVALID_ARGUMENT', `invalid filter: ${raw} is not valid JSON`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new EngineError('INVALID_ARGUMENT', `invalid filter: ${raw} must be an object`);
    }
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (Array.isArray(value)) result.set(key, value.map(String));
      else if (value && typeof value === 'object') {
        result.set(key, Object.entries(value).filter(([, on]) => on === true).map(([v]) => v));
      } else throw new EngineError('INVALID_ARGUMENT', `invalid filter "${key}": values must be an object`);
    }
    return result;
  }
}

/** Rejects filter keys a route does not know, the way dockerd does. */
export function checkFilterKeys(filters: Map<string, string[]>, allowed: readonly string[]): void {
  for (const key of filters.keys()) {
    if (!allowed.includes(key)) throw new EngineError('INVALID_ARGUMENT', `invalid filter '${key}'`);
  }
}
