/** Event topics and the Docker event message shape. */

export type EventType = 'container' | 'image' | 'volume' | 'network' | 'daemon';

export const CONTAINER_ACTIONS = [
  'create', 'start', 'attach', 'die', 'stop', 'kill', 'restart', 'pause', 'unpause', 'destroy',
  'rename', 'resize', 'exec_create', 'exec_start', 'exec_die', 'oom', 'health_status',
] as const;
export const IMAGE_ACTIONS = ['pull', 'push', 'tag', 'untag', 'delete', 'import', 'load', 'save'] as const;

export interface EventMessage {
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
}
