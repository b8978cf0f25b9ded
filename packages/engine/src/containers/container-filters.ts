import { EngineError } from '../errors.js';
import { checkFilterKeys } from '../api/query.js';
import { matchLabelFilters } from '../api/label-filter.js';
import type { ContainerRecord } from './container-record.js';

const KEYS = ['status', 'name', 'label', 'id', 'ancestor', 'exited', 'before', 'since', 'health'] as const;
/** Filters `POST /containers/prune` accepts. */
export const PRUNE_FILTER_KEYS = ['label', 'label!', 'until'] as const;
const HEALTH = ['starting', 'healthy', 'unhealthy', 'none'];
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

export interface FilterContext {
  /** Whether `ref` (a name or id) names the container's image. */
  ancestorMatches(record: ContainerRecord, ref: string): boolean;
  /** Finds a container for `before`/`since`. */
  find(ref: string): ContainerRecord;
}

/** Builds the predicate for `docker ps --filter …`; unknown keys or values are a 400. */
export function containerFilter(
  filters: Map<string, string[]>,
  ctx: FilterContext,
  allowed: readonly string[] = KEYS,
): (r: ContainerRecord) => boolean {
  checkFilterKeys(filters, allowed);
  const checks: ((r: ContainerRecord) => boolean)[] = [];
  const values = (key: string): string[] => filters.get(key) ?? [];
  const any = (key: string, test: (r: ContainerRecord, v: string) => boolean): void => {
    const vs = values(key);
    if (vs.length > 0) checks.push((r) => vs.some((v) => test(r, v)));
  };
  for (const status of values('status')) {
    if (!STATUSES.includes(status)) {
      throw new EngineError('INVALID_ARGUMENT', `invalid filter 'status=${status}': must be one of ${STATUSES.join(', ')}`);
    }
  }
  any('status', (r, v) => r.state.status === v);
  any('name', (r, v) => safeRegExp(v).test(r.name) || safeRegExp(v).test(`/${r.name}`));
  any('id', (r, v) => r.id.startsWith(v));
  const labels = values('label');
  const notLabels = values('label!');
  if (labels.length + notLabels.length > 0) checks.push((r) => matchLabelFilters(labels, notLabels, r.config.Labels));
  any('ancestor', (r, v) => ctx.ancestorMatches(r, v));
  any('exited', (r, v) => r.state.status === 'exited' && r.state.exitCode === Number(v));
  for (const v of values('health')) {
    if (!HEALTH.includes(v)) throw new EngineError('INVALID_ARGUMENT', `invalid filter 'health=${v}': must be one of ${HEALTH.join(', ')}`);
  }
  any('health', (r, v) => (r.health && r.state.status === 'running' ? r.health.Status : 'none') === v);
  for (const ref of values('before')) {
    const pivot = Date.parse(ctx.find(ref).created);
    checks.push((r) => Date.parse(r.created) < pivot);
  }
  for (const ref of values('since')) {
    const pivot = Date.parse(ctx.find(ref).created);
    checks.push((r) => Date.parse(r.created) > pivot);
  }
  return (r) => checks.every((check) => check(r));
}

function safeRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw new EngineError('INVALID_ARGUMENT', `invalid filter 'name=${pattern}': not a valid regular expression`);
  }
}

/** `until=` of prune filters: unix seconds, a duration ago (`10m`), or a date; milliseconds. */
export function parseUntil(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const rel = /^(\d+)(s|m|h)$/.exec(value);
  if (rel) return Date.now() - Number(rel[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[rel[2] as 's' | 'm' | 'h'];
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new EngineError('INVALID_ARGUMENT', `invalid filter 'until=${value}'`);
  return ms;
}
