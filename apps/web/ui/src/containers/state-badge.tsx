/** A container's state as a coloured word (the word itself carries the meaning). */
export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state}`} data-state={state}>{state}</span>;
}
