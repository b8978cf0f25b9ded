import { useEffect } from 'preact/hooks';
import { get } from '../api/http';
import type { HostView } from '../api/types';
import { useSubscription } from '../live/live';
import { notifyError } from '../shell/notices';
import { Store, useStore } from '../store/store';

/** The console's hosts, kept current by the `hosts` topic while someone is logged in. */
export const hostsStore = new Store<HostView[]>([]);

export async function reloadHosts(): Promise<void> {
  hostsStore.set(await get<HostView[]>('/api/hosts'));
}

export function putHost(h: HostView): void {
  hostsStore.update((list) => (list.some((x) => x.id === h.id) ? list.map((x) => (x.id === h.id ? h : x)) : [...list, h]));
}

export function dropHost(id: number): void {
  hostsStore.update((list) => list.filter((h) => h.id !== id));
}

/** Mounted once by the shell: loads the hosts and follows their status. */
export function useHostsFeed(): void {
  useEffect(() => void reloadHosts().catch((err) => notifyError(err, 'hosts')), []);
  useSubscription({ kind: 'hosts' }, (m) => {
    if (m.type !== 'host') return;
    if ('removed' in m.host) dropHost(m.host.id);
    else putHost(m.host);
  }, []);
}

export function useHosts(): HostView[] {
  return useStore(hostsStore);
}

export function hostName(hosts: HostView[], id: number): string {
  return hosts.find((h) => h.id === id)?.name ?? `host ${id}`;
}
