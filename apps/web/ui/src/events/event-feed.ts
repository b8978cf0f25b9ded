import { useEffect, useRef } from 'preact/hooks';
import type { EventMessage } from '../api/types';
import { useSubscription } from '../live/live';
import { Store } from '../store/store';

export interface FeedRow { seq: number; hostId: number; e: EventMessage }

/** The newest engine events of every host since login, newest first (at most KEEP). */
export const eventFeed = new Store<FeedRow[]>([]);
export const KEEP = 5_000;

/** Mounted once by the shell: follows every host's events, adding them once a frame. */
export function useEventFeed(): void {
  const seq = useRef(0);
  const pending = useRef<FeedRow[]>([]);
  const frame = useRef(0);
  useEffect(() => eventFeed.set([]), []);
  useSubscription({ kind: 'events' }, (m) => {
    if (m.type !== 'event') return;
    pending.current.push({ seq: ++seq.current, hostId: m.hostId, e: m.event });
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const add = pending.current.splice(0).reverse();
      eventFeed.update((rows) => [...add, ...rows].slice(0, KEEP));
    });
  }, []);
}
