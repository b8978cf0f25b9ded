import { useState } from 'preact/hooks';
import { roleAtLeast } from '../api/roles';
import type { Role } from '../api/types';
import { notifyError } from '../shell/notices';
import { session } from '../session/session';
import { useStore } from '../store/store';

interface Props {
  label: string;
  /** The least role the console lets do this; below it the button is disabled and says why. */
  need: Role;
  run: () => Promise<unknown>;
  /** Asks again before acting (a second click on "Confirm …"). */
  confirm?: boolean;
  kind?: 'primary' | 'danger' | 'plain';
  title?: string;
  /** What the error message is about, e.g. `stop "web"`. */
  what?: string;
  onError?: (err: unknown) => void;
  /** Why the action makes no sense now (e.g. "already running"); the button is disabled and says so. */
  unavailable?: string | undefined;
}

/** A button that runs one action against the console, disabled while it runs and for roles too low to do it. */
export function ActionButton({ label, need, run, confirm, kind = 'plain', title, what, onError, unavailable }: Props) {
  const { user } = useStore(session);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const allowed = roleAtLeast(user?.role, need);
  const reason = !allowed ? `Needs the ${need} role (you are ${user?.role ?? 'not logged in'})` : unavailable ?? title;
  const act = async () => {
    if (confirm && !asking) return setAsking(true);
    setAsking(false);
    setBusy(true);
    try {
      await run();
    } catch (err) {
      if (onError) onError(err);
      else notifyError(err, what ?? label);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={`btn btn-${asking ? 'danger' : kind}`} disabled={!allowed || busy || unavailable !== undefined} title={reason} onClick={act} onBlur={() => setAsking(false)} data-action={label.toLowerCase()}>
        {busy ? `${label}…` : asking ? `Confirm ${label.toLowerCase()}` : label}
      </button>
    </span>
  );
}
