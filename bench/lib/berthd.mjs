// Berth's engine daemon, started the way a user would: dockerd-like flags, its own roots.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnDaemon, stopPid, waitForPing } from './daemon-process.mjs';
import { descendants, readProcTable } from './proc-table.mjs';
import { sleep } from './stats.mjs';

const RUNTIME_COMMS = new Set(['conmon', 'runc', 'runc:[0:PARENT]', 'runc:[1:CHILD]', 'runc:[2:INIT]']);

export async function startBerthd(workdir, berthdBin) {
  if (!existsSync(berthdBin)) {
    throw new Error(`berthd is not built (no ${berthdBin}); run \`npm run build\` first, or pass --only dockerd`);
  }
  const dir = path.join(workdir, 'berthd');
  const dataRoot = path.join(dir, 'data');
  const execRoot = path.join(dir, 'exec');
  const socketPath = path.join(dir, 'berth.sock');
  const logFile = path.join(dir, 'berthd.log');
  mkdirSync(dataRoot, { recursive: true });
  mkdirSync(execRoot, { recursive: true });

  const argv = [process.execPath, berthdBin, '-H', `unix://${socketPath}`, '--data-root', dataRoot, '--exec-root', execRoot];
  const child = spawnDaemon(argv, { logFile, cwd: dir, pidFile: path.join(dir, 'berthd.pid') });
  try {
    await waitForPing(socketPath, { exited: child.exited, logFile, name: 'berthd' });
  } catch (err) {
    await stopPid(child.pid, 5000);
    throw err;
  }

  const roots = [dataRoot, execRoot];
  const ownedBy = (p) => p.cmdline.some((arg) => roots.some((r) => arg.includes(r)));
  function perContainerOf(table) {
    // conmon double-forks away from berthd, so find it by the paths berthd handed it.
    return [...table.values()].filter((p) => p.comm === 'conmon' && ownedBy(p));
  }
  return {
    name: 'berthd',
    host: `unix://${socketPath}`,
    socketPath,
    pid: child.pid,
    logFile,
    argv,
    groups: { daemon: 'berthd', perContainer: 'conmon' },
    processGroups() {
      const table = readProcTable();
      const conmons = perContainerOf(table);
      const conmonPids = new Set(conmons.map((p) => p.pid));
      // berthd and helper processes of its own (workers), but not runtimes or containers.
      const daemon = [table.get(child.pid), ...descendants(table, child.pid, (p) => RUNTIME_COMMS.has(p.comm))]
        .filter((p) => p && !RUNTIME_COMMS.has(p.comm) && !conmonPids.has(p.pid));
      return { daemon, perContainer: conmons };
    },
    async stop() {
      const how = await stopPid(child.pid, 20_000);
      await sleep(200);
      const leftovers = perContainerOf(readProcTable());
      for (const p of leftovers) await stopPid(p.pid, 5000);
      return { how, leftovers: leftovers.map((p) => `${p.comm}[${p.pid}]`) };
    },
  };
}
