import { get, post, setCsrfToken, whenUnauthenticated } from '../api/http';
import type { User } from '../api/types';
import { startLive, stopLive } from '../live/live';
import { Store } from '../store/store';

export type SessionPhase = 'loading' | 'setup' | 'login' | 'in';
export interface SessionState { phase: SessionPhase; user: User | null; note?: string }

/** Who is logged in, or which page (first-run setup or login) comes first. */
export const session = new Store<SessionState>({ phase: 'loading', user: null });

interface Opened { user: User; csrfToken: string }

function enter(o: Opened): void {
  setCsrfToken(o.csrfToken);
  startLive(() => expired());
  session.set({ phase: 'in', user: o.user });
}

function expired(): void {
  stopLive();
  setCsrfToken('');
  session.set({ phase: 'login', user: null, note: 'Your session ended; log in again.' });
}

whenUnauthenticated(expired);

export async function loadSession(): Promise<void> {
  const status = await get<{ setupNeeded: boolean; user: User | null }>('/api/auth/status');
  if (status.setupNeeded) return session.set({ phase: 'setup', user: null });
  if (!status.user) return session.set({ phase: 'login', user: null });
  enter(await get<Opened>('/api/auth/me'));
}

export async function login(username: string, password: string): Promise<void> {
  enter(await post<Opened>('/api/auth/login', { username, password }));
}

export async function setupAdmin(token: string, username: string, password: string): Promise<void> {
  enter(await post<Opened>('/api/auth/setup', { token, username, password }));
}

export async function logout(): Promise<void> {
  await post('/api/auth/logout').catch(() => {});
  stopLive();
  setCsrfToken('');
  session.set({ phase: 'login', user: null });
}
