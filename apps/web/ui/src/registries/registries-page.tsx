import { useEffect, useState } from 'preact/hooks';
import { del, get, post } from '../api/http';
import { roleAtLeast } from '../api/roles';
import type { RegistryView } from '../api/types';
import { ActionButton } from '../controls/action-button';
import { Field } from '../controls/field';
import { SubmitForm } from '../controls/submit-form';
import { session } from '../session/session';
import { notify, notifyError } from '../shell/notices';
import { useStore } from '../store/store';
import { RegistryBrowser } from './registry-browser';

/** The registries the console knows (admins add and remove them) and a browser of the chosen one. */
export function RegistriesPage() {
  const { user } = useStore(session);
  const [list, setList] = useState<RegistryView[]>([]);
  const [chosen, setChosen] = useState<number | null>(null);
  const [form, setForm] = useState({ name: '', url: '', username: '', password: '' });
  const reload = async () => setList(await get<RegistryView[]>('/api/registries'));
  useEffect(() => void reload().catch((err) => notifyError(err, 'registries')), []);
  const current = list.find((r) => r.id === chosen) ?? null;
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <section>
      <header class="page-head"><h1>Registries</h1></header>
      {roleAtLeast(user?.role, 'admin') ? (
        <div class="panel">
          <h2>Add a registry</h2>
          <SubmitForm label="Add registry" class="inline-form" onSubmit={async () => {
            await post('/api/registries', { name: form.name, url: form.url, ...(form.username ? { username: form.username, password: form.password } : {}) });
            setForm({ name: '', url: '', username: '', password: '' });
            await reload();
          }}>
            <Field label="Name"><input name="registry-name" required value={form.name} onInput={set('name')} /></Field>
            <Field label="Address" hint="host[:port]"><input name="registry-url" required value={form.url} onInput={set('url')} /></Field>
            <Field label="Username"><input name="registry-username" autoComplete="off" value={form.username} onInput={set('username')} /></Field>
            <Field label="Password"><input name="registry-password" type="password" autoComplete="new-password" value={form.password} onInput={set('password')} /></Field>
          </SubmitForm>
        </div>
      ) : null}
      <table class="table" aria-label="Registries">
        <thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">User</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {list.map((r) => (
            <tr key={r.id} class={r.id === chosen ? 'selected' : ''}>
              <td><button type="button" class="link" aria-pressed={r.id === chosen} onClick={() => setChosen(r.id)}>{r.name}</button></td>
              <td><code>{r.url}</code></td>
              <td>{r.username ?? '–'}</td>
              <td><ActionButton label="Remove" need="admin" kind="danger" confirm what={`remove registry ${r.name}`} run={async () => {
                await del(`/api/registries/${r.id}`);
                notify('ok', `Removed registry ${r.name}`);
                if (chosen === r.id) setChosen(null);
                await reload();
              }} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length === 0 ? <p class="muted">No registries yet.</p> : null}
      {current ? <RegistryBrowser registry={current} /> : null}
    </section>
  );
}
