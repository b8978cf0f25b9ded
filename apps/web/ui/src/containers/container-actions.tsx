import { del, post } from '../api/http';
import { ActionButton } from '../controls/action-button';
import { navigate } from '../routing/hash-route';
import { notify } from '../shell/notices';

interface Props { hostId: number; id: string; name: string; state: string; compact?: boolean; onChanged?: () => void }

/** Start/stop/restart/kill/remove for one container; the console answers with the engine's message on failure. */
export function ContainerActions({ hostId, id, name, state, compact, onChanged }: Props) {
  const base = `/api/hosts/${hostId}/containers/${encodeURIComponent(id)}`;
  const act = (action: string) => async () => {
    await post(`${base}/${action}`);
    onChanged?.();
  };
  const running = state === 'running' || state === 'restarting';
  const paused = state === 'paused';
  if (compact) {
    return running || paused
      ? <ActionButton label="Stop" need="operator" run={act('stop')} what={`stop "${name}"`} />
      : <ActionButton label="Start" need="operator" run={act('start')} what={`start "${name}"`} />;
  }
  return (
    <div class="button-row" role="group" aria-label={`Actions on ${name}`}>
      <ActionButton label="Start" need="operator" run={act('start')} what={`start "${name}"`} kind="primary" unavailable={running || paused ? 'Already running' : undefined} />
      <ActionButton label="Stop" need="operator" run={act('stop')} what={`stop "${name}"`} unavailable={running || paused ? undefined : 'Not running'} />
      <ActionButton label="Restart" need="operator" run={act('restart')} what={`restart "${name}"`} />
      {paused
        ? <ActionButton label="Unpause" need="operator" run={act('unpause')} what={`unpause "${name}"`} />
        : <ActionButton label="Pause" need="operator" run={act('pause')} what={`pause "${name}"`} unavailable={running ? undefined : 'Not running'} />}
      <ActionButton label="Kill" need="operator" run={act('kill')} what={`kill "${name}"`} confirm unavailable={running || paused ? undefined : 'Not running'} />
      <ActionButton label="Remove" need="operator" kind="danger" confirm what={`remove "${name}"`} run={async () => {
        await del(`${base}?force=true`);
        notify('ok', `Removed container "${name}"`);
        navigate('containers');
      }} />
    </div>
  );
}
