import { useEffect, useRef } from 'preact/hooks';
import type { Topic } from '../api/types';
import { LiveConnection, type LiveHandler } from './live-connection';

let current: LiveConnection | null = null;

/** Opens the live connection for a logged-in session (and closes any earlier one). */
export function startLive(onUnauthenticated: () => void): LiveConnection {
  current?.close();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  current = new LiveConnection(`${scheme}://${location.host}/api/ws`, onUnauthenticated);
  return current;
}

export function stopLive(): void {
  current?.close();
  current = null;
}

export function live(): LiveConnection {
  if (!current) throw new Error('not logged in: no live connection');
  return current;
}

/**
 * Follows a topic while the component is mounted (and `topic` is not null); `key` says when
 * to follow another one. The handler may change between renders without resubscribing.
 */
export function useSubscription(topic: Topic | (() => Topic) | null, handler: LiveHandler, key: unknown[]): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!topic || !current) return;
    return current.subscribe(topic, (m) => latest.current(m));
  }, key);
}
