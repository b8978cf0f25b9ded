#!/usr/bin/env node
// berth-console's browser UI, measured in headless Chromium (not a test: prints figures, never fails on time):
//  1. stop-to-screen: from POST /containers/{id}/stop on a berthd's socket (what `docker stop` sends) to the
//     container's row showing "exited" in the console's container list, painted (p50/p95 over --runs stops);
//  2. 500 containers across 3 hosts (created, never started): time for the merged list to render after
//     navigating to it (and a cold page load), and frame times while scrolling through the whole list;
//  3. a log of --log-lines lines (120,000, about 10,000 a second) followed on the container page: frame times while it streams in,
//     lines kept (at most 100,000), DOM lines, frame times jumping through it, time for a search.
//
//   node bench/console/ui.mjs [--runs 20] [--containers 500] [--hosts 3] [--log-lines 120000] [--parts stop,list,logs] [--berthd PATH]
// Needs packages/engine/dist/berthd.js (or --berthd PATH), apps/web/dist/berth-console.js and apps/web/ui-dist
// (`pnpm exec turbo run build`), Debian's chromium at /usr/bin/chromium, root (runc).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startBerthd } from '../lib/berthd.mjs';
import { summarize } from '../lib/stats.mjs';
import { startConsole } from './console-process.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const runs = Number(arg('runs', 20));
const total = Number(arg('containers', 500));
const hostCount = Number(arg('hosts', 3));
const logLines = Number(arg('log-lines', 120_000));
const parts = new Set(arg('parts', 'stop,list,logs').split(','));
const berthdBin = path.resolve(arg('berthd', path.join(repo, 'packages/engine/dist/berthd.js')));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
for (const need of [CHROMIUM, path.join(repo, 'apps/web/dist/berth-console.js'), path.join(repo, 'apps/web/ui-dist/index.html')]) {
  if (!existsSync(need)) throw new Error(`${need} is missing: build with \`pnpm exec turbo run build\` (and apt-get install -y chromium)`);
}
const { chromium } = await import(pathToFileURL(path.join(repo, 'apps/web/node_modules/playwright-core/index.mjs')).href);

const now = () => performance.timeOrigin + performance.now();
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]; };
const frameSummary = (xs) => { const f = summarize(xs); return `median ${f.median.toFixed(1)} ms, p95 ${p95(xs).toFixed(1)} ms, max ${f.max.toFixed(1)} ms, frames over 50 ms: ${xs.filter((x) => x > 50).length}`; };
const fmt = (s, xs) => `median ${s.median.toFixed(0)} ms, p95 ${p95(xs).toFixed(0)} ms, min ${s.min.toFixed(0)} ms, max ${s.max.toFixed(0)} ms`;

