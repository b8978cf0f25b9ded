import { errorText } from '../api/api-error';
import { Store } from '../store/store';

export interface Notice { id: number; kind: 'error' | 'ok'; text: string }

/** Messages shown at the top of every page: errors (the server's or engine's own message) and confirmations. */
export const notices = new Store<Notice[]>([]);
let seq = 0;

export function notify(kind: Notice['kind'], text: string): void {
  const id = ++seq;
  notices.update((list) => [...list.slice(-4), { id, kind, text }]);
  if (kind === 'ok') setTimeout(() => dismiss(id), 4_000);
}

export function notifyError(err: unknown, what?: string): void {
  notify('error', what ? `${what}: ${errorText(err)}` : errorText(err));
}

export function dismiss(id: number): void {
  notices.update((list) => list.filter((n) => n.id !== id));
}
