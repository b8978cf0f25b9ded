import { describe, expect, it } from 'vitest';
import type { ContainerSummary, EventMessage } from '../api/types';
import { applyContainerEvent, eventNeedsReload } from './container-events';

const row = (hostId: number, Id: string, State: ContainerSummary['State'] = 'running') => ({ hostId, Id, State, Status: 'Up 1 minute', Names: [`/${Id}`] }) as ContainerSummary & { hostId: number };
const event = (Action: string, ID: string, Attributes: Record<string, string> = {}): EventMessage => ({ Type: 'container', Action, Actor: { ID, Attributes }, scope: 'local', time: 0, timeNano: 0 });

describe('container list events', () => {
  it('shows a stop at once: die makes the row exited with its exit code, on that host only', () => {
    const rows = [row(1, 'a'), row(2, 'a')];
    const next = applyContainerEvent(rows, 2, event('die', 'a', { exitCode: '137' }));
    expect(next[0]).toBe(rows[0]);
    expect(next[1]).toMatchObject({ State: 'exited', Status: expect.stringContaining('Exited (137)') });
    expect(eventNeedsReload(rows, 2, event('die', 'a'))).toBe(false);
  });

  it('removes a destroyed container and reloads for a new or unknown one', () => {
    const rows = [row(1, 'a'), row(1, 'b')];
    expect(applyContainerEvent(rows, 1, event('destroy', 'a')).map((r) => r.Id)).toEqual(['b']);
    expect(eventNeedsReload(rows, 1, event('create', 'c'))).toBe(true);
    expect(eventNeedsReload(rows, 1, event('start', 'c'))).toBe(true);
    expect(eventNeedsReload(rows, 1, event('exec_start: sh', 'a'))).toBe(false);
  });

  it('ignores events of other object types', () => {
    const rows = [row(1, 'a')];
    const e = { ...event('die', 'a'), Type: 'image' } as EventMessage;
    expect(applyContainerEvent(rows, 1, e)).toBe(rows);
  });
});
