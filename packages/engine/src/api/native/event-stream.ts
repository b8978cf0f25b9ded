import type { EventMessage, EventsStreamRequest } from '@berth/sdk';
import type { StoredEvent } from '../../events/event-history.js';
import { compileEventFilter } from '../../events/event-filter.js';
import { EngineError } from '../../errors.js';
import type { NativeStreamDeps, StreamRun } from './stream-deps.js';
import { filtersOf } from './stream-request.js';

/** Each event is serialised once, however many subscribers send it. */
const serialised = new WeakMap<EventMessage, string>();

function eventText(id: string, e: StoredEvent): string {
  let json = serialised.get(e.message);
  if (json === undefined) serialised.set(e.message, (json = JSON.stringify(e.message)));
  return `{"type":"event","id":${JSON.stringify(id)},"cursor":${e.cursor},"event":${json}}`;
}

/** An events subscription: the history after `since` (a cursor), then live events, until unsubscribed. */
export function openEventStream(deps: NativeStreamDeps, id: string, request: EventsStreamRequest): StreamRun {
  const { since } = request;
  if (since !== undefined && (!Number.isSafeInteger(since) || since < 0)) {
    throw new EngineError('INVALID_ARGUMENT', `invalid since cursor ${JSON.stringify(since)}: give the cursor of an event received earlier (a whole number, 0 for the whole history)`);
  }
  const match = compileEventFilter(filtersOf(request.filters));
  const feed = deps.bus.subscribe({ match, ...(since !== undefined ? { afterCursor: since } : {}) });
  return async (sender, signal) => {
    signal.addEventListener('abort', () => feed.live.close(), { once: true });
    try {
      for await (const batch of feed.replay()) {
        if (signal.aborted) return;
        for (const e of batch) sender.data(id, () => eventText(id, e));
      }
      for await (const item of feed.live) {
        if (item.kind === 'gap') sender.gap(id, item.lost);
        else sender.data(id, () => eventText(id, item));
      }
    } finally {
      feed.live.close();
    }
  };
}
