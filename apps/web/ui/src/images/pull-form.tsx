import { useState } from 'preact/hooks';
import { post } from '../api/http';
import { roleAtLeast } from '../api/roles';
import type { ProgressMessage } from '../api/types';
import { Field } from '../controls/field';
import { SubmitForm } from '../controls/submit-form';
import { bytes } from '../format/format';
import { HostSelect } from '../hosts/host-select';
import { live } from '../live/live';
import { session } from '../session/session';
import { notify } from '../shell/notices';
import { useStore } from '../store/store';

interface Layer { id: string; status: string; current?: number | undefined; total?: number | undefined }

const operationId = () => `pull-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** Follows the `progress` topic of one operation until `subscribed` arrives, so no message is missed. */
function followProgress(id: string, on: (m: ProgressMessage) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const stop = live().subscribe({ kind: 'progress', operationId: id }, (m) => {
      if (m.type === 'subscribed') resolve(stop);
      else if (m.type === 'progress') on(m.message);
      else if (m.type === 'error') reject(new Error(m.message));
    });
  });
}

/** Pulls an image onto a host, showing each layer's progress as the engine reports it. */
export function PullForm({ onPulled }: { onPulled: () => void }) {
  const { user } = useStore(session);
  const [hostId, setHostId] = useState<number | null>(null);
  const [image, setImage] = useState('');
  const [layers, setLayers] = useState<Layer[]>([]);
  const [lastStatus, setLastStatus] = useState('');

  const pull = async () => {
    const id = operationId();
    setLayers([]);
    setLastStatus('Starting…');
    const stop = await followProgress(id, (m) => {
      if (m.error) setLastStatus(m.error);
      else if (m.id) {
        const layer: Layer = { id: m.id, status: m.status ?? '', current: m.progressDetail?.current, total: m.progressDetail?.total };
        setLayers((ls) => (ls.some((l) => l.id === m.id) ? ls.map((l) => (l.id === m.id ? layer : l)) : [...ls, layer]));
      } else if (m.status) setLastStatus(m.status);
    });
    try {
      const r = await post<{ image: string }>(`/api/hosts/${hostId}/images/pull`, { image: image.trim(), operationId: id });
      notify('ok', `Pulled ${r.image}`);
      onPulled();
    } finally {
      stop();
    }
  };

  return (
    <div class="panel">
      <h2>Pull an image</h2>
      <SubmitForm label="Pull" onSubmit={pull} disabled={!roleAtLeast(user?.role, 'operator') || hostId === null} disabledReason={`Needs the operator role (you are ${user?.role})`} class="inline-form">
        <HostSelect value={hostId} onChange={setHostId} />
        <Field label="Image"><input name="pull-image" required placeholder="registry:5000/team/app:1.0" value={image} onInput={(e) => setImage(e.currentTarget.value)} /></Field>
      </SubmitForm>
      {lastStatus || layers.length ? (
        <div class="progress" aria-live="polite">
          <p class="muted">{lastStatus}</p>
          <ul class="layers">
            {layers.map((l) => (
              <li key={l.id}>
                <code>{l.id}</code> {l.status}
                {l.total ? <><progress max={l.total} value={l.current ?? 0} /> {bytes(l.current ?? 0)} / {bytes(l.total)}</> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
