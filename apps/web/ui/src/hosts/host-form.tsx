import { useState } from 'preact/hooks';
import { roleAtLeast } from '../api/roles';
import type { HostView } from '../api/types';
import { Field } from '../controls/field';
import { SubmitForm } from '../controls/submit-form';
import { session } from '../session/session';
import { useStore } from '../store/store';

export interface HostInput { name?: string; url: string; tls?: { ca?: string; cert?: string; key?: string } }

/** Adds a host or edits one: a name, the engine URL and, for tcp://, the TLS files on the console's machine. */
export function HostForm({ host, label, onSave, onCancel }: { host?: HostView; label: string; onSave: (h: HostInput) => Promise<unknown>; onCancel?: () => void }) {
  const { user } = useStore(session);
  const [name, setName] = useState(host?.name ?? '');
  const [url, setUrl] = useState(host?.url ?? '');
  const [ca, setCa] = useState(host?.tls.ca ?? '');
  const [cert, setCert] = useState(host?.tls.cert ?? '');
  const [key, setKey] = useState(host?.tls.key ?? '');
  const save = async () => {
    const tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
    await onSave({ ...(name.trim() ? { name: name.trim() } : {}), url: url.trim(), ...(Object.keys(tls).length ? { tls } : {}) });
    if (!host) {
      setName('');
      setUrl('');
    }
  };
  return (
    <SubmitForm label={label} aria-label={label} onSubmit={save} class="inline-form" disabled={!roleAtLeast(user?.role, 'admin')} disabledReason={`Needs the admin role (you are ${user?.role})`}>
      <Field label="Name"><input name="host-name" placeholder="e.g. build-01" value={name} onInput={(e) => setName(e.currentTarget.value)} /></Field>
      <Field label="Engine URL" hint="unix:///run/berth/berth.sock or tcp://host:2376"><input name="host-url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} /></Field>
      <details class="tls" open={Boolean(ca || cert || key)}>
        <summary>TLS files (tcp:// only)</summary>
        <Field label="CA certificate path"><input name="tls-ca" value={ca} onInput={(e) => setCa(e.currentTarget.value)} /></Field>
        <Field label="Client certificate path"><input name="tls-cert" value={cert} onInput={(e) => setCert(e.currentTarget.value)} /></Field>
        <Field label="Client key path"><input name="tls-key" value={key} onInput={(e) => setKey(e.currentTarget.value)} /></Field>
      </details>
      {onCancel ? <button type="button" class="btn" onClick={onCancel}>Cancel</button> : null}
    </SubmitForm>
  );
}
