import { Injectable } from '@nestjs/common';
import type { Listener, Payload } from './stream-hub.js';

/** Progress of operations the console runs (image pulls), to the browsers that follow their operationId. */
@Injectable()
export class ProgressBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  follow(operationId: string, listener: Listener): () => void {
    let set = this.listeners.get(operationId);
    if (!set) this.listeners.set(operationId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(operationId);
    };
  }

  publish(operationId: string, payload: Payload): void {
    for (const l of this.listeners.get(operationId) ?? []) l.push(payload);
  }
}
