#!/usr/bin/env node
// `berth version` and `berth ps` against the Go docker CLI, both talking to the same berthd:
// wall clock from spawn to exit, alternating the two clients run by run. Prints medians and the
// berth/docker ratio (target: at most 1.5). berth is its launcher, which runs the CLI on Bun when
// the optional @oven/bun-linux-x64 package is installed; the same rotation also runs it on Node
// (BERTH_RUNTIME=node) and `node -e 0`, the start-up of Node alone, which no Node program can go below.
// With --tty every client runs on a pseudo-terminal (util-linux `script`), as at a shell prompt,
// where both CLIs size their tables to the terminal; `script` itself is in every column then.
//   node bench/cli.mjs [--runs N] [--tty] [--berthd packages/engine/dist/berthd.js] [--berth packages/cli/bin/berth]
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBerthd } from './lib/berthd.mjs';
import { runTimed } from './lib/command.mjs';
import { summarize } from './lib/stats.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const opt = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(opt('runs', '20'));
const berthdBin = path.resolve(opt('berthd', path.join(repo, 'packages/engine/dist/berthd.js')));
const berthBin = path.resolve(opt('berth', path.join(repo, 'packages/cli/bin/berth')));
const dockerBin = opt('docker', '/usr/local/bin/docker');
if (!existsSync(berthBin)) throw new Error(`${berthBin} is missing: build the CLI first (pnpm --filter @berth/cli build)`);

const workdir = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-cli-'));
const daemon = await startBerthd(workdir, berthdBin);
const env = { PATH: process.env.PATH, HOME: workdir, DOCKER_HOST: daemon.host, DOCKER_CONFIG: path.join(workdir, 'docker'), BERTH_CONFIG: path.join(workdir, 'berth') };
const tty = process.argv.includes('--tty');
// On a terminal: `script -qec 'BIN ARGS' /dev/null` (arguments here are plain words, no quoting needed).
const run = (bin, args, opts) => (tty ? runTimed('script', ['-qec', [bin, ...args].join(' '), '/dev/null'], opts) : runTimed(bin, args, opts));
const clients = {
  berth: (args) => run(berthBin, args, { env, label: 'berth' }),
  'on node': (args) => run(berthBin, args, { env: { ...env, BERTH_RUNTIME: 'node' }, label: 'berth on node' }),
  docker: (args) => run(dockerBin, args, { env, label: 'docker' }),
  node: () => run(process.execPath, ['-e', '0'], { env, label: 'node -e 0' }),
};
const order = ['berth', 'docker', 'on node', 'node'];
try {
  const rows = [];
  for (const [name, args] of [['version', ['version']], ['ps', ['ps', '-a']]]) {
    const samples = Object.fromEntries(order.map((c) => [c, []]));
    // Warm the page cache, and berth's code cache (written on its first run).
    for (const c of order) await clients[c](args);
    for (let i = 0; i < runs; i++) {
      for (const c of i % 2 ? [...order].reverse() : order) samples[c].push((await clients[c](args)).ms);
    }
    const [b, d, bn, n] = order.map((c) => summarize(samples[c]));
    rows.push({ case: name, b, d, bn, n, ratio: b.median / d.median });
  }
  const cell = (s) => `${s.median.toFixed(1)} (${s.p90.toFixed(1)})`.padEnd(16);
  console.log(`runs: ${runs} each${tty ? ', on a pseudo-terminal' : ''}, medians in ms (p90)`);
  console.log('case       berth            docker           berth on node    node -e 0        berth/docker');
  for (const r of rows) console.log(`${r.case.padEnd(10)} ${cell(r.b)} ${cell(r.d)} ${cell(r.bn)} ${cell(r.n)} ${r.ratio.toFixed(2)}`);
} finally {
  await daemon.stop();
  rmSync(workdir, { recursive: true, force: true });
}
