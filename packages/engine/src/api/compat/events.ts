import type { EventBus } from '../../events/event-bus.js';
import { compileEventFilter } from '../../events/event-filter.js';
import { parseEventTime } from '../../events/event-time.js';
import { EngineError } from '../../errors.js';
import type { Router } from '../router.js';

/**
 * `GET /events`: with `since`, the stored events from then on, then live ones; with `until`
 * in the past, only stored events up to then and the stream ends; with `until` ahead, live
 * events until that time. A subscriber that falls behind loses events (the Docker stream has
 * no gap marker) rather than holding up the bus.
 */
export function eventRoutes(router: Router, bus: EventBus): void {
  router.on('GET', '/events', async ({ req, res, query }) => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const sinceValue = query.string('since');
    const untilValue = query.string('until');
    const since = sinceValue ? parseEventTime(sinceValue, now, 'since') : undefined;
    const until = untilValue ? parseEventTime(untilValue, now, 'until') : undefined;
    if (since !== undefined && until !== undefined && until < since) {
      throw new EngineError('INVALID_ARGUMENT', `\`since\` time (${sinceValue}) cannot be after \`until\` time (${untilValue})`);
    }
    const filter = compileEventFilter(query.filters());
    const untilNano = until === undefined ? Infinity : Number(until);
    const onlyPast = until !== undefined && until <= now;

    const feed = bus.subscribe({
      match: (m) => filter(m) && m.timeNano <= untilNano,
      ...(since !== undefined ? { sinceNano: Number(since) } : {}),
    });
    const abort = new AbortController();
    const close = (): void => {
      abort.abort();
      feed.live.close();
    };
    req.on('close', close);
    res.on('close', close);
    let timer: NodeJS.Timeout | undefined;
    if (until !== undefined && !onlyPast) timer = setTimeout(close, Number((until - now) / 1_000_000n) + 1);

    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const send = async (text: string): Promise<void> => {
      if (res.write(text)) return;
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        abort.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    };
    try {
      for await (const batch of feed.replay()) {
        if (abort.signal.aborted) break;
        await send(batch.map((e) => JSON.stringify(e.message) + '\r\n').join(''));
      }
      if (!onlyPast) {
        for (let items = await feed.live.take(); items && !abort.signal.aborted; items = await feed.live.take()) {
          const text = items.map((item) => (item.kind === 'event' ? JSON.stringify(item.message) + '\r\n' : '')).join('');
          if (text) await send(text);
        }
      }
    } finally {
      if (timer) clearTimeout(timer);
      feed.live.close();
      if (!res.writableEnded) res.end();
    }
  });
}
