import type WebSocket from 'ws';
import { SdkError } from '../errors.js';
import { HTTP_STATUS } from '../errors.js';
import type {
  EventStreamMessage, EventsStreamRequest, GapMessage, LogStreamMessage, LogsStreamRequest, StatsStreamMessage,
  StatsStreamRequest, StreamRequest, StreamServerMessage,
} from '../protocol/stream.js';
import { STREAM_PATH } from '../protocol/stream.js';
import type { CallOptions } from './call-options.js';
import { connectionError, errorForStatus } from './engine-errors.js';
import type { EngineAddress, EngineTlsOptions } from './engine-host.js';

type DataMessage = EventStreamMessage | LogStreamMessage | StatsStreamMessage | GapMessage;

interface Subscription {
  queue: DataMessage[];
  done: boolean;
  error: unknown;
  wake: (() => void) | undefined;
}

/**
 * Berth's native stream: events, logs and stats as AsyncIterables multiplexed over one
 * WebSocket to berthd. The connection opens on the first subscription; `close()` ends it.
 * A `gap` message says how many messages of that subscription were dropped because the reader fell behind.
 */
export class NativeStream {
  private ws: WebSocket | undefined;
  private opened: Promise<WebSocket> | undefined;
  private readonly subs = new Map<string, Subscription>();
  private next = 0;

  constructor(
    private readonly address: EngineAddress,
    private readonly tls: EngineTlsOptions | undefined,
  ) {}

  /** Engine events: live ones, or replayed after `since` (a cursor from an earlier message) and then live. */
  events(request: Omit<EventsStreamRequest, 'kind'> = {}, opts: CallOptions = {}): AsyncIterable<EventStreamMessage | GapMessage> {
    return this.subscribe({ kind: 'events', ...request }, opts) as AsyncIterable<EventStreamMessage | GapMessage>;
  }

  /** A container's log lines, stdout and stderr kept apart; ends after the log unless `follow`. */
  logs(request: Omit<LogsStreamRequest, 'kind'>, opts: CallOptions = {}): AsyncIterable<LogStreamMessage | GapMessage> {
    return this.subscribe({ kind: 'logs', ...request }, opts) as AsyncIterable<LogStreamMessage | GapMessage>;
  }

  /** Stats samples of one or more containers, about one a second each. */
  stats(request: Omit<StatsStreamRequest, 'kind'>, opts: CallOptions = {}): AsyncIterable<StatsStreamMessage | GapMessage> {
    return this.subscribe({ kind: 'stats', ...request }, opts) as AsyncIterable<StatsStreamMessage | GapMessage>;
  }

  /** Closes the WebSocket; open subscriptions end. */
  close(): void {
    this.ws?.close();
    this.ws = undefined;
    this.opened = undefined;
  }

  private subscribe(stream: StreamRequest, opts: CallOptions): AsyncIterable<DataMessage> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        opts.signal?.throwIfAborted();
        const ws = await self.connect(opts.signal);
        const id = `s${++self.next}`;
        const sub: Subscription = { queue: [], done: false, error: undefined, wake: undefined };
        self.subs.set(id, sub);
        const wake = (): void => {
          sub.wake?.();
          sub.wake = undefined;
        };
        const onAbort = (): void => {
          sub.error = opts.signal!.reason;
          sub.done = true;
          wake();
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        ws.send(JSON.stringify({ type: 'subscribe', id, stream }));
        try {
          for (;;) {
            while (sub.queue.length > 0) yield sub.queue.shift()!;
            if (sub.done) break;
            await new Promise<void>((resolve) => (sub.wake = resolve));
          }
          if (sub.error !== undefined) throw sub.error;
        } finally {
          opts.signal?.removeEventListener('abort', onAbort);
          const open = self.subs.delete(id);
          if (open && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'unsubscribe', id }));
        }
      },
    };
  }

  private connect(signal: AbortSignal | undefined): Promise<WebSocket> {
    if (this.opened) return this.opened;
    // ws (and the tls, zlib and crypto modules it loads) is imported on the first subscription,
    // so a program that never opens the native stream does not load it at start-up.
    const opened: Promise<WebSocket> = import('ws').then(({ default: WebSocketClass }) => {
      if (this.opened !== opened) throw new SdkError('UNAVAILABLE', `the native stream to ${this.address.url} was closed while opening`);
      return this.open(WebSocketClass, signal);
    });
    opened.catch(() => {});
    this.opened = opened;
    return opened;
  }

  private open(WebSocketClass: typeof WebSocket, signal: AbortSignal | undefined): Promise<WebSocket> {
    const a = this.address;
    const url = a.kind === 'unix' ? `ws+unix://${a.socketPath}:${STREAM_PATH}` : `${a.tls ? 'wss' : 'ws'}://${a.host}:${a.port}${STREAM_PATH}`;
    const t = this.tls;
    const ws = new WebSocketClass(url, {
      perMessageDeflate: false,
      ...(t?.ca !== undefined ? { ca: t.ca } : {}),
      ...(t?.cert !== undefined ? { cert: t.cert } : {}),
      ...(t?.key !== undefined ? { key: t.key } : {}),
      ...(t?.rejectUnauthorized !== undefined ? { rejectUnauthorized: t.rejectUnauthorized } : {}),
    });
    this.ws = ws;
    ws.on('message', (data) => this.dispatch(JSON.parse(data.toString()) as StreamServerMessage));
    ws.on('close', () => this.endAll(new SdkError('UNAVAILABLE', `the native stream to ${a.url} closed`)));
    return new Promise<WebSocket>((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', (err) => {
        if (this.ws === ws) this.close();
        reject(connectionError(err, a.url, signal));
      });
    });
  }

  private dispatch(message: StreamServerMessage): void {
    if (!('id' in message) || message.id === undefined) return;
    const sub = this.subs.get(message.id);
    if (!sub) return;
    switch (message.type) {
      case 'event':
      case 'log':
      case 'stats':
      case 'gap':
        sub.queue.push(message);
        break;
      case 'end':
      case 'unsubscribed':
        sub.done = true;
        this.subs.delete(message.id);
        break;
      case 'error':
        sub.error = errorForStatus(HTTP_STATUS[message.code], message.message);
        sub.done = true;
        this.subs.delete(message.id);
        break;
      default:
        return;
    }
    sub.wake?.();
    sub.wake = undefined;
  }

  private endAll(error: unknown): void {
    for (const sub of this.subs.values()) {
      sub.done = true;
      sub.error ??= error;
      sub.wake?.();
      sub.wake = undefined;
    }
    this.subs.clear();
    this.ws = undefined;
    this.opened = undefined;
  }
}
