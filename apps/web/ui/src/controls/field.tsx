import type { ComponentChildren } from 'preact';

/**
 * A labelled form control: the label wraps the input (clicking it focuses the input); the hint
 * sits outside the label so the control's accessible name is the label alone.
 */
export function Field({ label, hint, children }: { label: string; hint?: string | undefined; children: ComponentChildren }) {
  return (
    <div class="field">
      <label class="field">
        <span class="field-label">{label}</span>
        {children}
      </label>
      {hint ? <span class="field-hint">{hint}</span> : null}
    </div>
  );
}
