// Berth's registry, started the way a user would: `berth-registry serve` with its own
// storage dir and SQLite database under the bench's scratch dir, on a free loopback port.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnDaemon, stopPid } from '../lib/daemon-process.mjs';
import { freePort, waitForV2 } from './server-process.mjs';

export async function startBerthRegistry(workdir, bin) {
  if (!existsSync(bin)) {
    throw new Error(`the Berth registry is not built (no ${bin}); run \`npm run build\` first, or pass --only distribution`);
  }
  const dir = path.join(workdir, 'berth');
  const storage = path.join(dir, 'storage');
  const logFile = path.join(dir, 'registry.log');
  mkdirSync(storage, { recursive: true });
  const port = await freePort();
  const hostPort = `127.0.0.1:${port}`;
  const argv = [process.execPath, bin, 'serve', '--listen', hostPort, '--storage', storage,
    '--database', `file:${path.join(storage, 'registry.db')}`];
  const url = `http://${hostPort}`;
  const child = spawnDaemon(argv, { logFile, cwd: dir, pidFile: path.join(dir, 'registry.pid') });
  try {
    await waitForV2(url, { exited: child.exited, logFile, name: 'berth' });
  } catch (err) {
    await stopPid(child.pid, 5000);
    throw err;
  }
  return {
    name: 'berth',
    version: packageVersion(bin),
    url,
    hostPort,
    pid: child.pid,
    argv,
    storage,
    logFile,
    stop: async () => ({ how: await stopPid(child.pid, 20_000) }),
  };
}

function packageVersion(bin) {
  try {
    const pkg = JSON.parse(readFileSync(path.join(path.dirname(bin), '..', 'package.json'), 'utf8'));
    return `${pkg.name}@${pkg.version}`;
  } catch {
    return 'unknown';
  }
}
