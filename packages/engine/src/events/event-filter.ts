import type { EventMessage } from '@berth/sdk';
import { matchKeyValues } from '../api/label-filter.js';
import { EngineError } from '../errors.js';

const KEYS = ['type', 'event', 'container', 'image', 'label', 'network', 'volume', 'daemon', 'scope', 'plugin', 'node', 'service', 'secret', 'config'];
const TYPES = ['container', 'image', 'volume', 'network', 'daemon', 'plugin', 'node', 'service', 'secret', 'config'];
const SCOPES = ['local', 'swarm'];
/** `event` values dockerd matches by prefix (`health_status: healthy`, `exec_start: sh -c …`). */
const FUZZY_ACTIONS = ['health_status', 'exec_create', 'exec_start'];

type Filters = Map<string, string[]>;

/** Any value equal to `source` (or no values for `key`). */
function exact(filters: Filters, key: string, source: string | undefined): boolean {
  const values = filters.get(key);
  if (!values || values.length === 0) return true;
  return source !== undefined && values.includes(source);
}

/** Any value equal to or a prefix of `source` (or no values for `key`). */
function fuzzy(filters: Filters, key: string, source: string | undefined): boolean {
  const values = filters.get(key);
  if (!values || values.length === 0) return true;
  return source !== undefined && values.some((v) => source.startsWith(v));
}

function stripTag(image: string): string {
  const at = image.indexOf('@');
  if (at !== -1) return image.slice(0, at);
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(0, colon) : image;
}

/**
 * Docker's event filters (daemon/events/filter.go): keys combine with AND, values of one key
 * with OR; container/network/volume/daemon match the actor's ID or `name` attribute by prefix;
 * image matches the image ID or name, with or without its tag; label is key or key=value.
 * Unknown keys and types are INVALID_ARGUMENT naming them.
 */
export function compileEventFilter(filters: Filters): (message: EventMessage) => boolean {
  for (const [key, values] of filters) {
    if (!KEYS.includes(key)) throw new EngineError('INVALID_ARGUMENT', `invalid filter '${key}': events can be filtered by ${KEYS.slice(0, 9).join(', ')}`);
    if (key === 'type') {
      const bad = values.find((v) => !TYPES.includes(v));
      if (bad !== undefined) throw new EngineError('INVALID_ARGUMENT', `invalid filter 'type=${bad}': the type must be one of ${TYPES.slice(0, 5).join(', ')}`);
    }
    if (key === 'scope') {
      const bad = values.find((v) => !SCOPES.includes(v));
      if (bad !== undefined) throw new EngineError('INVALID_ARGUMENT', `invalid filter 'scope=${bad}': the scope must be local or swarm`);
    }
  }
  const fuzzyEvents = (filters.get('event') ?? []).some((v) => FUZZY_ACTIONS.includes(v));
  const labels = filters.get('label') ?? [];
  return (m) => {
    const attrs = m.Actor.Attributes ?? {};
    const byName = (key: string): boolean => fuzzy(filters, key, m.Actor.ID) || fuzzy(filters, key, attrs.name);
    const imageName = m.Type === 'image' ? attrs.name : attrs.image;
    return (fuzzyEvents ? fuzzy(filters, 'event', m.Action) : exact(filters, 'event', m.Action))
      && exact(filters, 'type', m.Type)
      && exact(filters, 'scope', m.scope)
      && byName('daemon') && byName('container') && byName('plugin') && byName('volume') && byName('network')
      && (exact(filters, 'image', m.Actor.ID) || exact(filters, 'image', imageName)
        || exact(filters, 'image', stripTag(m.Actor.ID)) || (imageName !== undefined && exact(filters, 'image', stripTag(imageName))))
      && exact(filters, 'node', attrs['node.id']) && byName('service') && byName('secret') && byName('config')
      && (labels.length === 0 || matchKeyValues(labels, attrs));
  };
}
