import { useMemo, useRef, useState } from 'preact/hooks';
import type { EventMessage } from '../api/types';
import { shortId } from '../format/format';
import { hostName, useHosts } from '../hosts/hosts-store';
import { useStore } from '../store/store';
import { eventFeed, KEEP, type FeedRow } from './event-feed';
import { href } from '../routing/hash-route';
import { SelectFilter } from '../table/list-filters';
import { VirtualTable, type Column } from '../table/virtual-table';

type Row = FeedRow;
const TYPES = ['container', 'image', 'volume', 'network', 'daemon', 'builder'];

const actorName = (e: EventMessage) => e.Actor.Attributes.name ?? e.Actor.Attributes.image ?? shortId(e.Actor.ID);

/** Engine events of every host since login, as they happen (newest first), filtered by host, type and action. */
export function EventsPage() {
  const hosts = useHosts();
  const rows = useStore(eventFeed);
  const [hostId, setHostId] = useState('');
  const [type, setType] = useState('');
  const [action, setAction] = useState('');
  const [paused, setPaused] = useState(false);

  const actions = useMemo(() => [...new Set(rows.map((r) => r.e.Action.split(':')[0]!))].sort(), [rows]);
  const shown = useMemo(() => (paused ? null : rows.filter((r) =>
    (!hostId || r.hostId === Number(hostId)) && (!type || r.e.Type === type) && (!action || r.e.Action.split(':')[0] === action))), [rows, hostId, type, action, paused]);
  const frozen = useRef<Row[]>([]);
  if (shown) frozen.current = shown;

  const columns: Column<Row>[] = useMemo(() => [
    { key: 'time', title: 'Time', width: '110px', render: (r) => new Date(r.e.timeNano ? r.e.timeNano / 1e6 : r.e.time * 1000).toLocaleTimeString() },
    { key: 'host', title: 'Host', width: 'minmax(80px, 1fr)', render: (r) => hostName(hosts, r.hostId) },
    { key: 'type', title: 'Type', width: '100px', render: (r) => r.e.Type },
    { key: 'action', title: 'Action', width: 'minmax(100px, 1fr)', render: (r) => <strong>{r.e.Action}</strong> },
    { key: 'actor', title: 'Object', width: 'minmax(140px, 2fr)', render: (r) => (r.e.Type === 'container' && r.e.Action !== 'destroy' ? <a href={href('containers', r.hostId, r.e.Actor.ID)}>{actorName(r.e)}</a> : actorName(r.e)) },
    { key: 'attrs', title: 'Attributes', width: 'minmax(160px, 3fr)', render: (r) => <span class="muted" title={JSON.stringify(r.e.Actor.Attributes)}>{Object.entries(r.e.Actor.Attributes).filter(([k]) => k !== 'name').map(([k, v]) => `${k}=${v}`).join(' ')}</span> },
  ], [hosts]);

  return (
    <section>
      <header class="page-head"><h1>Events</h1></header>
      <div class="filters" role="search" aria-label="Filter events">
        <SelectFilter label="Host" name="event-host" all="All hosts" value={hostId} onChange={setHostId} options={hosts.map((h) => ({ value: String(h.id), label: h.name }))} />
        <SelectFilter label="Type" name="event-type" all="All types" value={type} onChange={setType} options={TYPES.map((t) => ({ value: t, label: t }))} />
        <SelectFilter label="Action" name="event-action" all="All actions" value={action} onChange={setAction} options={actions.map((a) => ({ value: a, label: a }))} />
        <label class="check"><input type="checkbox" name="pause" checked={paused} onChange={(e) => setPaused(e.currentTarget.checked)} /> Pause</label>
        <span class="muted count">{frozen.current.length} events since you logged in{rows.length >= KEEP ? ` (last ${KEEP})` : ''}</span>
      </div>
      <VirtualTable label="Events" rows={frozen.current} columns={columns} rowKey={(r) => String(r.seq)} empty="Waiting for events… (start or stop a container)" />
    </section>
  );
}
