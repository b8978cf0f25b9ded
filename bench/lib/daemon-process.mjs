// Starting a Docker-API daemon as a child process, waiting for /_ping, stopping it.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { isAlive } from './proc-table.mjs';
import { sleep } from './stats.mjs';

/** Spawns argv in its own process group, output to logFile; records the pid in pidFile if given. */
export function spawnDaemon(argv, { logFile, pidFile, cwd }) {
  const out = openSync(logFile, 'a');
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    detached: true, // own process group: a Ctrl-C reaches us, and we stop the daemon in order
    stdio: ['ignore', out, out],
  });
  if (pidFile) writeFileSync(pidFile, `${child.pid}\n`);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.unref();
  return { pid: child.pid, exited };
}

export function ping(socketPath, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export async function waitForPing(socketPath, { exited, logFile, name, timeoutMs = 60_000 }) {
  const deadline = Date.now() + timeoutMs;
  let gone;
  exited.then((status) => { gone = status; });
  while (Date.now() < deadline) {
    if (gone) {
      throw new Error(`${name} exited during start-up (${JSON.stringify(gone)}); end of ${logFile}:\n${tail(logFile)}`);
    }
    if (await ping(socketPath)) return;
    await sleep(100);
  }
  throw new Error(`${name} did not answer /_ping on ${socketPath} within ${timeoutMs / 1000} s; end of ${logFile}:\n${tail(logFile)}`);
}

/** SIGTERM, wait up to graceMs, then SIGKILL. Resolves once the pid is gone. */
export async function stopPid(pid, graceMs = 20_000) {
  if (!isAlive(pid)) return 'gone';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'terminated';
    await sleep(100);
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* exited just now */ }
  while (isAlive(pid)) await sleep(50);
  return 'killed';
}

export function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
