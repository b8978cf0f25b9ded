import { checkFilterKeys } from '../api/query.js';
import { matchLabelFilters } from '../api/label-filter.js';
import { EngineError } from '../errors.js';
import { ANONYMOUS_LABEL } from './volume-name.js';

/** What a filter needs to know of a volume. */
export interface FilterableVolume {
  name: string;
  driver: string;
  labels: Record<string, string> | null;
  inUse: boolean;
}

const LIST_KEYS = ['dangling', 'name', 'label', 'label!', 'driver'] as const;
const PRUNE_KEYS = ['label', 'label!', 'all'] as const;

/** `docker volume ls --filter`: dangling, name (substring), label, driver. */
export function volumeListFilter(filters: Map<string, string[]>): (v: FilterableVolume) => boolean {
  checkFilterKeys(filters, LIST_KEYS);
  const checks: ((v: FilterableVolume) => boolean)[] = [];
  const values = (key: string): string[] => filters.get(key) ?? [];
  const dangling = values('dangling').map((value) => {
    if (['true', '1'].includes(value.toLowerCase())) return true;
    if (['false', '0'].includes(value.toLowerCase())) return false;
    throw new EngineError('INVALID_ARGUMENT', `invalid filter 'dangling=${value}'`);
  });
  if (dangling.length > 0) checks.push((v) => dangling.some((d) => d === !v.inUse));
  const names = values('name');
  if (names.length > 0) checks.push((v) => names.some((n) => v.name.includes(n)));
  const drivers = values('driver');
  if (drivers.length > 0) checks.push((v) => drivers.includes(v.driver));
  checks.push(labelCheck(filters));
  return (v) => checks.every((check) => check(v));
}

/**
 * `docker volume prune`: unused volumes matching the label filters; only anonymous ones unless
 * `all=true` (API 1.42; older clients always get `all`).
 */
export function volumePruneFilter(filters: Map<string, string[]>, apiAll: boolean): (v: FilterableVolume) => boolean {
  checkFilterKeys(filters, PRUNE_KEYS);
  const all = apiAll || (filters.get('all') ?? []).some((value) => {
    if (['true', '1'].includes(value.toLowerCase())) return true;
    if (['false', '0'].includes(value.toLowerCase())) return false;
    throw new EngineError('INVALID_ARGUMENT', `invalid filter 'all=${value}'`);
  });
  const labels = labelCheck(filters);
  return (v) => !v.inUse && labels(v) && (all || Object.hasOwn(v.labels ?? {}, ANONYMOUS_LABEL));
}

function labelCheck(filters: Map<string, string[]>): (v: FilterableVolume) => boolean {
  const labels = filters.get('label') ?? [];
  const notLabels = filters.get('label!') ?? [];
  return (v) => labels.length + notLabels.length === 0 || matchLabelFilters(labels, notLabels, v.labels);
}
