import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from '../api/api-error';

interface Props {
  label: string;
  onSubmit: () => Promise<unknown>;
  disabled?: boolean;
  disabledReason?: string;
  children: ComponentChildren;
  class?: string;
  'aria-label'?: string;
}

/** A form whose submit runs one request; the server's error message is shown under it. */
export function SubmitForm({ label, onSubmit, disabled, disabledReason, children, class: cls, 'aria-label': aria }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await onSubmit();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class={`form ${cls ?? ''}`} onSubmit={submit} aria-label={aria ?? label}>
      {children}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || disabled} title={disabled ? disabledReason : undefined}>{busy ? `${label}…` : label}</button>
        {error ? <p class="form-error" role="alert">{error}</p> : null}
      </div>
    </form>
  );
}
