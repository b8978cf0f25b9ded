import WebSocket from 'ws';
import type { WsClientMessage, WsServerMessage } from '../../src/events/ws-messages.js';

/** A logged-in browser, as far as the server can tell: the session cookie and the CSRF token. */
export class Browser {
  cookie = '';
  csrf = '';

  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown, opts: { csrf?: boolean } = {}): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && opts.csrf !== false) headers['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(60_000) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    const b = parsed as { csrfToken?: string } | undefined;
    if (b && typeof b === 'object' && typeof b.csrfToken === 'string') this.csrf = b.csrfToken;
    return { status: res.status, body: parsed };
  }

  socket(): WsClient {
    return new WsClient(this.base.replace(/^http/, 'ws') + '/api/ws', this.cookie);
  }
}

/** The browser's WebSocket, collecting what it receives. */
export class WsClient {
  readonly ws: WebSocket;
  readonly received: WsServerMessage[] = [];
  readonly opened: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(url: string, cookie: string) {
    this.ws = new WebSocket(url, { headers: cookie ? { cookie } : {} });
    this.ws.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as WsServerMessage);
      for (const w of this.waiters.splice(0)) w();
    });
    this.ws.on('close', () => { for (const w of this.waiters.splice(0)) w(); });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  async send(m: WsClientMessage | string): Promise<void> {
    await this.opened;
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  /** Waits (up to `ms`) for a received message that satisfies `ok`. */
  async waitFor(ok: (m: WsServerMessage) => boolean, ms = 15_000): Promise<WsServerMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.find(ok);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === WebSocket.CLOSED) throw new Error(`no such message within ${ms} ms; got ${JSON.stringify(this.received.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}
