import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

/** A message of an upstream, before the gateway adds the browser's subscription id. */
export type Payload = { type: string; [k: string]: unknown };

export interface Listener {
  push(payload: Payload): void;
}

/** Opens the engine stream behind an upstream; it ends by returning or throwing. */
export type Opener = (signal: AbortSignal) => AsyncIterable<Payload>;

interface Upstream {
  listeners: Set<Listener>;
  abort: AbortController;
  /** The last `keep` messages, replayed to a listener that joins later (a log's tail). */
  recent: Payload[];
  keep: number;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Fan-out: one engine stream per key (e.g. "logs:2:web:100"), however many browser
 * subscriptions follow it. The stream opens with its first listener and closes with its last.
 * With `retry`, a stream that breaks (host gone) is reopened with backoff while anyone listens;
 * without, its end or error is passed on and the listeners are dropped.
 */
@Injectable()
export class StreamHub implements OnModuleDestroy {
  private readonly log = new Logger('stream-hub');
  private readonly upstreams = new Map<string, Upstream>();

  /** Number of open upstreams (what the engines see). */
  get size(): number {
    return this.upstreams.size;
  }

  subscribe(key: string, open: Opener, listener: Listener, retry: boolean, keep = 0): () => void {
    let up = this.upstreams.get(key);
    if (!up) {
      up = { listeners: new Set(), abort: new AbortController(), recent: [], keep };
      this.upstreams.set(key, up);
      void this.run(key, up, open, retry);
    } else {
      for (const p of up.recent) listener.push(p);
    }
    up.listeners.add(listener);
    const current = up;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0) this.close(key, current);
    };
  }

  /** Closes every upstream whose key starts with `prefix` (a removed host), ending its listeners. */
  closeAll(prefix: string, last?: Payload): void {
    for (const [key, up] of this.upstreams) {
      if (!key.startsWith(prefix)) continue;
      if (last) for (const l of up.listeners) l.push(last);
      this.close(key, up);
    }
  }

  onModuleDestroy(): void {
    for (const [key, up] of this.upstreams) this.close(key, up);
  }

  private close(key: string, up: Upstream): void {
    up.listeners.clear();
    up.abort.abort();
    if (this.upstreams.get(key) === up) this.upstreams.delete(key);
  }

  private async run(key: string, up: Upstream, open: Opener, retry: boolean): Promise<void> {
    const signal = up.abort.signal;
    let backoff = 500;
    while (!signal.aborted) {
      try {
        for await (const payload of open(signal)) {
          backoff = 500;
          if (up.keep > 0) {
            up.recent.push(payload);
            if (up.recent.length > up.keep) up.recent.shift();
          }
          for (const l of up.listeners) l.push(payload);
        }
        if (!retry) return this.finish(key, up, { type: 'end' });
      } catch (err) {
        if (signal.aborted) return;
        const e = err as { code?: string; message?: string };
        if (!retry) return this.finish(key, up, { type: 'error', code: e.code ?? 'UNAVAILABLE', message: e.message ?? String(err) });
        this.log.warn(`${key}: ${e.message ?? String(err)}; reopening`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, backoff);
        signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
      });
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  private finish(key: string, up: Upstream, last: Payload): void {
    for (const l of up.listeners) l.push(last);
    this.close(key, up);
  }
}
