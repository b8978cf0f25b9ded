import { useEffect } from 'preact/hooks';
import { AuditPage } from './audit/audit-page';
import { ContainerPage } from './containers/container-page';
import { ContainersPage } from './containers/containers-page';
import { RunPage } from './containers/run-page';
import { EventsPage } from './events/events-page';
import { HostsPage } from './hosts/hosts-page';
import { ImagesPage } from './images/images-page';
import { NetworksPage } from './networks/networks-page';
import { RegistriesPage } from './registries/registries-page';
import { useRoute } from './routing/hash-route';
import { LoginPage } from './session/login-page';
import { loadSession, session } from './session/session';
import { SetupPage } from './session/setup-page';
import { notifyError } from './shell/notices';
import { Shell } from './shell/shell';
import { useStore } from './store/store';
import { UsersPage } from './users/users-page';
import { VolumesPage } from './volumes/volumes-page';

function Page({ route }: { route: string[] }) {
  const [page = 'containers', a, b, c] = route;
  switch (page) {
    case 'containers':
      return a && b ? <ContainerPage key={`${a}/${b}`} hostId={Number(a)} id={b} tab={c} /> : <ContainersPage />;
    case 'run': return <RunPage />;
    case 'images': return <ImagesPage />;
    case 'volumes': return <VolumesPage />;
    case 'networks': return <NetworksPage />;
    case 'hosts': return <HostsPage />;
    case 'registries': return <RegistriesPage />;
    case 'events': return <EventsPage />;
    case 'users': return <UsersPage />;
    case 'audit': return <AuditPage />;
    default: return <p>No page “{page}”. <a href="#/containers">Containers</a></p>;
  }
}

export function App() {
  const s = useStore(session);
  const route = useRoute();
  useEffect(() => void loadSession().catch((err) => {
    notifyError(err, 'loading the session');
    session.set({ phase: 'login', user: null, note: String((err as Error).message) });
  }), []);
  useEffect(() => { document.title = `${route[0] ?? 'containers'} · Berth console`; }, [route[0]]);
  if (s.phase === 'loading') return <p class="muted center">Loading…</p>;
  if (s.phase === 'setup') return <SetupPage />;
  if (s.phase === 'login') return <LoginPage note={s.note} />;
  return <Shell page={route[0] ?? 'containers'}><Page route={route} /></Shell>;
}
