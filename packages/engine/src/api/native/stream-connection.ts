import type { StreamRequest, StreamServerMessage, SubscribeMessage } from '@berth/sdk';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { EngineError, isEngineError } from '../../errors.js';
import { openEventStream } from './event-stream.js';
import { openLogStream } from './log-stream.js';
import { openStatsStream } from './stats-stream.js';
import type { NativeStreamDeps, StreamRun } from './stream-deps.js';
import { parseClientMessage } from './stream-request.js';
import { StreamSender } from './stream-sender.js';

/** Open subscriptions per connection, so one client cannot hold unbounded work. */
const MAX_SUBSCRIPTIONS = 256;

/** One WebSocket client: its subscriptions by id, each with its own abort and error reporting. */
export class StreamConnection {
  private readonly subscriptions = new Map<string, AbortController>();
  private readonly sender: StreamSender;

  constructor(
    ws: WebSocket,
    private readonly deps: NativeStreamDeps,
    private readonly logger: Logger,
  ) {
    this.sender = new StreamSender(ws);
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('error', () => {});
    ws.on('close', () => this.close());
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    try {
      if (isBinary) throw new EngineError('INVALID_ARGUMENT', 'binary messages are not understood: send JSON text');
      const message = parseClientMessage(data.toString());
      if (message.type === 'subscribe') this.subscribe(message);
      else this.unsubscribe(message.id);
    } catch (err) {
      this.sender.controlMessage(errorMessage(err));
    }
  }

  private subscribe(message: SubscribeMessage): void {
    const { id } = message;
    if (this.subscriptions.has(id)) {
      throw Object.assign(new EngineError('ALREADY_EXISTS', `subscription "${id}" is already open; unsubscribe it first or pick another id`), { streamId: id });
    }
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) {
      throw Object.assign(new EngineError('FAILED_PRECONDITION', `this connection already has ${MAX_SUBSCRIPTIONS} subscriptions; unsubscribe some first`), { streamId: id });
    }
    let run: StreamRun;
    try {
      run = this.open(id, message.stream);
    } catch (err) {
      throw Object.assign(err as Error, { streamId: id });
    }
    const abort = new AbortController();
    this.subscriptions.set(id, abort);
    this.sender.controlMessage({ type: 'subscribed', id });
    run(this.sender, abort.signal).then(
      () => {
        if (abort.signal.aborted) return;
        this.subscriptions.delete(id);
        this.sender.controlMessage({ type: 'end', id });
      },
      (err: unknown) => {
        if (!isEngineError(err)) this.logger.error({ err, id }, 'native stream subscription failed');
        this.subscriptions.delete(id);
        abort.abort();
        this.sender.controlMessage(errorMessage(Object.assign(err as Error, { streamId: id })));
      },
    );
  }

  private open(id: string, stream: StreamRequest): StreamRun {
    switch (stream.kind) {
      case 'events': return openEventStream(this.deps, id, stream);
      case 'logs': return openLogStream(this.deps, id, stream);
      case 'stats': return openStatsStream(this.deps, id, stream);
    }
  }

  private unsubscribe(id: string): void {
    const abort = this.subscriptions.get(id);
    if (!abort) throw Object.assign(new EngineError('NOT_FOUND', `no open subscription "${id}"`), { streamId: id });
    this.subscriptions.delete(id);
    abort.abort();
    this.sender.forget(id);
    this.sender.controlMessage({ type: 'unsubscribed', id });
  }

  private close(): void {
    for (const abort of this.subscriptions.values()) abort.abort();
    this.subscriptions.clear();
    this.sender.close();
  }
}

function errorMessage(err: unknown): StreamServerMessage {
  const streamId = (err as { streamId?: string } | undefined)?.streamId;
  const code = isEngineError(err) ? err.code : 'INTERNAL';
  const message = isEngineError(err) ? err.message : `internal error: ${(err as Error)?.message ?? String(err)}`;
  return { type: 'error', ...(streamId !== undefined ? { id: streamId } : {}), code, message };
}
