import { useMemo, useRef, useState } from 'preact/hooks';
import type { ContainerSummary } from '../api/types';
import { ago, containerName, shortId } from '../format/format';
import { hostName, useHosts } from '../hosts/hosts-store';
import { useSubscription } from '../live/live';
import { href } from '../routing/hash-route';
import { HostErrors } from '../table/host-errors';
import { ListFilters, SelectFilter, useFiltered, type FilterState } from '../table/list-filters';
import { useMergedList } from '../table/merged-list';
import { VirtualTable, type Column } from '../table/virtual-table';
import { applyContainerEvent, eventNeedsReload } from './container-events';
import { ContainerActions } from './container-actions';
import { StateBadge } from './state-badge';

type Row = ContainerSummary & { hostId: number };
const STATES = ['running', 'exited', 'created', 'paused', 'restarting', 'dead'];

/** Every container of every host in one list, its state following the engines' events live. */
export function ContainersPage() {
  const list = useMergedList<ContainerSummary>('/api/containers?all=true');
  const hosts = useHosts();
  const [filter, setFilter] = useState<FilterState>({ search: '', hostId: null });
  const [state, setState] = useState('');
  const reloadTimer = useRef<{ due: number; timer: ReturnType<typeof setTimeout> } | null>(null);

  useSubscription({ kind: 'events' }, (m) => {
    if (m.type === 'gap' || (m.type === 'subscribed' && !list.loading)) return scheduleReload(0);
    if (m.type !== 'event') return;
    // New rows need a fetch soon; a state change shows at once and its status text is refreshed later.
    scheduleReload(eventNeedsReload(list.items, m.hostId, m.event) ? 300 : 3_000);
    list.setItems((rows) => applyContainerEvent(rows, m.hostId, m.event));
  }, []);

  /** One fetch for a burst of events: an earlier pending reload wins over a later one. */
  function scheduleReload(ms: number) {
    const due = Date.now() + ms;
    if (reloadTimer.current && reloadTimer.current.due <= due) return;
    if (reloadTimer.current) clearTimeout(reloadTimer.current.timer);
    reloadTimer.current = { due, timer: setTimeout(() => { reloadTimer.current = null; void list.reload(); }, ms) };
  }

  const rows = useFiltered(list.items, filter, (c) => [containerName(c.Names, c.Id), c.Id, c.Image, c.Status, c.State, c.Command, hostName(hosts, c.hostId)], [state, hosts], (c) => !state || c.State === state);

  const columns: Column<Row>[] = useMemo(() => [
    { key: 'name', title: 'Name', width: 'minmax(140px, 2fr)', sort: (c) => containerName(c.Names, c.Id), render: (c) => <a href={href('containers', c.hostId, c.Id)}>{containerName(c.Names, c.Id)}</a> },
    { key: 'host', title: 'Host', width: 'minmax(80px, 1fr)', sort: (c) => hostName(hosts, c.hostId), render: (c) => hostName(hosts, c.hostId) },
    { key: 'image', title: 'Image', width: 'minmax(100px, 1.5fr)', sort: (c) => c.Image, render: (c) => <span title={c.Image}>{c.Image}</span> },
    { key: 'state', title: 'State', width: '100px', sort: (c) => c.State, render: (c) => <StateBadge state={c.State} /> },
    { key: 'status', title: 'Status', width: 'minmax(120px, 1.5fr)', render: (c) => c.Status },
    { key: 'created', title: 'Created', width: '110px', sort: (c) => -c.Created, render: (c) => ago(c.Created) },
    { key: 'id', title: 'ID', width: '120px', render: (c) => <code>{shortId(c.Id)}</code> },
    { key: 'actions', title: 'Actions', width: '150px', render: (c) => <ContainerActions hostId={c.hostId} id={c.Id} name={containerName(c.Names, c.Id)} state={c.State} compact /> },
  ], [hosts]);

  return (
    <section>
      <header class="page-head">
        <h1>Containers</h1>
        <a class="btn btn-primary" href={href('run')}>Run a container</a>
      </header>
      <ListFilters label="containers" value={filter} onChange={setFilter} count={rows.length} total={list.items.length}>
        <SelectFilter label="State" name="state-filter" all="Any state" value={state} onChange={setState} options={STATES.map((s) => ({ value: s, label: s }))} />
      </ListFilters>
      <HostErrors errors={list.errors} />
      <VirtualTable label="Containers" rows={rows} columns={columns} rowKey={(c) => `${c.hostId}:${c.Id}`} empty={list.loading ? 'Loading…' : 'No containers.'} initialSort={{ key: 'created', dir: 1 }} />
    </section>
  );
}
