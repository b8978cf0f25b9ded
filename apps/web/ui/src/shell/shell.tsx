import type { ComponentChildren } from 'preact';
import { roleAtLeast } from '../api/roles';
import { useEventFeed } from '../events/event-feed';
import { useHostsFeed } from '../hosts/hosts-store';
import { live } from '../live/live';
import { href } from '../routing/hash-route';
import { logout, session } from '../session/session';
import { useStore } from '../store/store';
import { NoticeArea } from './notice-area';

const LINKS: { path: string; label: string; admin?: boolean }[] = [
  { path: 'containers', label: 'Containers' },
  { path: 'images', label: 'Images' },
  { path: 'volumes', label: 'Volumes' },
  { path: 'networks', label: 'Networks' },
  { path: 'hosts', label: 'Hosts' },
  { path: 'registries', label: 'Registries' },
  { path: 'events', label: 'Events' },
  { path: 'users', label: 'Users', admin: true },
  { path: 'audit', label: 'Audit log', admin: true },
];

/** The frame of every page once logged in: navigation, who is logged in, the live connection's state, notices. */
export function Shell({ page, children }: { page: string; children: ComponentChildren }) {
  const { user } = useStore(session);
  const status = useStore(live().status);
  useHostsFeed();
  useEventFeed();
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <a class="brand" href={href('containers')}>Berth</a>
        <nav aria-label="Main">
          <ul>
            {LINKS.filter((l) => !l.admin || roleAtLeast(user?.role, 'admin')).map((l) => (
              <li key={l.path}><a href={href(l.path)} aria-current={page === l.path ? 'page' : undefined}>{l.label}</a></li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span class={`live live-${status}`} title={`Live updates: ${status}`} role="status">{status === 'open' ? 'live' : status}</span>
          <span data-user={user?.username}>{user?.username} <span class={`badge role-${user?.role}`}>{user?.role}</span></span>
          <button type="button" class="btn" onClick={() => void logout()}>Log out</button>
        </div>
      </header>
      <NoticeArea />
      <main id="main" tabIndex={-1}>{children}</main>
    </div>
  );
}
