// Berth registry benchmark: the same clients (curl, skopeo, a keep-alive Node client) against
// Berth's registry and a peer CNCF distribution registry in one run, alternating between
// them, reporting medians and the ratio Berth/distribution.
// Usually started through `bash bench/run-registry.sh` (it installs the peer and clients).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { finishRows, formatTable, writeJson } from './lib/report.mjs';
import { parseOptions } from './registry/args.mjs';
import { startBerthRegistry } from './registry/berth-registry.mjs';
import { startDistribution } from './registry/distribution.mjs';
import { skopeoVersion } from './registry/skopeo.mjs';
import { blobCurl } from './registry/cases/blob-curl.mjs';
import { concurrentPush } from './registry/cases/concurrent-push.mjs';
import { skopeoCopy } from './registry/cases/skopeo-copy.mjs';
import { tagsList } from './registry/cases/tags-list.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CASES = [blobCurl, skopeoCopy, tagsList, concurrentPush];
const SIDES = { subject: 'berth', peer: 'distribution' };
const STARTERS = {
  berth: (work, opts) => startBerthRegistry(work, opts.berthRegistryBin),
  distribution: (work, opts) => startDistribution(work, opts.distributionBin),
};

const log = (msg) => console.log(`bench: ${msg}`);

async function main() {
  const opts = parseOptions(process.argv.slice(2), repoRoot);
  const startedAt = new Date();
  const loadBefore = os.loadavg()[0];
  const workdir = opts.workdir ?? mkdtempSync(path.join(os.tmpdir(), 'berth-bench-registry-'));
  const dataDir = path.join(workdir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const registries = [];

  const abort = new AbortController();
  let cleaning;
  const cleanup = () => (cleaning ??= (async () => {
    for (const r of registries) {
      const { how } = await r.stop().catch((err) => ({ how: err.message }));
      log(`${r.name} stopped (${how})`);
    }
    if (!opts.keepWorkdir) rmSync(workdir, { recursive: true, force: true });
    else log(`scratch dir kept: ${workdir}`);
  })());
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      log(`${sig}: stopping registries, no results written`);
      abort.abort();
      cleanup().finally(() => process.exit(130));
    });
  }

  try {
    for (const name of opts.registries) {
      log(`starting ${name} (scratch dir ${workdir})`);
      const r = await STARTERS[name](workdir, opts);
      registries.push(r);
      log(`${name} ${r.version} on ${r.url}, pid ${r.pid}`);
    }
    const clients = {
      curl: execFileSync('curl', ['--version'], { encoding: 'utf8' }).split('\n')[0].split(' ')[1],
      skopeo: await skopeoVersion(),
      node: process.version,
    };

    const rows = [];
    for (const c of CASES.filter((c) => opts.cases.includes(c.id))) {
      if (abort.signal.aborted) break;
      rows.push(...(await c.measure({ registries, opts: { ...opts, signal: abort.signal }, log, dataDir })));
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
    }
    if (abort.signal.aborted) return;
    const finished = finishRows(rows, SIDES);

    console.log(`\n${formatTable(finished, SIDES)}\n`);
    console.log(`(${opts.runs} timed runs per registry per transfer case after ${opts.warmup} warm-up, ` +
      `${opts.listRuns} for tags/list; ratio = Berth/distribution of the medians, below 1 = Berth faster; ` +
      `MiB/s = bytes moved / median time)`);
    console.log(`(1-min load average ${loadBefore.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end, ${os.cpus().length} CPUs; ` +
      'clients and registries share them: compare ratios from the same run)');
    const file = writeJson(opts.resultsDir, startedAt, {
      suite: 'registry',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...machineFacts(), loadavgAtStart: loadBefore },
      options: { ...opts, workdir },
      clients,
      registries: Object.fromEntries(registries.map((r) => [r.name, { version: r.version, argv: r.argv, url: r.url }])),
      cases: finished,
    }, 'registry-');
    log(`results written to ${path.relative(process.cwd(), file)}`);
  } finally {
    await cleanup();
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
