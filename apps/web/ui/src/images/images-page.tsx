import { useMemo, useState } from 'preact/hooks';
import { del } from '../api/http';
import type { ImageDeleteItem, ImageSummary } from '../api/types';
import { ActionButton } from '../controls/action-button';
import { ago, bytes, shortId } from '../format/format';
import { hostName, useHosts } from '../hosts/hosts-store';
import { notify } from '../shell/notices';
import { HostErrors } from '../table/host-errors';
import { ListFilters, useFiltered, type FilterState } from '../table/list-filters';
import { useMergedList } from '../table/merged-list';
import { VirtualTable, type Column } from '../table/virtual-table';
import { PullForm } from './pull-form';

type Row = ImageSummary & { hostId: number };

const label = (i: ImageSummary) => i.RepoTags?.[0] ?? i.RepoDigests?.[0] ?? shortId(i.Id);

/** Every image of every host; pull one onto a host, remove one. */
export function ImagesPage() {
  const list = useMergedList<ImageSummary>('/api/images');
  const hosts = useHosts();
  const [filter, setFilter] = useState<FilterState>({ search: '', hostId: null });
  const rows = useFiltered(list.items, filter, (i) => [...(i.RepoTags ?? []), i.Id, hostName(hosts, i.hostId)], [hosts]);
  const remove = (i: Row) => async () => {
    const ref = i.RepoTags?.[0] ?? i.Id;
    const out = await del<ImageDeleteItem[]>(`/api/hosts/${i.hostId}/images/${encodeURIComponent(ref)}?force=true`);
    notify('ok', `Removed ${ref} from ${hostName(hosts, i.hostId)} (${out.length} changes)`);
    await list.reload();
  };
  const columns: Column<Row>[] = useMemo(() => [
    { key: 'tags', title: 'Tags', width: 'minmax(160px, 2fr)', sort: label, render: (i) => (i.RepoTags?.length ? i.RepoTags.join(', ') : <span class="muted">&lt;none&gt;</span>) },
    { key: 'host', title: 'Host', width: 'minmax(80px, 1fr)', sort: (i) => hostName(hosts, i.hostId), render: (i) => hostName(hosts, i.hostId) },
    { key: 'id', title: 'ID', width: '120px', render: (i) => <code>{shortId(i.Id)}</code> },
    { key: 'size', title: 'Size', width: '100px', sort: (i) => i.Size, render: (i) => bytes(i.Size) },
    { key: 'created', title: 'Created', width: '110px', sort: (i) => -i.Created, render: (i) => ago(i.Created) },
    { key: 'containers', title: 'Containers', width: '100px', render: (i) => (i.Containers >= 0 ? String(i.Containers) : '–') },
    { key: 'actions', title: 'Actions', width: '150px', render: (i) => <ActionButton label="Remove" need="operator" kind="danger" confirm run={remove(i)} what={`remove image ${label(i)}`} /> },
  ], [hosts]);
  return (
    <section>
      <header class="page-head"><h1>Images</h1></header>
      <PullForm onPulled={() => void list.reload()} />
      <ListFilters label="images" value={filter} onChange={setFilter} count={rows.length} total={list.items.length} />
      <HostErrors errors={list.errors} />
      <VirtualTable label="Images" rows={rows} columns={columns} rowKey={(i) => `${i.hostId}:${i.Id}`} height="calc(100vh - 420px)" empty={list.loading ? 'Loading…' : 'No images.'} />
    </section>
  );
}
