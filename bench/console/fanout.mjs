#!/usr/bin/env node
// berth-console measurements (not a test: prints figures, never fails on time):
//  1. stop-to-browser: from `docker stop` on a host to the "die" event at a browser's WebSocket (p50/p90/p95);
//  2. fan-out: N browser WebSockets following the same container's log (~100 lines/s); how many connections
//     berthd sees (its socket's connections, before and after) and the console's RSS meanwhile.
//
//   node bench/console/fanout.mjs [--clients 100] [--runs 20] [--seconds 20]
// Needs packages/engine/dist/berthd.js (or --berthd PATH), apps/web/dist/berth-console.js, a
// busybox image importable by scripts/base-images.sh, root (runc).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startBerthd } from '../lib/berthd.mjs';
import { dockerCli } from '../lib/docker-cli.mjs';
import { summarize } from '../lib/stats.mjs';
import { startConsole } from './console-process.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const clients = Number(arg('clients', 100));
const runs = Number(arg('runs', 20));
const seconds = Number(arg('seconds', 20));
const berthdBin = path.resolve(arg('berthd', path.join(repo, 'packages/engine/dist/berthd.js')));
const { default: WebSocket } = await import(pathToFileURL(path.join(repo, 'apps/web/node_modules/ws/wrapper.mjs')).href);

const work = mkdtempSync(path.join(tmpdir(), 'bench-console-'));
const berthd = await startBerthd(work, berthdBin);
const docker = dockerCli('/usr/local/bin/docker', berthd.host);
execFileSync('bash', [path.join(repo, 'scripts/base-images.sh'), '--busybox-only'], { env: { ...process.env, DOCKER_HOST: berthd.host }, stdio: 'ignore' });

const { proc: consoleProc, url, cookie } = await startConsole(repo, path.join(work, 'console'), [berthd.host]);

const socket = () => new Promise((resolve, reject) => {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/api/ws', { headers: { cookie } });
  ws.once('open', () => resolve(ws));
  ws.once('error', reject);
});
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${consoleProc.pid}/status`, 'utf8'))[1]);
const berthdConnections = () => execFileSync('ss', ['-xH'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(berthd.socketPath)).length;

try {
  // 1. stop → browser
  const id = (await docker.run(['run', '-d', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.05; done'])).stdout.trim();
  const ws = await socket();
  let waiting;
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if (m.type === 'event' && m.event.Actor?.ID === id && waiting && m.event.Action === waiting.action) waiting.resolve(performance.now());
  });
  ws.send(JSON.stringify({ type: 'subscribe', id: 'ev', topic: { kind: 'events' } }));
  const next = (action) => new Promise((resolve) => (waiting = { action, resolve }));
  const latencies = [];
  for (let i = 0; i < runs; i++) {
    const died = next('die');
    const t0 = performance.now();
    await docker.run(['stop', id]);
    latencies.push((await died) - t0);
    const started = next('start');
    await docker.run(['start', id]);
    await started;
  }
  const s = summarize(latencies);
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`stop-to-browser over ${runs} runs: median ${s.median.toFixed(0)} ms, p90 ${s.p90.toFixed(0)} ms, p95 ${sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)].toFixed(0)} ms, max ${s.max.toFixed(0)} ms`);
  ws.close();

  // 2. fan-out
  const logger = (await docker.run(['run', '-d', 'busybox', 'sh', '-c', 'i=0; while true; do echo "line $i $(seq 1 20)"; i=$((i+1)); usleep 10000; done'])).stdout.trim();
  const before = berthdConnections();
  const rssBefore = rss();
  let lines = 0;
  const followers = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    const f = await socket();
    f.on('message', () => lines++);
    f.send(JSON.stringify({ type: 'subscribe', id: 'logs', topic: { kind: 'logs', hostId: 1, container: logger, tail: 10 } }));
    followers.push(f);
  }));
  const samples = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 1000));
    samples.push(rss());
  }
  const after = berthdConnections();
  console.log(`fan-out: ${clients} browsers following one log for ${seconds} s: ${lines} messages delivered; berthd socket connections ${before} → ${after}`);
  console.log(`console RSS: ${(rssBefore / 1024).toFixed(0)} MiB before, ${(Math.min(...samples) / 1024).toFixed(0)}–${(Math.max(...samples) / 1024).toFixed(0)} MiB while following (each second: ${samples.map((k) => (k / 1024).toFixed(0)).join(' ')} MiB)`);
  for (const f of followers) f.close();
} finally {
  consoleProc.kill('SIGTERM');
  const ids = (await docker.run(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await docker.run(['rm', '-f', ...ids]);
  await berthd.stop();
  rmSync(work, { recursive: true, force: true });
}
