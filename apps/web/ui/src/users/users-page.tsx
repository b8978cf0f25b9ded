import { useEffect, useState } from 'preact/hooks';
import { del, get, post } from '../api/http';
import type { Role, UserRow } from '../api/types';
import { ActionButton } from '../controls/action-button';
import { Field } from '../controls/field';
import { SubmitForm } from '../controls/submit-form';
import { dateTime } from '../format/format';
import { session } from '../session/session';
import { notify, notifyError } from '../shell/notices';
import { useStore } from '../store/store';

/** Admins create users with a role and delete them. */
export function UsersPage() {
  const { user: me } = useStore(session);
  const [users, setUsers] = useState<UserRow[]>([]);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const reload = async () => setUsers(await get<UserRow[]>('/api/users'));
  useEffect(() => void reload().catch((err) => notifyError(err, 'users')), []);
  return (
    <section>
      <header class="page-head"><h1>Users</h1></header>
      <div class="panel">
        <h2>Create a user</h2>
        <SubmitForm label="Create user" class="inline-form" onSubmit={async () => {
          await post('/api/users', { username: username.trim(), password, role });
          notify('ok', `Created ${role} ${username}`);
          setUsername('');
          setPassword('');
          await reload();
        }}>
          <Field label="Username"><input name="new-username" required autoComplete="off" value={username} onInput={(e) => setUsername(e.currentTarget.value)} /></Field>
          <Field label="Password" hint="At least 8 characters"><input name="new-password" type="password" required minLength={8} autoComplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></Field>
          <Field label="Role">
            <select name="new-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              <option value="viewer">viewer — reads</option>
              <option value="operator">operator — also acts on engines</option>
              <option value="admin">admin — also hosts, registries, users, audit</option>
            </select>
          </Field>
        </SubmitForm>
      </div>
      <table class="table" aria-label="Users">
        <thead><tr><th scope="col">Username</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-user={u.username}>
              <td>{u.username}{u.id === me?.id ? <span class="muted"> (you)</span> : null}</td>
              <td><span class={`badge role-${u.role}`}>{u.role}</span></td>
              <td>{dateTime(u.created)}</td>
              <td>{u.id === me?.id ? null : <ActionButton label="Delete" need="admin" kind="danger" confirm what={`delete user ${u.username}`} run={async () => {
                await del(`/api/users/${u.id}`);
                notify('ok', `Deleted ${u.username}`);
                await reload();
              }} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
