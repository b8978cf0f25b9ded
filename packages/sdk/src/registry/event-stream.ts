import { SdkError } from '../errors.js';
import { REGISTRY_EVENTS_PATH, REGISTRY_SSE_EVENTS, type RegistryEvent } from '../protocol/registry-events.js';
import { CATALOG_SCOPE } from './registry-auth.js';
import type { RegistrySender } from './registry-session.js';
import { responseError } from './response-errors.js';
import { parseSse } from './sse-parser.js';

export interface RegistryEventsOptions {
  /** Ends the stream: the iteration throws the signal's reason. */
  signal?: AbortSignal;
  /** Called once the registry has accepted the subscription (before any event). */
  onOpen?: () => void;
  /** Called when the registry dropped `lost` events because this reader fell behind. */
  onGap?: (lost: number) => void;
}

/**
 * berth-registry's event stream (`GET /berth/v1/events`, Server-Sent Events): every push,
 * pull and delete as it happens. Needs the catalog scope (`registry:catalog:*`). Ends when the
 * registry ends it; a cut connection is an UNAVAILABLE error.
 */
export async function* registryEvents(sender: RegistrySender, registry: string, options: RegistryEventsOptions = {}): AsyncGenerator<RegistryEvent> {
  const { signal } = options;
  const what = `event stream of ${registry}`;
  const res = await sender.send({
    method: 'GET',
    registry,
    target: REGISTRY_EVENTS_PATH,
    scopes: [CATALOG_SCOPE],
    headers: { accept: 'text/event-stream', 'cache-control': 'no-cache' },
    signal,
  });
  if (res.status === 404 || res.status === 405) {
    res.body.destroy();
    throw new SdkError('NOT_IMPLEMENTED', `${what}: ${registry} has no event stream (GET ${REGISTRY_EVENTS_PATH} answered ${res.status}); only berth-registry serves one`, { status: res.status });
  }
  if (res.status !== 200) throw await responseError(res, what);
  if (!/^text\/event-stream\b/i.test(res.header('content-type') ?? '')) {
    res.body.destroy();
    throw new SdkError('NOT_IMPLEMENTED', `${what}: ${registry} answered ${res.header('content-type') ?? 'no content type'}, not text/event-stream`);
  }
  options.onOpen?.();
  try {
    for await (const message of parseSse(res.body)) {
      if (message.event === REGISTRY_SSE_EVENTS.event) yield parseEvent(message.data, what);
      else if (message.event === REGISTRY_SSE_EVENTS.gap) options.onGap?.(parseGap(message.data));
    }
    signal?.throwIfAborted();
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (err instanceof SdkError) throw err;
    throw new SdkError('UNAVAILABLE', `${what} was cut: ${(err as Error).message}`, { cause: err });
  } finally {
    res.body.destroy();
  }
}

function parseEvent(data: string, what: string): RegistryEvent {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    throw new SdkError('UNAVAILABLE', `${what}: an event that is not JSON`);
  }
  const e = event as Partial<RegistryEvent> | null;
  if (typeof e !== 'object' || e === null || typeof e.action !== 'string' || typeof e.repository !== 'string' || typeof e.digest !== 'string') {
    throw new SdkError('UNAVAILABLE', `${what}: an event without action, repository and digest`);
  }
  return e as RegistryEvent;
}

function parseGap(data: string): number {
  try {
    const lost = (JSON.parse(data) as { lost?: unknown }).lost;
    return typeof lost === 'number' && lost > 0 ? lost : 0;
  } catch {
    return 0;
  }
}
