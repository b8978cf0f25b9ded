// 1 GiB through a published port: one container per daemon, `docker run -d -p HOSTPORT:8080
// busybox sh -c '… httpd -f -p 8080 -h /www'` serving /www/zero, a sparse 1 GiB file made in
// the container (so the server reads page-cache zeros, not the disk), and the host fetching
// it with `curl -o /dev/null`. Two rows: through 127.0.0.1, where both daemons hand the
// connection to a userland proxy (berthd's own, docker-proxy), and through the host's own
// address, where berthd DNATs in the kernel and dockerd, run with --iptables=false by the
// bench, still uses docker-proxy — shown for information, not a like-for-like comparison.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { runTimed } from '../lib/command.mjs';
import { alternate } from '../lib/alternate.mjs';
import { sleep } from '../lib/stats.mjs';
import { transferSampling } from './registry-images.mjs';

const BYTES = 2 ** 30;
const CONTAINER = 'bench-httpd';
// Read once before serving, so the file's (zero) pages are in the page cache for every sample.
const SERVE = `mkdir -p /www && truncate -s ${BYTES} /www/zero && cat /www/zero >/dev/null && exec httpd -f -p 8080 -h /www`;
const CURL = ['-sS', '--no-progress-meter', '-o', '/dev/null', '-w', '%{http_code} %{size_download}'];

export const portThroughput = {
  id: 'port-1g',
  async measure({ daemons, cli, opts, log }) {
    const ready = [];
    const failed = new Map();
    const ports = new Map();
    for (const d of daemons) {
      try {
        const port = await freePort();
        await cli(d).run(['run', '-d', '--name', CONTAINER, '-p', `${port}:8080`, 'busybox', 'sh', '-c', SERVE]);
        await waitForServer(port, d);
        ports.set(d.name, port);
        ready.push(d);
      } catch (err) {
        failed.set(d.name, err.message);
      }
    }
    const hostAddress = defaultRouteAddress();
    const via = [
      ['port-1g-loopback', '127.0.0.1', 1.0],
      ...(hostAddress ? [['port-1g-host', hostAddress, null]] : []),
    ];
    const rows = [];
    try {
      for (const [id, address, target] of via) {
        log(`1 GiB through a published port via ${address}: ${opts.transferRuns} runs per daemon, alternating`);
        const results = await alternate(ready, transferSampling(opts), (d) => fetchZero(address, ports.get(d.name)));
        for (const [name, error] of failed) results.set(name, { samples: [], parts: {}, error });
        rows.push({ id, title: `1 GiB via published port, ${address}`, unit: 'ms', target, bytes: BYTES, results });
      }
    } finally {
      for (const d of ready) {
        await cli(d).run(['rm', '-f', CONTAINER]).catch((err) => log(`${d.name}: cleanup failed: ${err.message}`));
      }
    }
    if (!hostAddress) log('no default route, so no host address to fetch through; that row is left out');
    return rows;
  },
};

async function fetchZero(address, port) {
  const got = await runTimed('curl', [...CURL, `http://${address}:${port}/zero`], { timeoutMs: 300_000 });
  const [status, size] = got.stdout.trim().split(' ');
  if (status !== '200' || Number(size) !== BYTES) {
    throw new Error(`curl http://${address}:${port}/zero: HTTP ${status}, ${size} of ${BYTES} bytes`);
  }
  return got.ms;
}

/** Polls with HEAD until httpd answers through the published port (a proxy may accept first). */
async function waitForServer(port, d) {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const head = await runTimed('curl', ['-sS', '-I', '--max-time', '2', '-o', '/dev/null', '-w', '%{http_code}',
        `http://127.0.0.1:${port}/zero`], { timeoutMs: 5000 });
      if (head.stdout.trim() === '200') return;
      last = `HTTP ${head.stdout.trim()}`;
    } catch (err) {
      last = err.message;
    }
    await sleep(100);
  }
  throw new Error(`${d.name}: httpd not reachable on 127.0.0.1:${port} within 30 s: ${last}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The first IPv4 address of the default route's interface (not loopback, not a bridge). */
function defaultRouteAddress() {
  const ip = (...args) => execFileSync('ip', ['-4', '-o', ...args], { encoding: 'utf8' });
  const dev = / dev (\S+)/.exec(ip('route', 'show', 'default'))?.[1];
  return dev ? (/ inet ([\d.]+)\//.exec(ip('addr', 'show', 'dev', dev))?.[1] ?? null) : null;
}
