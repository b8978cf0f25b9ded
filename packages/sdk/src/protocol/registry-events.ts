// berth-registry's event stream: every push, pull and delete, as Server-Sent Events on
// `GET /berth/v1/events` (see packages/registry/README.md).

/** What a registry event records: content pushed, pulled or deleted. */
export type RegistryAction = 'push' | 'pull' | 'delete';

/** What happened to which content, by whom: emitted for every push, pull and delete. */
export interface RegistryEvent {
  action: RegistryAction;
  repository: string;
  digest: string;
  /** The tag a manifest was pushed, pulled or deleted by, if any. */
  tag?: string;
  /** The manifest's media type; `application/octet-stream` for blobs. */
  mediaType: string;
  size: number;
  /** The authenticated user, or null for anonymous access. */
  user: string | null;
  /** When it happened (ISO 8601). */
  timestamp: string;
}

/** Where the registry serves its event stream. */
export const REGISTRY_EVENTS_PATH = '/berth/v1/events';

/**
 * SSE event names on the stream. `event` carries a RegistryEvent as its data; `gap` carries
 * `{ "lost": n }`: n events were dropped because the subscriber fell behind. Comment lines
 * (`: keep-alive`) are sent while nothing happens.
 */
export const REGISTRY_SSE_EVENTS = { event: 'registry-event', gap: 'gap' } as const;

/** Seconds between keep-alive comments; clients may treat twice this without a byte as a dead stream. */
export const REGISTRY_EVENTS_KEEPALIVE_SECONDS = 10;
