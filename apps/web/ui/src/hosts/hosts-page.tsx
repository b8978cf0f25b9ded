import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { del, patch, post } from '../api/http';
import type { HostView } from '../api/types';
import { ActionButton } from '../controls/action-button';
import { ago } from '../format/format';
import { notify } from '../shell/notices';
import { HostForm } from './host-form';
import { dropHost, putHost, useHosts } from './hosts-store';

/** Why a host is unreachable, in words a person can act on, beside the engine's own error. */
export function explainHostError(err: string | null): string {
  if (!err) return '';
  if (/ENOENT/.test(err)) return 'No engine socket at that path: is berthd running there?';
  if (/ECONNREFUSED/.test(err)) return 'Nothing is listening at that address: is berthd running, and on that port?';
  if (/EACCES|permission/i.test(err)) return 'The console may not open that socket (permissions).';
  if (/ETIMEDOUT|timed out|deadline/i.test(err)) return 'The host did not answer in time (network or firewall).';
  if (/certificate|TLS|SSL/i.test(err)) return 'The TLS handshake failed: check the CA, certificate and key files.';
  if (/ENOTFOUND|EAI_AGAIN/.test(err)) return 'The host name does not resolve.';
  return '';
}

/** The engines the console manages: add, edit, remove, probe, and each one's status. */
export function HostsPage() {
  const hosts = useHosts();
  const [editing, setEditing] = useState<number | null>(null);
  return (
    <section>
      <header class="page-head"><h1>Hosts</h1></header>
      <div class="panel">
        <h2>Add a host</h2>
        <HostForm label="Add host" onSave={async (h) => {
          const added = await post<HostView>('/api/hosts', h);
          putHost(added);
          notify('ok', added.status === 'up' ? `Added host ${added.name}` : `Added host ${added.name}; it is unreachable for now (see its status below)`);
        }} />
      </div>
      <table class="table" aria-label="Hosts">
        <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Status</th><th scope="col">Checked</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {hosts.map((h) => (
            <Fragment key={h.id}>
              <tr data-host={h.name}>
                <td>{h.name}</td>
                <td><code>{h.url}</code>{h.tls.ca || h.tls.cert ? <span class="muted"> (TLS)</span> : null}</td>
                <td>
                  <span class={`badge host-${h.status}`} data-status={h.status}>{h.status}</span>
                  {h.status === 'unreachable' && h.lastError ? (
                    <div class="host-error"><span>{h.lastError}</span>{explainHostError(h.lastError) ? <div class="muted">{explainHostError(h.lastError)}</div> : null}</div>
                  ) : null}
                </td>
                <td>{ago(h.checkedAt)}</td>
                <td><div class="button-row">
                  <ActionButton label="Probe" need="operator" run={async () => putHost(await post<HostView>(`/api/hosts/${h.id}/probe`))} what={`probe ${h.name}`} />
                  <ActionButton label="Edit" need="admin" run={async () => setEditing(editing === h.id ? null : h.id)} />
                  <ActionButton label="Remove" need="admin" kind="danger" confirm what={`remove host ${h.name}`} run={async () => {
                    await del(`/api/hosts/${h.id}`);
                    dropHost(h.id);
                    notify('ok', `Removed host ${h.name}`);
                  }} />
                </div></td>
              </tr>
              {editing === h.id ? (
                <tr><td colSpan={5}>
                  <HostForm host={h} label="Save host" onCancel={() => setEditing(null)} onSave={async (input) => {
                    putHost(await patch<HostView>(`/api/hosts/${h.id}`, input));
                    setEditing(null);
                  }} />
                </td></tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      {hosts.length === 0 ? <p class="muted">No hosts yet: add one above.</p> : null}
    </section>
  );
}
