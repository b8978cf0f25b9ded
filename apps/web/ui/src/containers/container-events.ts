import type { ContainerStatus, ContainerSummary, EventMessage } from '../api/types';

type Row = ContainerSummary & { hostId: number };

const STATES: Record<string, { state: ContainerStatus; status: (e: EventMessage) => string }> = {
  start: { state: 'running', status: () => 'Up less than a second' },
  restart: { state: 'running', status: () => 'Up less than a second' },
  unpause: { state: 'running', status: () => 'Up' },
  pause: { state: 'paused', status: () => 'Up (Paused)' },
  die: { state: 'exited', status: (e) => `Exited (${e.Actor.Attributes.exitCode ?? '?'}) less than a second ago` },
};
/** Events after which the list is fetched again (a row appears, or more than its state changed). */
const RELOAD = new Set(['create', 'rename', 'update', 'health_status']);

/** Applies one engine event to the merged container list at once: the state a user sees changes with the event. */
export function applyContainerEvent(rows: Row[], hostId: number, e: EventMessage): Row[] {
  if (e.Type !== 'container') return rows;
  const action = e.Action.split(':')[0]!;
  if (action === 'destroy') return rows.filter((r) => !(r.hostId === hostId && r.Id === e.Actor.ID));
  const change = STATES[action];
  if (!change) return rows;
  return rows.map((r) => (r.hostId === hostId && r.Id === e.Actor.ID ? { ...r, State: change.state, Status: change.status(e) } : r));
}

/** Whether the list should also be fetched again: a row appears, or more than its state changed. */
export function eventNeedsReload(rows: Row[], hostId: number, e: EventMessage): boolean {
  if (e.Type !== 'container') return false;
  const action = e.Action.split(':')[0]!;
  if (RELOAD.has(action)) return true;
  return action in STATES && !rows.some((r) => r.hostId === hostId && r.Id === e.Actor.ID);
}