/** One Engine API call on a berthd's unix socket; resolves with the parsed body. */
function engine(socketPath, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ socketPath, path: urlPath, method, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => (res.statusCode >= 300 ? reject(new Error(`${method} ${urlPath}: ${res.statusCode} ${text}`)) : resolve(text ? JSON.parse(text) : undefined)));
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${urlPath}: no answer within 60 s`)));
    req.end(data);
  });
}

/** Runs `fn` over `items`, `width` at a time. */
async function pool(items, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < items.length) await fn(items[next++]); }));
}

const work = mkdtempSync(path.join(tmpdir(), 'bench-console-ui-'));
const daemons = [];
let consoleProc;
let browser;
try {
  for (let i = 0; i < hostCount; i++) {
    const dir = path.join(work, `host${i}`);
    mkdirSync(dir);
    daemons.push(await startBerthd(dir, berthdBin));
  }
  await Promise.all(daemons.map((d) => new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(repo, 'scripts/base-images.sh'), '--busybox-only'], { env: { ...process.env, DOCKER_HOST: d.host }, stdio: 'ignore' });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`base-images.sh failed on ${d.host}`))));
  })));

  const started = await startConsole(repo, path.join(work, 'console'), daemons.map((d) => d.host));
  consoleProc = started.proc;
  const { url } = started;
  const session = started.cookie.slice('berth_session='.length);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  await context.addCookies([{ name: 'berth_session', value: session, url }]);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.addInitScript(() => {
    // Resolves with the wall-clock time of the first painted frame on which the container's row shows `state`.
    window.benchWaitState = (id, state) => new Promise((resolve, reject) => {
      const shown = () => document.querySelector(`.vtable-row[data-key$=":${id}"] [data-state="${state}"]`);
      const timer = setTimeout(() => reject(new Error(`the row of ${id} did not show "${state}" within 20 s`)), 20_000);
      const done = () => { clearTimeout(timer); requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now())); };
      if (shown()) return done();
      const mo = new MutationObserver(() => { if (shown()) { mo.disconnect(); done(); } });
      mo.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    });
  });

  const first = daemons[0];
  if (parts.has('stop')) {
    // 1. stop → on screen
    const { Id: id } = await engine(first.socketPath, 'POST', '/containers/create?name=bench-ui-stop', { Image: 'busybox', Cmd: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.05; done'] });
    await engine(first.socketPath, 'POST', `/containers/${id}/start`);
    await page.goto(`${url}/#/containers`);
    await page.locator(`.vtable-row[data-key$=":${id}"] [data-state="running"]`).waitFor();
    const stopToScreen = [];
    const startToScreen = [];
    for (let i = 0; i < runs + 2; i++) {
      const shown = page.evaluate((cid) => window.benchWaitState(cid, 'exited'), id);
      shown.catch(() => {}); // awaited below; a failure there is reported there
      const t0 = now();
      await engine(first.socketPath, 'POST', `/containers/${id}/stop?t=5`);
      const stopped = now() - t0;
      const t1 = await shown;
      const running = page.evaluate((cid) => window.benchWaitState(cid, 'running'), id);
      running.catch(() => {});
      const t2 = now();
      await engine(first.socketPath, 'POST', `/containers/${id}/start`);
      const t3 = await running;
      // Let the shell install its TERM trap before the next stop (PID 1 ignores TERM until then).
      await new Promise((r) => setTimeout(r, 200));
      if (i >= 2) { // two warm-up rounds
        stopToScreen.push({ total: t1 - t0, engine: stopped });
        startToScreen.push(t3 - t2);
      }
    }
    const stopTotals = stopToScreen.map((s) => s.total);
    console.log(`stop-to-screen over ${runs} stops: ${fmt(summarize(stopTotals), stopTotals)} (target p95 < 200 ms)`);
    const engineStops = summarize(stopToScreen.map((s) => s.engine));
    const overhead = stopToScreen.map((s) => s.total - s.engine);
    console.log(`  of which the engine's stop call itself: median ${engineStops.median.toFixed(0)} ms, max ${engineStops.max.toFixed(0)} ms; after it returned: ${fmt(summarize(overhead), overhead)}`);
    console.log(`start-to-screen over ${runs} starts: ${fmt(summarize(startToScreen), startToScreen)}`);

  }

  if (parts.has('list')) {
    // 2. many containers across hosts
    const names = Array.from({ length: total }, (_, i) => ({ d: daemons[i % daemons.length], name: `bench-ui-${i}` }));
    const tc = now();
    await pool(names, 8, ({ d, name }) => engine(d.socketPath, 'POST', `/containers/create?name=${name}`, { Image: 'busybox', Cmd: ['true'] }));
    console.log(`created ${total} containers over ${daemons.length} hosts in ${((now() - tc) / 1000).toFixed(1)} s`);
    const expected = total + (parts.has('stop') ? 1 : 0);
    await page.goto(`${url}/#/images`);
    const listed = () => page.waitForFunction((n) => Number(document.querySelector('.vtable')?.getAttribute('data-rows')) === n && document.querySelectorAll('.vtable-row').length > 0, expected, { polling: 'raf' });

    const navigate = [];
    for (let i = 0; i < 6; i++) {
      await page.evaluate(() => { location.hash = '#/images'; });
      await page.getByRole('heading', { name: 'Images' }).waitFor();
      const ms = await page.evaluate((n) => new Promise((resolve) => {
        const t0 = performance.now();
        location.hash = '#/containers';
        const check = () => (Number(document.querySelector('.vtable')?.getAttribute('data-rows')) === n && document.querySelector('.vtable-row')
          ? requestAnimationFrame(() => resolve(performance.now() - t0)) : requestAnimationFrame(check));
        requestAnimationFrame(check);
      }), expected);
      if (i > 0) navigate.push(ms);
    }
    console.log(`merged list of ${expected} containers (${daemons.length} hosts), navigate → rendered: ${fmt(summarize(navigate), navigate)} (target < 1000 ms)`);

    const cold = [];
    for (let i = 0; i < 3; i++) {
      await page.goto('about:blank');
      const t0 = now();
      await page.goto(`${url}/#/containers`);
      await listed();
      cold.push(now() - t0);
    }
    console.log(`cold page load → list of ${expected} rendered: ${fmt(summarize(cold), cold)}`);
    const domRows = await page.locator('.vtable-row').count();
    console.log(`rows in the DOM for ${expected} containers: ${domRows}`);

    const frames = await page.evaluate(() => new Promise((resolve) => {
      const el = document.querySelector('.vtable-viewport');
      const times = [];
      let last = performance.now();
      const step = () => {
        const t = performance.now();
        times.push(t - last);
        last = t;
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return resolve(times);
        el.scrollTop += 120;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }));
    console.log(`scrolling the whole list (120 px a frame, ${frames.length} frames): frame time ${frameSummary(frames.slice(1))}`);

  }

  if (parts.has('logs')) {
    // 3. a big log, followed
    // Paced at about 10,000 lines a second (1,000 lines, then 0.1 s): faster bursts make the console drop lines (gap markers).
    const script = `sleep 3; i=0; while [ $i -lt ${logLines} ]; do echo "line $i: GET /api/items?page=$i 200 $((i % 97)) ms"; i=$((i+1)); [ $((i % 1000)) -eq 0 ] && usleep 100000; done; sleep 600`;
    const { Id: logger } = await engine(first.socketPath, 'POST', '/containers/create?name=bench-ui-log', { Image: 'busybox', Cmd: ['sh', '-c', script] });
    const hosts = await (await fetch(`${url}/api/hosts`, { headers: { cookie: started.cookie } })).json();
  const hostId = hosts.find((h) => h.url === first.host).id;
    await engine(first.socketPath, 'POST', `/containers/${logger}/start`);
    await page.goto(`${url}/#/containers/${hostId}/${logger}`);
    await page.getByRole('tab', { name: 'Logs' }).click();
    const ingest = await page.evaluate((want) => new Promise((resolve) => {
      const el = () => document.querySelector('.log-viewport');
      const lines = () => Number(el()?.getAttribute('data-lines') ?? 0);
      const times = [];
      let busy = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) busy += e.duration; }).observe({ type: 'longtask' });
      let last = performance.now();
      let t0 = 0;
      const start = performance.now();
      let quiet = 0;
      let seen = 0;
      const step = () => {
        const t = performance.now();
        const n = lines();
        if (n > 0 && !t0) t0 = t;
        if (t0) times.push(t - last);
        last = t;
        quiet = n === seen ? quiet + (times.at(-1) ?? 0) : 0;
        seen = n;
        // Done when the buffer is full and the stream is quiet for 2 s (or after 90 s).
        if ((n >= want && quiet > 2000) || (t0 && t - t0 > 90_000) || (!t0 && times.length === 0 && t - start > 30_000)) return resolve({ times, busy, ms: t - t0 - quiet, lines: n, gaps: document.querySelectorAll('.log-gap').length, dom: document.querySelectorAll('.log-line').length, note: document.querySelector('.logs .toolbar .muted')?.textContent });
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }), Math.min(logLines, 100_000));
    console.log(`log of ${logLines} lines streamed into the log view: ${ingest.lines} lines kept (${ingest.note}; ${ingest.gaps} gap markers in view), ${ingest.dom} line elements in the DOM, ${(ingest.ms / 1000).toFixed(1)} s to arrive; frame time while streaming ${frameSummary(ingest.times.slice(1))}; main-thread long tasks ${(ingest.busy / 1000).toFixed(1)} s in all`);
    const jumps = await page.evaluate(() => new Promise((resolve) => {
      const el = document.querySelector('.log-viewport');
      el.scrollTop = 0;
      const times = [];
      let last = performance.now();
      const step = () => {
        const t = performance.now();
        times.push(t - last);
        last = t;
        if (times.length > 200) return resolve(times);
        el.scrollTop = (times.length * 9_000) % el.scrollHeight;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }));
    console.log(`jumping through the log (500 lines a frame, 200 frames): frame time ${frameSummary(jumps.slice(1))}`);
    const searchMs = await page.evaluate(() => new Promise((resolve) => {
      const input = document.querySelector('input[name="log-search"]');
      const el = document.querySelector('.log-viewport');
      const before = el.getAttribute('data-lines');
      const t0 = performance.now();
      input.value = 'page=99999 ';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const check = () => (el.getAttribute('data-lines') !== before ? requestAnimationFrame(() => resolve(performance.now() - t0)) : requestAnimationFrame(check));
      requestAnimationFrame(check);
    }));
    console.log(`searching the kept lines: ${searchMs.toFixed(0)} ms to the filtered view`);
  }
} finally {
  await browser?.close().catch(() => {});
  consoleProc?.kill('SIGTERM');
  for (const d of daemons) {
    const list = await engine(d.socketPath, 'GET', '/containers/json?all=true').catch(() => []);
    await pool(list, 8, (c) => engine(d.socketPath, 'DELETE', `/containers/${c.Id}?force=true`).catch((err) => console.error(`cleanup: ${err.message}`)));
  }
  // berthd answers a remove before the container's rootfs is unmounted: wait for the mounts to go.
  const mounted = () => readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.includes(work)).length;
  for (const deadline = Date.now() + 30_000; mounted() > 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100));
  for (const d of daemons) await d.stop();
  if (mounted() > 0) console.error(`cleanup: ${mounted()} mounts left under ${work}; not removing it`);
  else rmSync(work, { recursive: true, force: true });
}
