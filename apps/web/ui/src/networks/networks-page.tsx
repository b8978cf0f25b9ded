import { useMemo, useState } from 'preact/hooks';
import { del, post } from '../api/http';
import type { Network } from '../api/types';
import { ActionButton } from '../controls/action-button';
import { shortId } from '../format/format';
import { CreateOnHostForm } from '../hosts/create-on-host-form';
import { hostName, useHosts } from '../hosts/hosts-store';
import { notify } from '../shell/notices';
import { HostErrors } from '../table/host-errors';
import { ListFilters, useFiltered, type FilterState } from '../table/list-filters';
import { useMergedList } from '../table/merged-list';
import { VirtualTable, type Column } from '../table/virtual-table';

type Row = Network & { hostId: number };
const BUILT_IN = new Set(['bridge', 'host', 'none']);

/** Every network of every host; create one on a host, remove one. */
export function NetworksPage() {
  const list = useMergedList<Network>('/api/networks');
  const hosts = useHosts();
  const [filter, setFilter] = useState<FilterState>({ search: '', hostId: null });
  const rows = useFiltered(list.items, filter, (n) => [n.Name, n.Id, n.Driver, hostName(hosts, n.hostId)], [hosts]);
  const columns: Column<Row>[] = useMemo(() => [
    { key: 'name', title: 'Name', width: 'minmax(140px, 2fr)', sort: (n) => n.Name, render: (n) => n.Name },
    { key: 'host', title: 'Host', width: 'minmax(80px, 1fr)', sort: (n) => hostName(hosts, n.hostId), render: (n) => hostName(hosts, n.hostId) },
    { key: 'id', title: 'ID', width: '120px', render: (n) => <code>{shortId(n.Id)}</code> },
    { key: 'driver', title: 'Driver', width: '90px', render: (n) => n.Driver },
    { key: 'subnet', title: 'Subnet', width: 'minmax(120px, 1fr)', render: (n) => n.IPAM?.Config?.map((c) => c.Subnet).filter(Boolean).join(', ') || '–' },
    { key: 'containers', title: 'Containers', width: '100px', render: (n) => String(Object.keys(n.Containers ?? {}).length) },
    { key: 'actions', title: 'Actions', width: '150px', render: (n) => (BUILT_IN.has(n.Name) ? <span class="muted">built in</span> : <ActionButton label="Remove" need="operator" kind="danger" confirm what={`remove network ${n.Name}`} run={async () => {
      await del(`/api/hosts/${n.hostId}/networks/${encodeURIComponent(n.Name)}`);
      notify('ok', `Removed network ${n.Name}`);
      await list.reload();
    }} />) },
  ], [hosts]);
  return (
    <section>
      <header class="page-head"><h1>Networks</h1></header>
      <CreateOnHostForm title="Create a network" thing="network" driverPlaceholder="bridge" create={async (hostId, name, driver) => {
        await post(`/api/hosts/${hostId}/networks`, { name, ...(driver ? { driver } : {}) });
        await list.reload();
      }} />
      <ListFilters label="networks" value={filter} onChange={setFilter} count={rows.length} total={list.items.length} />
      <HostErrors errors={list.errors} />
      <VirtualTable label="Networks" rows={rows} columns={columns} rowKey={(n) => `${n.hostId}:${n.Id}`} height="calc(100vh - 420px)" empty={list.loading ? 'Loading…' : 'No networks.'} />
    </section>
  );
}
