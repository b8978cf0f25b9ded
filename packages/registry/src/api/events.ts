import { EventEmitter } from 'node:events';
import type { RegistryEvent } from '@berth/sdk';

// One definition of the event shape, shared with the SDK's clients and the console.
export type { RegistryAction, RegistryEvent } from '@berth/sdk';

interface RegistryEventMap {
  event: [RegistryEvent];
  push: [RegistryEvent];
  pull: [RegistryEvent];
  delete: [RegistryEvent];
}

/**
 * The registry's in-process event stream (served to subscribers on `GET /berth/v1/events` by
 * events-route.ts; tests listen directly). Every event is emitted twice: on `event` and on its
 * action name. Listeners run synchronously; a listener that throws is logged by the emitter's
 * owner and never fails the request.
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
