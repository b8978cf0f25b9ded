import http, { type IncomingMessage } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryEvent } from '../src/api/events.js';
import { request } from './support/http.js';
import { writeOciLayout } from './support/oci-layout.js';
import { smallImage } from './support/oci.js';
import { pushImage, startTestRegistry, type TestRegistry } from './support/registry.js';
import { ensureSkopeo, skopeo } from './support/skopeo.js';

// GET /berth/v1/events: the registry's pushes, pulls and deletes as Server-Sent Events.

interface Frame {
  event: string;
  data: string;
}

/** A subscriber reading the stream with node:http, frame by frame. */
class Subscriber {
  readonly frames: Frame[] = [];
  readonly events: RegistryEvent[] = [];
  /** The sum of every gap's `lost`. */
  lost = 0;
  readonly comments: string[] = [];
  private text = '';
  private waiters: (() => void)[] = [];
  ended = false;

  constructor(readonly res: IncomingMessage) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.take(chunk));
    res.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<Subscriber | IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = http.get(`${url}/berth/v1/events`, { headers, agent: false }, (res) => {
        if (res.statusCode !== 200) return resolve(res);
        const sub = new Subscriber(res);
        resolve(sub);
      });
      req.on('error', reject);
    });
  }

  async until(check: () => boolean, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) throw new Error(`not seen within ${ms} ms; last frames: ${JSON.stringify(this.frames.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  close(): void {
    this.res.destroy();
  }

  private take(chunk: string): void {
    this.text += chunk;
    for (let end = this.text.indexOf('\n\n'); end >= 0; end = this.text.indexOf('\n\n')) {
      const block = this.text.slice(0, end);
      this.text = this.text.slice(end + 2);
      if (block.startsWith(':')) this.comments.push(block);
      else {
        const lines = block.split('\n');
        const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
        const frame = { event: field('event'), data: field('data') };
        this.frames.push(frame);
        if (frame.event === 'registry-event') this.events.push(JSON.parse(frame.data) as RegistryEvent);
        if (frame.event === 'gap') this.lost += (JSON.parse(frame.data) as { lost: number }).lost;
      }
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

async function subscribe(url: string, headers: Record<string, string> = {}): Promise<Subscriber> {
  const sub = await Subscriber.open(url, headers);
  if (!(sub instanceof Subscriber)) throw new Error(`subscribe answered ${sub.statusCode}`);
  await sub.until(() => sub.comments.includes(': subscribed'));
  return sub;
}

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

describe('event stream without auth', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => registry?.destroy());

  it('streams pushes, a pull and a tag delete as they happen, to every subscriber', async () => {
    const first = await subscribe(registry.url);
    const second = await Subscriber.open(registry.url);
    expect(second).toBeInstanceOf(Subscriber);
    const sub2 = second as Subscriber;
    expect(sub2.res.headers['content-type']).toMatch(/^text\/event-stream/);
    await sub2.until(() => sub2.comments.includes(': subscribed'));

    const image = smallImage();
    await pushImage(registry.url, 'events/app', 'v1', image);
    expect((await request(`${registry.url}/v2/events/app/manifests/v1`)).status).toBe(200);
    // The pull is published once the manifest is sent (it may trail the response a little).
    await first.until(() => first.events.some((e) => e.action === 'pull'));
    expect((await request(`${registry.url}/v2/events/app/manifests/v1`, { method: 'DELETE' })).status).toBe(202);

    for (const sub of [first, sub2]) {
      await sub.until(() => sub.events.some((e) => e.action === 'delete'));
      expect(sub.events.map((e) => `${e.action} ${e.digest}${e.tag ? ` ${e.tag}` : ''}`)).toEqual([
        `push ${image.config.digest}`,
        `push ${image.layer.digest}`,
        `push ${image.manifest.digest} v1`,
        `pull ${image.manifest.digest} v1`,
        `delete ${image.manifest.digest} v1`,
      ]);
      const push = sub.events[2]!;
      expect(push).toMatchObject({ repository: 'events/app', mediaType: image.manifest.mediaType, size: image.manifest.size, user: null });
      expect(Date.parse(push.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    }
    first.close();
    sub2.close();
    // A subscriber that left is no longer a listener.
    const deadline = Date.now() + 5_000;
    while (registry.events.listenerCount('event') > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(registry.events.listenerCount('event')).toBe(0);
  });

  it('sees what skopeo pushes', async () => {
    ensureSkopeo();
    const work = await mkdtemp(path.join(os.tmpdir(), 'berth-events-skopeo-'));
    try {
      const authFile = path.join(work, 'auth.json');
      await writeFile(authFile, '{"auths":{}}');
      const image = await writeOciLayout(path.join(work, 'layout'), 'v1');
      const sub = await subscribe(registry.url);
      const ref = `docker://${new URL(registry.url).host}/skopeo/hello:v1`;
      const copy = await skopeo(['copy', '--dest-tls-verify=false', `oci:${path.join(work, 'layout')}:v1`, ref], { authFile });
      expect(copy.code).toBe(0);
      await sub.until(() => sub.events.some((e) => e.tag === 'v1'));
      const pushes = sub.events.filter((e) => e.action === 'push').map((e) => e.digest);
      expect(pushes).toEqual(expect.arrayContaining([image.layer.digest, image.config.digest, image.manifest.digest]));
      sub.close();
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 180_000);

  it('drops events for a subscriber that does not read, says how many with a gap, then carries on', async () => {
    const sub = await subscribe(registry.url);
    sub.res.pause();
    const published = 60_000;
    const template = { action: 'push' as const, repository: 'flood/app', mediaType: 'application/octet-stream', size: 1, user: null };
    for (let i = 0; i < published; i++) {
      registry.events.publish({ ...template, digest: `sha256:${i.toString(16).padStart(64, '0')}` });
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    sub.res.resume();
    const flood = () => sub.events.length;
    const lost = () => sub.lost;
    // Every event is either delivered or counted in a gap, once the subscriber has caught up.
    await sub.until(() => flood() + lost() === published, 60_000);
    expect(lost()).toBeGreaterThan(0);
    expect(flood()).toBeGreaterThan(0);
    // Caught up, it gets new events again.
    registry.events.publish({ ...template, repository: 'flood/last', digest: `sha256:${'f'.repeat(64)}` });
    await sub.until(() => sub.events.some((e) => e.repository === 'flood/last'));
    expect(sub.events.length - 1 + sub.lost).toBe(published);
    // What arrives, arrives in the order it happened, starting with the first.
    const order = sub.events.slice(0, -1).map((e) => parseInt(e.digest.slice(7), 16));
    expect(order[0]).toBe(0);
    expect(order.every((n, i) => i === 0 || n > order[i - 1]!)).toBe(true);
    sub.close();
  }, 120_000);

  it('answers other methods with 405', async () => {
    const r = await request(`${registry.url}/berth/v1/events`, { method: 'POST' });
    expect(r.status).toBe(405);
    expect(r.code()).toBe('UNSUPPORTED');
    expect(r.header('allow')).toBe('GET');
  });
});

