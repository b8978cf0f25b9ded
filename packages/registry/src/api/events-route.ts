import type { IncomingMessage, ServerResponse } from 'node:http';
import { REGISTRY_EVENTS_KEEPALIVE_SECONDS, REGISTRY_EVENTS_PATH, type RegistryEvent } from '@berth/sdk';
import type { Logger } from 'pino';
import { CATALOG_ACCESS } from '../auth/access.js';
import type { Authenticator } from '../auth/authenticator.js';
import { logAccess } from './access-log.js';
import { ApiError, sendApiError, sendErrors } from './errors.js';
import { EventSubscriber, type SubscriberLimits } from './events-subscriber.js';
import type { RegistryEvents } from './events.js';

export interface EventsRouteOptions {
  events: RegistryEvents;
  auth: Authenticator;
  logger: Logger;
  limits?: Partial<SubscriberLimits>;
}

const DEFAULT_LIMITS: SubscriberLimits = { keepAliveMs: REGISTRY_EVENTS_KEEPALIVE_SECONDS * 1000, stallMs: 30_000 };

/** Whether a request is for the event stream (and not the distribution API). */
export function isEventsRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const end = url.indexOf('?');
  return (end < 0 ? url : url.slice(0, end)) === REGISTRY_EVENTS_PATH;
}

/**
 * `GET /berth/v1/events`: every push, pull and delete as Server-Sent Events. Subscribing
 * needs what listing the catalog needs (`registry:catalog:*`): a subscriber sees every
 * repository's events. Slow subscribers lose events (a `gap` event counts them), never memory.
 */
export function eventsRoute(options: EventsRouteOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  return (req, res) => {
    const started = process.hrtime.bigint();
    let closed = false;
    const fields: Record<string, unknown> = {};
    const onClose: (() => void)[] = [];
    res.once('close', () => {
      closed = true;
      for (const f of onClose) f();
      logAccess(options.logger, req, res, started, fields);
    });
    void subscribe(options, limits, req, res, fields, onClose, () => closed).catch((err: unknown) => {
      options.logger.error({ err }, 'event stream request failed');
      res.destroy();
    });
  };
}

async function subscribe(
  options: EventsRouteOptions,
  limits: SubscriberLimits,
  req: IncomingMessage,
  res: ServerResponse,
  fields: Record<string, unknown>,
  onClose: (() => void)[],
  isClosed: () => boolean,
): Promise<void> {
  if (req.method !== 'GET') {
    const err = new ApiError('UNSUPPORTED', `${req.method} is not supported on ${REGISTRY_EVENTS_PATH}`, { headers: { Allow: 'GET' } });
    fields.error = err.code;
    return sendApiError(res, err, req.method === 'HEAD');
  }
  const result = await options.auth.authorize(req, [{ ...CATALOG_ACCESS, actions: ['*'] }]);
  if ('challenge' in result) {
    fields.error = result.challenge.errors[0]?.code;
    return sendErrors(res, result.challenge.status, result.challenge.errors, result.challenge.headers);
  }
  fields.user = result.user ?? undefined;
  // The subscriber may have left while its credentials were checked.
  if (isClosed()) return;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-store',
    'X-Accel-Buffering': 'no',
    'Docker-Distribution-API-Version': 'registry/2.0',
  });
  res.socket?.setNoDelay(true);
  res.write(': subscribed\n\n');
  const subscriber = new EventSubscriber(res, limits);
  const onEvent = (event: RegistryEvent): void => subscriber.push(event);
  options.events.on('event', onEvent);
  onClose.push(() => {
    options.events.off('event', onEvent);
    subscriber.stop();
    fields.events = subscriber.counts.sent;
    if (subscriber.counts.lost > 0) fields.lost = subscriber.counts.lost;
  });
}
