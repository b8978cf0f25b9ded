import fs from 'node:fs';
import type { StreamClientMessage, StreamServerMessage } from '@berth/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';
import { until } from '../support/poll.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

/** A real WebSocket client on berthd's unix socket, collecting every message it receives. */
class Client {
  readonly ws: WebSocket;
  readonly received: StreamServerMessage[] = [];
  private readonly opened: Promise<void>;

  constructor(path = '/berth/v1/stream') {
    this.ws = new WebSocket(`ws+unix://${d.socket}:${path}`);
    this.ws.on('message', (data) => this.received.push(JSON.parse(data.toString()) as StreamServerMessage));
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  async send(message: StreamClientMessage | string): Promise<void> {
    await this.opened;
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  of(id: string): StreamServerMessage[] {
    return this.received.filter((m) => 'id' in m && m.id === id);
  }

  /** Waits until a message of subscription `id` satisfies `ok` and returns the subscription's messages. */
  async waitFor(id: string | undefined, ok: (m: StreamServerMessage) => boolean, ms = 15_000): Promise<StreamServerMessage[]> {
    const pick = (): StreamServerMessage[] => (id === undefined ? this.received : this.of(id));
    const found = await until(async () => pick(), (ms_) => ms_.some(ok), ms);
    if (!found.some(ok)) throw new Error(`no matching message for ${id}: ${JSON.stringify(found.slice(-5))}`);
    return found;
  }

  close(): void {
    this.ws.terminate();
  }
}

const rssKb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

describe('native stream', () => {
  it('streams events with cursors, resumes from a cursor, and unsubscribes', async () => {
    const c = new Client('/v1.41/berth/v1/stream');
    await c.send({ type: 'subscribe', id: 'ev', stream: { kind: 'events', filters: { container: ['ns-ev'] } } });
    await c.waitFor('ev', (m) => m.type === 'subscribed');
    await docker(d, ['run', '--name', 'ns-ev', 'busybox', 'true']);
    await docker(d, ['rm', 'ns-ev']);
    const got = (await c.waitFor('ev', (m) => m.type === 'event' && m.event.Action === 'destroy')).filter((m) => m.type === 'event');
    expect(got.map((m) => m.event.Action)).toEqual(['create', 'attach', 'start', 'die', 'destroy']);
    const cursors = got.map((m) => m.cursor);
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));

    // Resuming after the `start` event replays what followed it.
    await c.send({ type: 'subscribe', id: 'resume', stream: { kind: 'events', since: cursors[2]!, filters: { container: ['ns-ev'] } } });
    const resumed = await c.waitFor('resume', (m) => m.type === 'event' && m.event.Action === 'destroy');
    expect(resumed.filter((m) => m.type === 'event').map((m) => m.type === 'event' && m.cursor)).toEqual(cursors.slice(3));

    await c.send({ type: 'unsubscribe', id: 'ev' });
    await c.waitFor('ev', (m) => m.type === 'unsubscribed');
    await docker(d, ['create', '--name', 'ns-ev', 'busybox', 'true']);
    await c.waitFor('resume', (m) => m.type === 'event' && m.event.Action === 'create');
    expect(c.of('ev').filter((m) => m.type === 'event')).toHaveLength(5);
    await docker(d, ['rm', 'ns-ev']);
    c.close();
  });

  it('streams logs with stdout and stderr apart, tail and timestamps, and follows until the container exits', async () => {
    await docker(d, ['run', '--name', 'ns-log', 'busybox', 'sh', '-c', 'echo one; echo two >&2; echo three']);
    const c = new Client();
    await c.send({ type: 'subscribe', id: 'all', stream: { kind: 'logs', container: 'ns-log' } });
    const all = await c.waitFor('all', (m) => m.type === 'end');
    const lines = (stream: string): string[] => all.flatMap((m) => (m.type === 'log' && m.stream === stream ? [m.line] : []));
    expect(lines('stdout')).toEqual(['one', 'three']);
    expect(lines('stderr')).toEqual(['two']);

    await c.send({ type: 'subscribe', id: 'tail', stream: { kind: 'logs', container: 'ns-log', tail: 1, timestamps: true, stdout: false } });
    const tail = (await c.waitFor('tail', (m) => m.type === 'end')).filter((m) => m.type === 'log');
    expect(tail).toHaveLength(1);
    expect(tail[0]).toMatchObject({ stream: 'stderr', line: 'two', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/) });

    c.close();
  });

  it('follows new log lines as they are written', async () => {
    await docker(d, ['run', '-d', '--name', 'ns-live', 'busybox', 'sh', '-c', 'echo start; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo after; exit 0']);
    const c = new Client();
    await c.send({ type: 'subscribe', id: 'f', stream: { kind: 'logs', container: 'ns-live', follow: true } });
    await c.waitFor('f', (m) => m.type === 'log' && m.line === 'start');
    await docker(d, ['exec', 'ns-live', 'touch', '/tmp/go']);
    const all = await c.waitFor('f', (m) => m.type === 'end');
    expect(all.filter((m) => m.type === 'log').map((m) => m.type === 'log' && m.line)).toEqual(['start', 'after']);
    c.close();
  });

