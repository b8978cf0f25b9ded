import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { WsServerMessage } from './ws-messages.js';
import { HIGH_WATER_BYTES, WsPeer } from './ws-peer.js';

let server: WebSocketServer | undefined;
afterEach(() => server?.close());

it('drops data for a browser that stops reading, keeps its buffer bounded, and marks the gap', async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server!.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => server!.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once('open', resolve));
  const peer = new WsPeer(await accepted, { id: 1, username: 'u', role: 'viewer', sessionId: 's', csrf: 'c' });
  const received: WsServerMessage[] = [];
  client.on('message', (d) => received.push(JSON.parse(d.toString())));

  // The browser stops reading: the server's send buffer fills, then messages are dropped.
  (client as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
  const line = 'x'.repeat(16 * 1024);
  let sent = 0;
  const deadline = Date.now() + 20_000;
  while (peer.ws.bufferedAmount <= HIGH_WATER_BYTES && Date.now() < deadline) {
    peer.data('logs', { type: 'log', id: 'logs', hostId: 1, stream: 'stdout', line });
    sent++;
    await new Promise((r) => setImmediate(r));
  }
  for (let i = 0; i < 100; i++) peer.data('logs', { type: 'log', id: 'logs', hostId: 1, stream: 'stdout', line });
  expect(peer.ws.bufferedAmount).toBeLessThan(HIGH_WATER_BYTES + 2 * line.length);

  // It reads again: what was buffered arrives, then the gap marker with the count, then new data.
  (client as unknown as { _socket: { resume(): void } })._socket.resume();
  const drained = Date.now() + 20_000;
  while (peer.ws.bufferedAmount > 0 && Date.now() < drained) await new Promise((r) => setTimeout(r, 10));
  peer.data('logs', { type: 'log', id: 'logs', hostId: 1, stream: 'stdout', line: 'after' });
  const end = Date.now() + 20_000;
  while (!received.some((m) => m.type === 'log' && m.line === 'after') && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  const gap = received.find((m) => m.type === 'gap');
  expect(gap).toEqual({ type: 'gap', id: 'logs', lost: 100 });
  expect(received.filter((m) => m.type === 'log').length).toBe(sent + 1);
  expect(received.at(-1)).toMatchObject({ type: 'log', line: 'after' });
  client.close();
});
