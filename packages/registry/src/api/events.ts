import { EventEmitter } from 'node:events';

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

interface RegistryEventMap {
  event: [RegistryEvent];
  push: [RegistryEvent];
  pull: [RegistryEvent];
  delete: [RegistryEvent];
}

/**
 * The registry's in-process event stream (for the console and for tests). Every event is
 * emitted twice: on `event` and on its action name. Listeners run synchronously; a listener
 * that throws is logged by the emitter's owner and never fails the request.
 */
export class RegistryEvents extends EventEmitter<RegistryEventMap> {
  /** Called when a listener throws (the server logs it); the request carries on. */
  onListenerError: ((err: unknown) => void) | undefined;

  constructor() {
    super();
    // Many console subscribers are normal; the default of 10 would warn.
    this.setMaxListeners(0);
  }

  publish(event: Omit<RegistryEvent, 'timestamp'>): void {
    const full: RegistryEvent = { ...event, timestamp: new Date().toISOString() };
    for (const name of ['event', full.action] as const) {
      try {
        this.emit(name, full);
      } catch (err) {
        this.onListenerError?.(err);
      }
    }
  }
}
