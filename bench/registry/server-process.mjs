// A registry server as a child process on a loopback port: picking a free port, waiting
// until GET /v2/ answers, and the pidfile run-registry.sh uses if this process is killed.
import net from 'node:net';
import http from 'node:http';
import { sleep } from '../lib/stats.mjs';
import { tail } from '../lib/daemon-process.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** GET /v2/ status, or 0 when nothing answers. 200 and 401 both mean "a registry is up". */
function probe(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(`${url}/v2/`, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export async function waitForV2(url, { exited, logFile, name, timeoutMs = 60_000 }) {
  const deadline = Date.now() + timeoutMs;
  let gone;
  exited.then((status) => { gone = status; });
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${name} exited during start-up (${JSON.stringify(gone)}); end of ${logFile}:\n${tail(logFile)}`);
    const status = await probe(url);
    if (status === 200) return;
    if (status === 401) throw new Error(`${name} asks for authentication at ${url}/v2/; the bench needs anonymous push and pull`);
    if (status !== 0) throw new Error(`${name} answered GET /v2/ with HTTP ${status}; end of ${logFile}:\n${tail(logFile)}`);
    await sleep(100);
  }
  throw new Error(`${name} did not answer GET ${url}/v2/ within ${timeoutMs / 1000} s; end of ${logFile}:\n${tail(logFile)}`);
}
