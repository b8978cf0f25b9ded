import { Store } from '../store/store';
import type { Topic, WsClientMessage, WsServerMessage } from '../api/types';

export type LiveHandler = (m: WsServerMessage) => void;
export type LiveStatus = 'connecting' | 'open' | 'closed';

/** Keystrokes and size changes for an exec session; close() ends it. */
export interface ExecHandle {
  input(data: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

interface Subscription { topic: () => Topic; handler: LiveHandler }

/**
 * The browser's one WebSocket to the console (`/api/ws`): subscriptions and exec sessions share
 * it, each under its own id. It reconnects by itself and subscribes again to what is still
 * followed; `topic` may be a function so a resubscription can ask for less history (logs: tail 0).
 */
export class LiveConnection {
  readonly status = new Store<LiveStatus>('connecting');
  private ws: WebSocket | null = null;
  private readonly subs = new Map<string, Subscription>();
  private readonly execs = new Map<string, LiveHandler>();
  private readonly pending: WsClientMessage[] = [];
  private seq = 0;
  private retries = 0;
  private stopped = false;

  constructor(private readonly url: string, private readonly onUnauthenticated: () => void) {
    this.open();
  }

  subscribe(topic: Topic | (() => Topic), handler: LiveHandler): () => void {
    const id = `s${++this.seq}`;
    const sub = { topic: typeof topic === 'function' ? topic : () => topic, handler };
    this.subs.set(id, sub);
    if (this.isOpen()) this.send({ type: 'subscribe', id, topic: sub.topic() });
    return () => {
      if (this.subs.delete(id) && this.isOpen()) this.send({ type: 'unsubscribe', id });
    };
  }

  exec(start: { hostId: number; container: string; cmd: string[]; cols?: number; rows?: number }, handler: LiveHandler): ExecHandle {
    const id = `x${++this.seq}`;
    this.execs.set(id, handler);
    this.sendOrQueue({ type: 'exec.start', id, ...start });
    return {
      input: (data) => this.execs.has(id) && this.sendOrQueue({ type: 'exec.input', id, data }),
      resize: (cols, rows) => this.execs.has(id) && this.sendOrQueue({ type: 'exec.resize', id, cols, rows }),
      close: () => {
        if (this.execs.delete(id)) this.sendOrQueue({ type: 'exec.close', id });
      },
    };
  }

  close(): void {
    this.stopped = true;
    this.ws?.close();
  }

  private open(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    this.status.set('connecting');
    ws.onopen = () => {
      this.retries = 0;
      this.status.set('open');
      for (const [id, sub] of this.subs) this.send({ type: 'subscribe', id, topic: sub.topic() });
      for (const m of this.pending.splice(0)) this.send(m);
    };
    ws.onmessage = (e) => this.dispatch(JSON.parse(String(e.data)) as WsServerMessage);
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.status.set('closed');
      for (const [id, h] of this.execs) h({ type: 'exec.exit', id, exitCode: null });
      this.execs.clear();
      if (this.stopped) return;
      if (e.code === 4401) return this.onUnauthenticated();
      const delay = Math.min(5_000, 250 * 2 ** this.retries++);
      setTimeout(() => !this.stopped && this.open(), delay);
    };
  }

  private dispatch(m: WsServerMessage): void {
    if (!('id' in m) || m.id === undefined) {
      if (m.type === 'error' && m.code === 'UNAUTHENTICATED') this.onUnauthenticated();
      return;
    }
    const exec = this.execs.get(m.id);
    if (exec) {
      if (m.type === 'exec.exit' || m.type === 'error') this.execs.delete(m.id);
      return exec(m);
    }
    const sub = this.subs.get(m.id);
    if (!sub) return;
    // The console closed this subscription: it is not resubscribed after a reconnect.
    if (m.type === 'end' || m.type === 'error') this.subs.delete(m.id);
    sub.handler(m);
  }

  private isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  private send(m: WsClientMessage): void {
    this.ws?.send(JSON.stringify(m));
  }

  private sendOrQueue(m: WsClientMessage): void {
    if (this.isOpen()) this.send(m);
    else this.pending.push(m);
  }
}
