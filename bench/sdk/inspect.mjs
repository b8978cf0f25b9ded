// EngineClient vs dockerode against the same berthd: N sequential `containers.inspect` calls and
// N concurrent ones, alternating clients run by run. Usage (as root, berthd and the SDK built):
//   (cd bench/sdk && npm install) && node bench/sdk/inspect.mjs [--runs 5] [--calls 1000] [--berthd path/to/berthd.js]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const { EngineClient } = await import(path.join(repo, 'packages/sdk/dist/index.js'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('runs', '5'));
const calls = Number(arg('calls', '1000'));
const berthd = arg('berthd', process.env.BERTHD_ENTRY ?? path.join(repo, 'packages/engine/dist/berthd.js'));

const root = mkdtempSync('/tmp/bench-sdk-');
const socket = path.join(root, 'berth.sock');
const host = `unix://${socket}`;
const daemon = spawn(process.execPath, [berthd, '-H', host, '--data-root', path.join(root, 'data'), '--exec-root', path.join(root, 'run'), '--log-level', 'warn'], { stdio: 'ignore' });

const sdk = new EngineClient({ host });
const dockerode = new Docker({ socketPath: socket });
try {
  const deadline = Date.now() + 20_000;
  while (!(await sdk.ping().then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error('berthd did not answer within 20 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const imported = spawnSync('bash', [path.join(repo, 'scripts/base-images.sh'), '--busybox-only'], { env: { ...process.env, DOCKER_HOST: host } });
  if (imported.status !== 0) throw new Error(`base-images.sh failed: ${imported.stderr}`);
  const { Id } = await sdk.containers.create({ Image: 'busybox', Cmd: ['true'] });

  const clients = {
    EngineClient: () => sdk.containers.inspect(Id),
    dockerode: () => dockerode.getContainer(Id).inspect(),
  };
  const modes = {
    sequential: async (call) => {
      for (let i = 0; i < calls; i++) await call();
    },
    concurrent: (call) => Promise.all(Array.from({ length: calls }, call)),
  };
  const results = {};
  for (const [mode, drive] of Object.entries(modes)) {
    for (const call of Object.values(clients)) await drive(call); // warm-up: connections, JIT
    for (let run = 0; run < runs; run++) {
      for (const [name, call] of Object.entries(clients)) {
        const start = process.hrtime.bigint();
        await drive(call);
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        (results[`${mode} ${name}`] ??= []).push(ms);
      }
    }
  }
  console.log(`${calls} containers.inspect calls, ${runs} runs each, median (min–max):`);
  for (const [key, samples] of Object.entries(results)) {
    const sorted = [...samples].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(`  ${key.padEnd(24)} ${median.toFixed(0).padStart(6)} ms  ${(calls / (median / 1000)).toFixed(0).padStart(6)} calls/s  (${sorted[0].toFixed(0)}–${sorted.at(-1).toFixed(0)} ms)`);
  }
  await sdk.containers.remove(Id, { force: true });
} finally {
  sdk.close();
  daemon.kill('SIGTERM');
  await new Promise((r) => (daemon.exitCode !== null ? r() : daemon.once('exit', r)));
  try {
    rmSync(root, { recursive: true, force: true });
  } catch (err) {
    console.error(`could not remove ${root}: ${err.message}`);
  }
}
