import type { EngineEvent, EventSink } from '../events/event-sink.js';
import type { ImageEvent } from './image-ports.js';

/**
 * Image events as dockerd reports them: the image's labels plus `name`, which is the reference
 * for tag, pull and push and the image ID for the others (untag, delete, import, load, save).
 */
const NAMED = new Set(['tag', 'pull', 'push']);

export function imageEventPublisher(sink: EventSink, labelsOf: (id: string) => Record<string, string> | undefined): (event: ImageEvent) => void {
  return (event) => {
    const engineEvent: EngineEvent = {
      type: 'image',
      action: event.action,
      id: event.id,
      attributes: { ...(labelsOf(event.id) ?? {}), name: NAMED.has(event.action) ? event.name ?? event.id : event.id },
    };
    sink.publish(engineEvent);
  };
}
