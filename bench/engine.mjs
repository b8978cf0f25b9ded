// Berth engine benchmark: the same docker CLI against berthd and a peer dockerd in one run,
// alternating between them, reporting medians and the ratio berthd/dockerd.
// Usually started through `npm run bench` (bench/run.sh installs the peer first).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './lib/args.mjs';
import { startBerthd } from './lib/berthd.mjs';
import { dockerCli } from './lib/docker-cli.mjs';
import { startDockerd } from './lib/dockerd.mjs';
import { finishRows, formatTable, writeJson } from './lib/report.mjs';
import { startBerthRegistry } from './registry/berth-registry.mjs';
import { memory } from './cases/memory.mjs';
import { psAll } from './cases/ps-all.mjs';
import { pull10x8, pull256 } from './cases/pull-layers.mjs';
import { pushLayer } from './cases/push-layer.mjs';
import { runDetached } from './cases/run-detached.mjs';
import { runRm } from './cases/run-rm.mjs';
import { runRmNetwork } from './cases/run-rm-network.mjs';
import { portThroughput } from './cases/port-throughput.mjs';
import { dnsNames } from './cases/dns-names.mjs';
import { statsNoStream } from './cases/stats-no-stream.mjs';
import { logsThroughput } from './cases/logs-throughput.mjs';
import { eventsStream } from './cases/events-stream.mjs';
import { buildApache, buildCached, buildCold, buildContext } from './cases/build.mjs';
import { removeAllContainers, removeBenchNetworks } from './cases/cleanup.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Memory runs first so "idle" is a freshly started daemon; the table keeps the brief's order.
const RUN_ORDER = [memory, runRm, runDetached, psAll, pushLayer, pull256, pull10x8,
  runRmNetwork, portThroughput, dnsNames, statsNoStream, logsThroughput, eventsStream,
  buildCached, buildCold, buildContext, buildApache];
const TABLE_ORDER = ['run-rm', 'run-detached', 'ps-all', 'push-256', 'pull-256', 'pull-10x8',
  'run-rm-network', 'port-1g-loopback', 'port-1g-host', 'dns-50',
  'stats-50', 'logs-1g', 'logs-follow-1g',
  'build-cached', 'build-cold', 'build-context-100m', 'build-apache',
  'events-ws-p99', 'events-ws-rss',
  'rss-idle', 'rss-loaded-daemon', 'rss-loaded-per-container', 'rss-loaded-total'];
const STARTERS = { berthd: (work, opts) => startBerthd(work, opts.berthdBin), dockerd: (work) => startDockerd(work) };

const log = (msg) => console.log(`bench: ${msg}`);

async function main() {
  const opts = parseOptions(process.argv.slice(2), repoRoot);
  if (process.getuid?.() !== 0) throw new Error('the bench starts daemons and must run as root');
  const startedAt = new Date();
  const loadBefore = os.loadavg()[0];
  const workdir = opts.workdir ?? mkdtempSync(path.join(os.tmpdir(), 'berth-bench-'));
  const daemons = [];
  let registry; // the push/pull cases' registry, shared by both daemons
  const clis = new Map();
  const cli = (d) => clis.get(d.name);

  const abort = new AbortController();
  let cleaning;
  const cleanup = () => (cleaning ??= (async () => {
    for (const d of daemons) {
      await removeAllContainers(cli(d)).catch(() => {});
      await removeBenchNetworks(cli(d)).catch(() => {});
      const { how, leftovers } = await d.stop().catch((err) => ({ how: err.message, leftovers: [] }));
      log(`${d.name} stopped (${how})${leftovers.length ? `; also stopped leftovers ${leftovers.join(' ')}` : ''}`);
    }
    if (registry) log(`registry stopped (${(await registry.stop().catch((err) => ({ how: err.message }))).how})`);
    unmountUnder(workdir);
    if (!opts.keepWorkdir) rmSync(workdir, { recursive: true, force: true });
    else log(`scratch dir kept: ${workdir}`);
  })());
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      log(`${sig}: stopping daemons, no results written`);
      abort.abort();
      cleanup().finally(() => process.exit(130));
    });
  }

  try {
    for (const name of opts.daemons) {
      log(`starting ${name} (scratch dir ${workdir})`);
      const d = await STARTERS[name](workdir, opts);
      daemons.push(d);
      clis.set(name, dockerCli(opts.dockerBin, d.host));
      d.version = (await cli(d).run(['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'])).stdout.trim();
      log(`${name} ${d.version} on ${d.host}, pid ${d.pid}`);
      execFileSync('bash', [path.join(repoRoot, 'scripts/base-images.sh'), '--busybox-only', '--host', d.host], {
        stdio: 'inherit',
        env: { ...process.env, DOCKER: opts.dockerBin },
      });
    }

    const selected = RUN_ORDER.filter((c) => opts.cases.includes(c.id));
    const dataDir = path.join(workdir, 'data');
    if (selected.some((c) => c.usesRegistry)) {
      registry = await startBerthRegistry(path.join(workdir, 'registry'), opts.berthRegistryBin);
      log(`registry ${registry.version} on ${registry.url}, pid ${registry.pid}`);
      mkdirSync(dataDir, { recursive: true });
    }

    const rows = [];
    for (const c of selected) {
      if (abort.signal.aborted) break;
      rows.push(...(await c.measure({ daemons, cli, opts: { ...opts, signal: abort.signal }, log, registry, dataDir })));
    }
    if (abort.signal.aborted) return;
    rows.sort((a, b) => TABLE_ORDER.indexOf(a.id) - TABLE_ORDER.indexOf(b.id));
    const finished = finishRows(rows);

    console.log(`\n${formatTable(finished)}\n`);
    console.log(`(${opts.runs} timed runs per daemon per latency case after ${opts.warmup} warm-up, ` +
      `${opts.transferRuns} per push/pull/port/dns case after ${opts.transferWarmup}; ` +
      `RSS = summed VmRSS; berthd column: berthd | conmon, dockerd column: dockerd + containerd | containerd-shims)`);
    console.log(`(1-min load average ${loadBefore.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end, ${os.cpus().length} CPUs: ` +
      'other work on the machine inflates both columns; compare ratios from the same run)');
    const file = writeJson(opts.resultsDir, startedAt, {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...machineFacts(), loadavgAtStart: loadBefore },
      options: { ...opts, workdir },
      daemons: Object.fromEntries(daemons.map((d) => [d.name, { version: d.version, argv: d.argv, groups: d.groups }])),
      ...(registry && { registry: { version: registry.version, argv: registry.argv, url: registry.url } }),
      cases: finished,
    });
    log(`results written to ${path.relative(process.cwd(), file)}`);
  } finally {
    await cleanup();
  }
}

function unmountUnder(dir) {
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n')
    .map((line) => line.split(' ')[1])
    .filter((m) => m && (m === dir || m.startsWith(`${dir}/`)))
    .sort()
    .reverse();
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      log(`could not unmount ${m}`);
    }
  }
}

function machineFacts() {
  return {
    kernel: os.release(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memTotalMiB: Math.round(os.totalmem() / 2 ** 20),
    loadavg: os.loadavg(),
    node: process.version,
  };
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});
