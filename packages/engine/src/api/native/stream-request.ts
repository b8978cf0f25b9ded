import type { StreamClientMessage, StreamFilters } from '@berth/sdk';
import { EngineError } from '../../errors.js';

const ID_LIMIT = 128;

/** A client message checked for shape: a subscribe or unsubscribe with a usable id. */
export function parseClientMessage(text: string): StreamClientMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw new EngineError('INVALID_ARGUMENT', 'message is not JSON: send {"type":"subscribe","id":"…","stream":{…}} or {"type":"unsubscribe","id":"…"}');
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) {
    throw new EngineError('INVALID_ARGUMENT', 'message must be a JSON object with a "type"');
  }
  const m = message as Record<string, unknown>;
  if (m.type !== 'subscribe' && m.type !== 'unsubscribe') {
    throw new EngineError('INVALID_ARGUMENT', `unknown message type ${JSON.stringify(m.type)}: use "subscribe" or "unsubscribe"`);
  }
  if (typeof m.id !== 'string' || m.id.length === 0 || m.id.length > ID_LIMIT) {
    throw new EngineError('INVALID_ARGUMENT', `"${m.type}" needs an "id": a string of 1 to ${ID_LIMIT} characters`);
  }
  if (m.type === 'subscribe') {
    const stream = m.stream as Record<string, unknown> | undefined;
    if (!stream || typeof stream !== 'object' || !['events', 'logs', 'stats'].includes(stream.kind as string)) {
      throw new EngineError('INVALID_ARGUMENT', `subscribe "${m.id}" needs "stream" with "kind" events, logs or stats`);
    }
  }
  return m as unknown as StreamClientMessage;
}

/** Stream filters (`{ key: [values] }`) as the filter map the event filter takes. */
export function filtersOf(filters: StreamFilters | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (filters === undefined) return map;
  if (!filters || typeof filters !== 'object' || Array.isArray(filters)) {
    throw new EngineError('INVALID_ARGUMENT', 'filters must be an object of key → list of values, e.g. {"type":["container"]}');
  }
  for (const [key, values] of Object.entries(filters)) {
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
      throw new EngineError('INVALID_ARGUMENT', `filter "${key}" must be a list of strings`);
    }
    map.set(key, values);
  }
  return map;
}
