import { useMemo, useState } from 'preact/hooks';
import { del, post } from '../api/http';
import type { Volume } from '../api/types';
import { ActionButton } from '../controls/action-button';
import { ago } from '../format/format';
import { CreateOnHostForm } from '../hosts/create-on-host-form';
import { hostName, useHosts } from '../hosts/hosts-store';
import { notify } from '../shell/notices';
import { HostErrors } from '../table/host-errors';
import { ListFilters, useFiltered, type FilterState } from '../table/list-filters';
import { useMergedList } from '../table/merged-list';
import { VirtualTable, type Column } from '../table/virtual-table';

type Row = Volume & { hostId: number };

/** Every volume of every host; create one on a host, remove one. */
export function VolumesPage() {
  const list = useMergedList<Volume>('/api/volumes');
  const hosts = useHosts();
  const [filter, setFilter] = useState<FilterState>({ search: '', hostId: null });
  const rows = useFiltered(list.items, filter, (v) => [v.Name, v.Driver, v.Mountpoint, hostName(hosts, v.hostId)], [hosts]);
  const columns: Column<Row>[] = useMemo(() => [
    { key: 'name', title: 'Name', width: 'minmax(160px, 2fr)', sort: (v) => v.Name, render: (v) => v.Name },
    { key: 'host', title: 'Host', width: 'minmax(80px, 1fr)', sort: (v) => hostName(hosts, v.hostId), render: (v) => hostName(hosts, v.hostId) },
    { key: 'driver', title: 'Driver', width: '90px', render: (v) => v.Driver },
    { key: 'mountpoint', title: 'Mountpoint', width: 'minmax(160px, 2fr)', render: (v) => <code title={v.Mountpoint}>{v.Mountpoint}</code> },
    { key: 'created', title: 'Created', width: '110px', sort: (v) => v.CreatedAt, render: (v) => ago(v.CreatedAt) },
    { key: 'actions', title: 'Actions', width: '150px', render: (v) => <ActionButton label="Remove" need="operator" kind="danger" confirm what={`remove volume ${v.Name}`} run={async () => {
      await del(`/api/hosts/${v.hostId}/volumes/${encodeURIComponent(v.Name)}`);
      notify('ok', `Removed volume ${v.Name}`);
      await list.reload();
    }} /> },
  ], [hosts]);
  return (
    <section>
      <header class="page-head"><h1>Volumes</h1></header>
      <CreateOnHostForm title="Create a volume" thing="volume" create={async (hostId, name) => {
        await post(`/api/hosts/${hostId}/volumes`, { name });
        await list.reload();
      }} />
      <ListFilters label="volumes" value={filter} onChange={setFilter} count={rows.length} total={list.items.length} />
      <HostErrors errors={list.errors} />
      <VirtualTable label="Volumes" rows={rows} columns={columns} rowKey={(v) => `${v.hostId}:${v.Name}`} height="calc(100vh - 420px)" empty={list.loading ? 'Loading…' : 'No volumes.'} />
    </section>
  );
}
