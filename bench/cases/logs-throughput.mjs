// A container writing log lines as fast as it can: `busybox sh -c 'yes <99 chars> | head -c
// BYTES'` (100-byte lines, 1 GiB by default). Two rows from each sample:
//  - `logs -f`: `docker logs -f` started right after `docker run -d` returns, timed until it
//    exits (the container's exit ends it) with every byte received: how well the daemon's
//    log path keeps up with a fast writer, from the write to the client;
//  - `logs`: then `docker logs` of the finished container, the whole log read back from disk.
// Each sample checks the byte count; the container is removed afterwards (untimed).
import { spawn } from 'node:child_process';
import { alternate } from '../lib/alternate.mjs';
import { transferSampling } from './registry-images.mjs';

const LINE = '0123456789'.repeat(10).slice(0, 99);

export const logsThroughput = {
  id: 'logs-1g',
  async measure({ daemons, cli, opts, log }) {
    const bytes = opts.logMib * 2 ** 20;
    const size = opts.logMib >= 1024 ? `${opts.logMib / 1024} GiB` : `${opts.logMib} MiB`;
    let n = 0;
    log(`a container writing ${size} of log lines: ${opts.transferRuns} runs per daemon, alternating`);
    const results = await alternate(daemons, transferSampling(opts), async (d) => {
      const name = `bench-logs-${n++}`;
      const docker = cli(d);
      try {
        const start = performance.now();
        await docker.run(['run', '-d', '--name', name, 'busybox', 'sh', '-c', `yes ${LINE} | head -c ${bytes}`]);
        const follow = await countOutput(opts.dockerBin, docker.host, ['logs', '-f', name]);
        const followMs = performance.now() - start;
        if (follow.bytes !== bytes) throw new Error(`logs -f received ${follow.bytes} bytes, expected ${bytes}`);
        const all = await countOutput(opts.dockerBin, docker.host, ['logs', name]);
        if (all.bytes !== bytes) throw new Error(`logs received ${all.bytes} bytes, expected ${bytes}`);
        return { ms: all.ms, followMs };
      } finally {
        await docker.run(['rm', '-f', name]).catch((err) => log(`${d.name}: removing ${name} failed: ${err.message}`));
      }
    });
    const follow = new Map([...results].map(([name, r]) => [name, { samples: r.parts.followMs ?? [], parts: {}, error: r.error }]));
    return [
      { id: 'logs-1g', title: `docker logs of ${size}`, unit: 'ms', target: 1.0, bytes, results },
      { id: 'logs-follow-1g', title: `run -d + logs -f of ${size} as written`, unit: 'ms', target: 1.0, bytes, results: follow },
    ];
  },
};

/** Runs the docker CLI and counts its stdout without keeping it; resolves with { ms, bytes }. */
function countOutput(bin, host, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env = { ...process.env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false' };
    delete env.DOCKER_CONTEXT;
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk) => { bytes += chunk.length; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ms: performance.now() - started, bytes });
      else reject(new Error(`docker ${args.join(' ')} (${host}): exit ${code}: ${stderr.trim()}`));
    });
  });
}