  it('streams stats of several containers', async () => {
    const a = (await docker(d, ['run', '-d', '--name', 'ns-st1', 'busybox', 'sleep', '300'])).stdout.trim();
    const b = (await docker(d, ['run', '-d', '--name', 'ns-st2', 'busybox', 'sleep', '300'])).stdout.trim();
    const c = new Client();
    await c.send({ type: 'subscribe', id: 's', stream: { kind: 'stats', containers: ['ns-st1', b.slice(0, 12)] } });
    const got = await until(async () => c.of('s'), (ms) => new Set(ms.flatMap((m) => (m.type === 'stats' ? [m.container] : []))).size === 2, 10_000);
    const stats = got.filter((m) => m.type === 'stats');
    expect(new Set(stats.map((m) => m.type === 'stats' && m.container))).toEqual(new Set([a, b]));
    expect(stats[0]!.type === 'stats' && stats[0]!.stats.pids_stats).toBeTruthy();
    await c.send({ type: 'unsubscribe', id: 's' });
    await c.waitFor('s', (m) => m.type === 'unsubscribed');
    await docker(d, ['rm', '-f', 'ns-st1', 'ns-st2']);
    c.close();
  });

  it('reports bad subscriptions and malformed messages on the stream and keeps the connection', async () => {
    const c = new Client();
    await c.send({ type: 'subscribe', id: 'gone', stream: { kind: 'logs', container: 'no-such-container' } });
    const gone = await c.waitFor('gone', (m) => m.type === 'error');
    expect(gone).toEqual([{ type: 'error', id: 'gone', code: 'NOT_FOUND', message: expect.stringContaining('no-such-container') }]);

    await c.send('this is not json');
    await c.send(JSON.stringify({ type: 'subscribe' }));
    await c.send(JSON.stringify({ type: 'dance', id: 'x' }));
    await c.send(JSON.stringify({ type: 'subscribe', id: 'bad-filter', stream: { kind: 'events', filters: { colour: ['red'] } } }));
    await c.send(JSON.stringify({ type: 'subscribe', id: 'bad-cursor', stream: { kind: 'events', since: -3 } }));
    await c.send(JSON.stringify({ type: 'unsubscribe', id: 'never' }));
    await c.send({ type: 'subscribe', id: 'ok', stream: { kind: 'events' } });
    await c.send({ type: 'subscribe', id: 'ok', stream: { kind: 'events' } });
    await c.waitFor('ok', (m) => m.type === 'error');
    const errors = c.received.filter((m) => m.type === 'error');
    expect(errors.filter((m) => !('id' in m) || m.id === undefined).map((m) => m.type === 'error' && m.code)).toEqual(['INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT']);
    expect(c.of('bad-filter')).toEqual([expect.objectContaining({ type: 'error', code: 'INVALID_ARGUMENT', message: expect.stringContaining('colour') })]);
    expect(c.of('bad-cursor')).toEqual([expect.objectContaining({ type: 'error', code: 'INVALID_ARGUMENT' })]);
    expect(c.of('never')).toEqual([expect.objectContaining({ type: 'error', code: 'NOT_FOUND' })]);
    expect(c.of('ok').map((m) => m.type === 'error' ? m.code : m.type)).toEqual(['subscribed', 'ALREADY_EXISTS']);

    // Still serving: the open subscription gets events.
    await docker(d, ['create', '--name', 'ns-alive', 'busybox', 'true']);
    await c.waitFor('ok', (m) => m.type === 'event' && m.event.Actor.Attributes.name === 'ns-alive');
    await docker(d, ['rm', 'ns-alive']);
    c.close();
  });

  it('drops output for a client that stops reading, with gap markers, and keeps berthd\'s memory flat', async () => {
    const lines = 400_000;
    const pid = d.proc!.pid!;
    const reader = new Client();
    const bursts = [1, 2, 3, 4];
    for (const n of bursts) {
      await docker(d, ['run', '-d', '--name', `ns-flood${n}`, 'busybox', 'sh', '-c', `while [ ! -e /tmp/go ]; do sleep 0.05; done; yes 0123456789012345678901234567890123456789 | head -n ${lines}`]);
      await reader.send({ type: 'subscribe', id: `flood${n}`, stream: { kind: 'logs', container: `ns-flood${n}`, follow: true } });
      await reader.waitFor(`flood${n}`, (m) => m.type === 'subscribed');
    }
    // The client stops reading from its socket entirely.
    const socket = (reader.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const before = rssKb(pid);
    const peaks = bursts.map(() => before);
    for (const n of bursts) {
      await docker(d, ['exec', `ns-flood${n}`, 'touch', '/tmp/go']);
      await until(async () => {
        peaks[n - 1] = Math.max(peaks[n - 1]!, rssKb(pid));
        return (await docker(d, ['inspect', '-f', '{{.State.Running}}', `ns-flood${n}`])).stdout.trim();
      }, (s) => s === 'false', 60_000);
    }
    socket.resume();
    for (const n of bursts) {
      const got = await reader.waitFor(`flood${n}`, (m) => m.type === 'end', 60_000);
      const logs = got.filter((m) => m.type === 'log').length;
      const lost = got.reduce((sum, m) => sum + (m.type === 'gap' ? m.lost : 0), 0);
      expect(lost).toBeGreaterThan(0);
      // Log entries, not lines, are counted: conmon splits some lines into partial entries.
      expect(logs + lost).toBeGreaterThanOrEqual(lines);
      expect(logs).toBeLessThan(lines / 2);
    }
    // Each burst is ~30 MB of messages, so held in memory every burst would add that again. Dropped,
    // the heap settles once the garbage collector has sized itself (after a burst or two, sooner or
    // later with the machine's load) and stays flat: the last burst's peak stays within 30 MB of the
    // highest peak of the two before it, where a leak would put it a whole burst above.
    expect(peaks[3]! - Math.max(peaks[1]!, peaks[2]!), `RSS ${before} kB, peaks ${peaks.join(', ')} kB`).toBeLessThan(30_000);
    reader.close();
  }, 120_000);
});
