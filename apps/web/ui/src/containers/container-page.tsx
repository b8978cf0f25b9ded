import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../api/api-error';
import { get } from '../api/http';
import type { ContainerInspect } from '../api/types';
import { ExecTerminal } from '../exec/exec-terminal';
import { hostName, useHosts } from '../hosts/hosts-store';
import { useSubscription } from '../live/live';
import { LogView } from '../logs/log-view';
import { href } from '../routing/hash-route';
import { StatsPanel } from '../stats/stats-panel';
import { ContainerActions } from './container-actions';
import { ContainerDetails } from './container-details';
import { StateBadge } from './state-badge';

const TABS = ['details', 'logs', 'stats', 'terminal'] as const;
type Tab = (typeof TABS)[number];

/** One container: inspect, actions, logs, live stats and an exec terminal. */
export function ContainerPage({ hostId, id, tab: initialTab }: { hostId: number; id: string; tab?: string | undefined }) {
  const hosts = useHosts();
  const [c, setC] = useState<ContainerInspect | null>(null);
  const [error, setError] = useState('');
  const [tab, setTab] = useState<Tab>(TABS.includes(initialTab as Tab) ? (initialTab as Tab) : 'details');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      setC(await get<ContainerInspect>(`/api/hosts/${hostId}/containers/${encodeURIComponent(id)}`));
      setError('');
    } catch (err) {
      setError(errorText(err));
    }
  }, [hostId, id]);
  useEffect(() => void load(), [load]);

  useSubscription({ kind: 'events', hostId }, (m) => {
    if (m.type !== 'event' || m.event.Type !== 'container') return;
    if (m.event.Actor.ID !== c?.Id && m.event.Actor.ID !== id) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(), 50);
  }, [hostId, id]);

  const name = c?.Name.replace(/^\//, '') ?? id;
  const state = c?.State.Status ?? 'unknown';
  return (
    <section>
      <nav class="crumbs" aria-label="Breadcrumb"><a href={href('containers')}>Containers</a> / {hostName(hosts, hostId)}</nav>
      <header class="page-head">
        <h1>{name} {c ? <StateBadge state={state} /> : null}</h1>
        {c ? <ContainerActions hostId={hostId} id={c.Id} name={name} state={state} onChanged={load} /> : null}
      </header>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      <div class="tabs" role="tablist" aria-label="Container views">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" id={`tab-${t}`} aria-selected={tab === t} aria-controls={`panel-${t}`} class={`tab ${tab === t ? 'active' : ''}`} onClick={() => setTab(t)}>
            {t[0]!.toUpperCase() + t.slice(1)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="tabpanel">
        {tab === 'details' ? (c ? <ContainerDetails c={c} /> : <p class="muted">Loading…</p>) : null}
        {tab === 'logs' ? <LogView hostId={hostId} container={id} name={name} /> : null}
        {tab === 'stats' ? <StatsPanel hostId={hostId} container={id} /> : null}
        {tab === 'terminal' ? <ExecTerminal hostId={hostId} container={id} running={state === 'running'} /> : null}
      </div>
    </section>
  );
}
