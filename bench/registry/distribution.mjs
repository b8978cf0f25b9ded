// The measurement peer: the CNCF distribution registry 2.8 (Debian package docker-registry),
// never a Berth dependency. It gets its own config file, filesystem storage under the bench's
// scratch dir and a free loopback port; the packaged service and /etc/docker/registry are
// not used. The configuration is the project's example config (filesystem driver, in-memory
// blob descriptor cache, info-level logs with access logs) with the paths and port changed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnDaemon, stopPid } from '../lib/daemon-process.mjs';
import { freePort, waitForV2 } from './server-process.mjs';

export async function startDistribution(workdir, bin) {
  const dir = path.join(workdir, 'distribution');
  const storage = path.join(dir, 'storage');
  const configFile = path.join(dir, 'config.yml');
  const logFile = path.join(dir, 'registry.log');
  mkdirSync(storage, { recursive: true });
  const port = await freePort();
  writeFileSync(configFile, [
    'version: 0.1',
    'log:',
    '  level: info',
    '  fields:',
    '    service: registry',
    'storage:',
    '  cache:',
    '    blobdescriptor: inmemory',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: berth-bench', // fixed, so it does not warn about a random one
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
    '',
  ].join('\n'));

  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().split(/\s+/).pop();
  const argv = [bin, 'serve', configFile];
  const url = `http://127.0.0.1:${port}`;
  const child = spawnDaemon(argv, { logFile, cwd: dir, pidFile: path.join(dir, 'registry.pid') });
  try {
    await waitForV2(url, { exited: child.exited, logFile, name: 'distribution' });
  } catch (err) {
    await stopPid(child.pid, 5000);
    throw err;
  }
  return {
    name: 'distribution',
    version,
    url,
    hostPort: `127.0.0.1:${port}`,
    pid: child.pid,
    argv,
    storage,
    logFile,
    stop: async () => ({ how: await stopPid(child.pid, 20_000) }),
  };
}
