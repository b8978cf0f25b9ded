import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { BoundedSender } from './bounded-sender.js';

let server: WebSocketServer | undefined;
afterEach(() => server?.close());

/** A real connection pair; the client can stop reading its socket. */
async function connect(): Promise<{ serverSide: WebSocket; client: WebSocket; received: unknown[]; pause(): void; resume(): void }> {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server!.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => server!.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once('open', resolve));
  const received: unknown[] = [];
  client.on('message', (d) => received.push(JSON.parse(d.toString())));
  const socket = (client as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  return { serverSide: await accepted, client, received, pause: () => socket.pause(), resume: () => socket.resume() };
}

const until = async (check: () => boolean, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
};

const LIMIT = 256 * 1024;
const gapMessage = (id: string, lost: number): string => JSON.stringify({ type: 'gap', id, lost });

it('drops data past the limit and sends the gap marker once the client reads again, without further data', async () => {
  const { serverSide, client, received, pause, resume } = await connect();
  const sender = new BoundedSender(serverSide, { limit: LIMIT, hardLimit: 64 * LIMIT, gapMessage });
  pause();
  const line = JSON.stringify({ type: 'log', id: 'a', line: 'x'.repeat(8 * 1024) });
  let sent = 0;
  while (serverSide.bufferedAmount <= LIMIT) {
    if (sender.data('a', () => line)) sent++;
    await new Promise((r) => setImmediate(r));
  }
  for (let i = 0; i < 7; i++) expect(sender.data('a', () => line)).toBe(false);
  sender.gap('a', 3); // lost upstream, counted into the same marker
  resume();
  // The subscription stays quiet: the marker still arrives, after what was buffered.
  await until(() => received.some((m) => (m as { type: string }).type === 'gap'));
  expect(received.at(-1)).toEqual({ type: 'gap', id: 'a', lost: 10 });
  expect(received.length).toBe(sent + 1);
  sender.close();
  client.close();
});

it('cuts off a client that stays behind longer than maxBehindMs, and one past the hard limit', async () => {
  const slow = await connect();
  const sender = new BoundedSender(slow.serverSide, { limit: LIMIT, hardLimit: 64 * LIMIT, maxBehindMs: 200, gapMessage });
  slow.pause();
  const line = 'y'.repeat(64 * 1024);
  while (slow.serverSide.bufferedAmount <= LIMIT) {
    sender.data('b', () => line);
    await new Promise((r) => setImmediate(r));
  }
  sender.data('b', () => line); // behind from now on
  const closed = new Promise((resolve) => slow.serverSide.once('close', resolve));
  await until(() => slow.serverSide.readyState !== slow.serverSide.OPEN, 5_000);
  await closed;
  sender.close();
  server?.close();

  const stuck = await connect();
  const strict = new BoundedSender(stuck.serverSide, { limit: LIMIT, hardLimit: 2 * LIMIT, gapMessage });
  stuck.pause();
  while (stuck.serverSide.bufferedAmount <= 2 * LIMIT) {
    stuck.serverSide.send(line); // filled past the hard limit
    await new Promise((r) => setImmediate(r));
  }
  strict.control('c', JSON.stringify({ type: 'end', id: 'c' }));
  await until(() => stuck.serverSide.readyState !== stuck.serverSide.OPEN, 5_000);
  expect(stuck.serverSide.readyState).not.toBe(stuck.serverSide.OPEN);
  strict.close();
});
