import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../api/http';
import type { AuditEntry } from '../api/types';
import { dateTime } from '../format/format';
import { hostName, useHosts } from '../hosts/hosts-store';
import { notifyError } from '../shell/notices';
import { matches, SelectFilter } from '../table/list-filters';
import { VirtualTable, type Column } from '../table/virtual-table';

const PAGE = 200;

/** The audit log (admins): who did what, where, and how it went; newest first. */
export function AuditPage() {
  const hosts = useHosts();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [more, setMore] = useState(false);
  const [search, setSearch] = useState('');
  const [outcome, setOutcome] = useState('');
  const load = async (before?: number) => {
    try {
      const page = await get<AuditEntry[]>(`/api/audit?limit=${PAGE}${before ? `&before=${before}` : ''}`);
      setEntries((e) => (before ? [...e, ...page] : page));
      setMore(page.length === PAGE);
    } catch (err) {
      notifyError(err, 'audit log');
    }
  };
  useEffect(() => void load(), []);
  const rows = useMemo(() => entries.filter((e) => (!outcome || e.outcome === outcome) && matches([e.username, e.action, e.target, e.detail, e.hostId ? hostName(hosts, e.hostId) : ''], search)), [entries, search, outcome, hosts]);
  const columns: Column<AuditEntry>[] = useMemo(() => [
    { key: 'time', title: 'Time', width: '190px', render: (e) => dateTime(e.time) },
    { key: 'user', title: 'User', width: 'minmax(80px, 1fr)', render: (e) => e.username },
    { key: 'action', title: 'Action', width: 'minmax(120px, 1fr)', render: (e) => <code>{e.action}</code> },
    { key: 'target', title: 'Target', width: 'minmax(160px, 2fr)', render: (e) => <span title={e.target}>{e.target}</span> },
    { key: 'host', title: 'Host', width: 'minmax(80px, 1fr)', render: (e) => (e.hostId ? hostName(hosts, e.hostId) : '–') },
    { key: 'outcome', title: 'Outcome', width: 'minmax(140px, 2fr)', render: (e) => <span class={`badge outcome-${e.outcome}`} title={e.detail ?? ''}>{e.outcome}{e.detail ? `: ${e.detail}` : ''}</span> },
  ], [hosts]);
  return (
    <section>
      <header class="page-head"><h1>Audit log</h1><button type="button" class="btn" onClick={() => void load()}>Refresh</button></header>
      <div class="filters" role="search" aria-label="Filter audit log">
        <label class="field inline"><span class="field-label">Search</span><input type="search" name="audit-search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} /></label>
        <SelectFilter label="Outcome" name="audit-outcome" all="Any" value={outcome} onChange={setOutcome} options={[{ value: 'ok', label: 'ok' }, { value: 'error', label: 'error' }]} />
        <span class="muted count">{rows.length} entries</span>
      </div>
      <VirtualTable label="Audit log" rows={rows} columns={columns} rowKey={(e) => String(e.id)} empty="No entries." />
      {more ? <button type="button" class="btn" onClick={() => void load(entries.at(-1)?.id)}>Load older entries</button> : null}
    </section>
  );
}
