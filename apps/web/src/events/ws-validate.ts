import type { Topic, WsClientMessage } from './ws-messages.js';

/** Parses and checks one browser message; returns an error text for anything malformed. */
export function parseClientMessage(raw: string): WsClientMessage | string {
  let m: unknown;
  try {
    m = JSON.parse(raw);
  } catch {
    return 'the message is not JSON';
  }
  if (!m || typeof m !== 'object') return 'the message is not a JSON object';
  const o = m as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id.length < 1 || o.id.length > 128) return '"id" must be a string of 1 to 128 characters';
  const isInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
  switch (o.type) {
    case 'subscribe': {
      const t = o.topic as Record<string, unknown> | undefined;
      if (!t || typeof t !== 'object') return '"topic" is required';
      const bad = checkTopic(t, isInt);
      return bad ?? { type: 'subscribe', id: o.id, topic: t as unknown as Topic };
    }
    case 'unsubscribe':
    case 'exec.close':
      return { type: o.type, id: o.id };
    case 'exec.start':
      if (!isInt(o.hostId) || typeof o.container !== 'string' || !Array.isArray(o.cmd) || o.cmd.length === 0 || o.cmd.some((c) => typeof c !== 'string')) {
        return 'exec.start needs hostId (number), container (string) and cmd (a list of strings)';
      }
      return o as unknown as WsClientMessage;
    case 'exec.input':
      return typeof o.data === 'string' ? (o as unknown as WsClientMessage) : 'exec.input needs data (a string)';
    case 'exec.resize':
      return isInt(o.cols) && isInt(o.rows) ? (o as unknown as WsClientMessage) : 'exec.resize needs cols and rows (positive numbers)';
    default:
      return `unknown message type "${String(o.type)}": use subscribe, unsubscribe, exec.start, exec.input, exec.resize or exec.close`;
  }
}

function checkTopic(t: Record<string, unknown>, isInt: (v: unknown) => boolean): string | undefined {
  switch (t.kind) {
    case 'events': return t.hostId === undefined || isInt(t.hostId) ? undefined : 'topic.hostId must be a host id';
    case 'hosts': return undefined;
    case 'registry-events': return t.registryId === undefined || isInt(t.registryId) ? undefined : 'topic.registryId must be a registry id';
    case 'progress': return typeof t.operationId === 'string' && t.operationId ? undefined : 'topic.operationId is required';
    case 'logs':
      if (t.tail !== undefined && !(Number.isSafeInteger(t.tail) && (t.tail as number) >= 0)) return 'topic.tail must be a number of lines';
    // falls through
    case 'stats':
      return isInt(t.hostId) && typeof t.container === 'string' && t.container ? undefined : `a ${t.kind} topic needs hostId and container`;
    default: return `unknown topic kind "${String(t.kind)}": use events, logs, stats, hosts, progress or registry-events`;
  }
}