describe('event stream with htpasswd', () => {
  let registry: TestRegistry;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'berth-events-auth-'));
    const hash = (p: string) => bcrypt.hashSync(p, 5);
    await writeFile(path.join(dir, 'htpasswd'), `alice:${hash('wonderland')}\nbob:${hash('builder')}\n`);
    await writeFile(path.join(dir, 'permissions.json'), JSON.stringify({
      users: {
        alice: [{ repository: '*', actions: ['*'] }, { catalog: true }],
        bob: [{ repository: '*', actions: ['*'] }],
      },
    }));
    registry = await startTestRegistry({
      configure: (c) => {
        c.auth = { mode: 'htpasswd', htpasswdFile: path.join(dir, 'htpasswd'), permissionsFile: path.join(dir, 'permissions.json') };
      },
    });
  });
  afterAll(async () => {
    await registry?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses anonymous subscribers (401) and users without the catalog (403), and streams to one with it', async () => {
    const anonymous = await Subscriber.open(registry.url);
    expect(anonymous).not.toBeInstanceOf(Subscriber);
    expect((anonymous as IncomingMessage).statusCode).toBe(401);
    expect((anonymous as IncomingMessage).headers['www-authenticate']).toMatch(/^Basic /);
    (anonymous as IncomingMessage).resume();

    const wrong = await Subscriber.open(registry.url, basic('alice', 'nope'));
    expect((wrong as IncomingMessage).statusCode).toBe(401);
    (wrong as IncomingMessage).resume();

    const bob = await request(`${registry.url}/berth/v1/events`, { auth: { user: 'bob', password: 'builder' } });
    expect(bob.status).toBe(403);
    expect(bob.code()).toBe('DENIED');

    const alice = await subscribe(registry.url, basic('alice', 'wonderland'));
    await pushImage(registry.url, 'bob/app', 'v1', smallImage(), basic('bob', 'builder'));
    await alice.until(() => alice.events.some((e) => e.tag === 'v1'));
    expect(alice.events.at(-1)).toMatchObject({ action: 'push', repository: 'bob/app', user: 'bob' });
    alice.close();
  });
});
