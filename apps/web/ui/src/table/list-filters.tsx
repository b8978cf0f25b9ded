import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import { useHosts } from '../hosts/hosts-store';

export interface FilterState { search: string; hostId: number | null }

/** Whether any of a row's texts contains every word of the search (case-insensitive). */
export function matches(texts: (string | undefined | null)[], search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = texts.filter(Boolean).join(' ').toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * The rows of a merged list that pass the host filter, the search (over `texts` of a row) and
 * `keep`; `deps` are what `texts` and `keep` read besides the row.
 */
export function useFiltered<T extends { hostId: number }>(items: T[], filter: FilterState, texts: (row: T) => (string | undefined | null)[], deps: unknown[], keep?: (row: T) => boolean): T[] {
  return useMemo(() => items.filter((r) => (filter.hostId === null || r.hostId === filter.hostId) && (!keep || keep(r)) && matches(texts(r), filter.search)), [items, filter, ...deps]);
}

interface SelectFilterProps {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  /** The option that filters nothing, e.g. "All hosts". */
  all: string;
  options: { value: string; label: string }[];
}

/** A labelled drop-down that narrows a list ("" = no filter). */
export function SelectFilter({ label, name, value, onChange, all, options }: SelectFilterProps) {
  return (
    <label class="field inline"><span class="field-label">{label}</span>
      <select name={name} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{all}</option>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </label>
  );
}

/** The search box and host filter above a merged list, plus any list-specific filters. */
export function ListFilters({ value, onChange, label, count, total, children }: { value: FilterState; onChange: (v: FilterState) => void; label: string; count: number; total: number; children?: ComponentChildren }) {
  const hosts = useHosts();
  return (
    <div class="filters" role="search" aria-label={`Filter ${label}`}>
      <label class="field inline"><span class="field-label">Search</span>
        <input type="search" name="search" placeholder={`Search ${label}`} value={value.search} onInput={(e) => onChange({ ...value, search: e.currentTarget.value })} />
      </label>
      <SelectFilter label="Host" name="host-filter" all="All hosts" value={value.hostId === null ? '' : String(value.hostId)}
        onChange={(v) => onChange({ ...value, hostId: v ? Number(v) : null })} options={hosts.map((h) => ({ value: String(h.id), label: h.name }))} />
      {children}
      <span class="muted count" aria-live="polite">{count === total ? `${total}` : `${count} of ${total}`} {label}</span>
    </div>
  );
}
