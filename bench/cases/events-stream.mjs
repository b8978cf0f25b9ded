// Berth's native event stream under load (berthd only: dockerd has no such stream).
// 100 WebSocket clients subscribe to container events on /berth/v1/stream; execs are created
// in 4 running containers through the API at a steady ~1000 requests/s, each one an
// `exec_create` event that every subscriber receives (creating an exec only records it, so the
// rate measures the event path rather than the runtime). Delivery latency = receive time − the event's
// timeNano (same machine, same clock); berthd's RSS is sampled every second.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pool, sleep, summarize } from '../lib/stats.mjs';
import { removeAllContainers } from './cleanup.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// `ws` is the engine's own dependency; the bench itself stays dependency-free.
const WebSocket = createRequire(path.join(repoRoot, 'packages/engine/package.json'))('ws');

const SUBSCRIBERS = 100;
const RATE = 1000;
const SECONDS = 20;
const CONTAINERS = 4;

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const nowNano = () => (performance.timeOrigin + performance.now()) * 1e6;

function subscribe(socketPath, index, onEvent) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws+unix://${socketPath}:/berth/v1/stream`);
    const stats = { received: 0, gaps: 0, lost: 0 };
    ws.on('message', (data) => {
      const text = data.toString();
      // Events are most of the traffic: read their timeNano without parsing the whole message.
      const event = /^\{"type":"event".*"timeNano":(\d+)/.exec(text);
      if (event) {
        stats.received++;
        onEvent(nowNano() - Number(event[1]));
        return;
      }
      const m = JSON.parse(text);
      if (m.type === 'gap') {
        stats.gaps++;
        stats.lost += m.lost;
      } else if (m.type === 'subscribed') resolve({ ws, stats });
      else if (m.type === 'error') reject(new Error(`subscriber ${index}: ${m.message}`));
    });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', id: 'ev', stream: { kind: 'events', filters: { type: ['container'], event: ['exec_create'] } } })));
  });
}

function post(agent, socketPath, urlPath, body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) };
    const req = http.request({ agent, socketPath, path: urlPath, method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`${urlPath}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export const eventsStream = {
  id: 'events-ws',
  async measure({ daemons, cli, log }) {
    const d = daemons.find((x) => x.name === 'berthd');
    if (!d) return [];
    const ids = await pool(Array.from({ length: CONTAINERS }), 4, async () => (await cli(d).run(['run', '-d', 'busybox', 'sleep', '600'])).stdout.trim());
    log(`events-ws: ${SUBSCRIBERS} subscribers, ~${RATE} events/s for ${SECONDS} s`);
    const latencies = [];
    const subscribers = await pool(Array.from({ length: SUBSCRIBERS }), 10, (_, i) => subscribe(d.socketPath, i, (ns) => latencies.push(ns / 1e6)));
    const rss = [rssKiB(d.pid)];
    const sampler = setInterval(() => rss.push(rssKiB(d.pid)), 1000);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const t0 = performance.now();
    let sent = 0;
    let failed = 0;
    // Paced in 5 ms ticks: each tick sends what the schedule says should have gone by then
    // (at most 32 requests in flight; what the daemon cannot take shows as a lower rate).
    let inflight = 0;
    while (performance.now() - t0 < SECONDS * 1000) {
      const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
      for (; sent < due && inflight < 32; sent++) {
        const id = ids[sent % CONTAINERS];
        inflight++;
        post(agent, d.socketPath, `/containers/${id}/exec`, { Cmd: ['true'] }).catch(() => failed++).finally(() => inflight--);
      }
      await sleep(5);
    }
    while (inflight > 0) await sleep(5);
    const elapsed = (performance.now() - t0) / 1000;
    // Let the last events arrive (bounded wait), then stop.
    const expected = (sent - failed) * SUBSCRIBERS;
    const deadline = performance.now() + 10_000;
    while (latencies.length + subscribers.reduce((n, s) => n + s.stats.lost, 0) < expected && performance.now() < deadline) await sleep(50);
    clearInterval(sampler);
    rss.push(rssKiB(d.pid));
    for (const s of subscribers) s.ws.terminate();
    agent.destroy();
    await removeAllContainers(cli(d)).catch((err) => log(`berthd: cleanup failed: ${err.message}`));

    const lat = summarize(latencies);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? NaN;
    const lost = subscribers.reduce((n, s) => n + s.stats.lost, 0);
    const extra = {
      eventsPerSecond: (sent - failed) / elapsed, failedRequests: failed, delivered: latencies.length, expected, lost,
      latencyMs: { p50: lat.median, p90: lat.p90, p99, max: lat.max }, rssKiB: rss,
    };
    log(`events-ws: ${(extra.eventsPerSecond).toFixed(0)} events/s, ${latencies.length}/${expected} delivered, ${lost} lost; p50 ${lat.median?.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; RSS ${rss[0]} → ${Math.max(...rss)} (max) → ${rss.at(-1)} KiB`);
    return [
      { id: 'events-ws-p99', title: `events: p99 delivery, ${SUBSCRIBERS} WS subscribers, ${RATE}/s`, unit: 'ms', target: null, limit: 50,
        results: new Map([['berthd', { samples: [p99], parts: {}, extra }]]) },
      { id: 'events-ws-rss', title: 'events: berthd RSS growth over the run', unit: 'MiB', target: null,
        results: new Map([['berthd', { samples: [(rss.at(-1) - rss[0]) / 1024], parts: {}, extra: { rssKiB: rss } }]]) },
    ];
  },
};
