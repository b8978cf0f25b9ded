// The measurement peer: Debian's dockerd 20.10 (package docker.io), isolated from anything
// else on the machine. It gets its own socket, --data-root, --exec-root, --pidfile and config
// file under the bench's scratch dir, its own managed containerd (under the exec-root), and a
// bridge created here rather than docker0. --iptables=false and --ip-forward=false keep it
// from touching the host firewall or sysctls that berthd manages; the bench needs no NAT.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnDaemon, stopPid, waitForPing } from './daemon-process.mjs';
import { readProcTable } from './proc-table.mjs';
import { sleep } from './stats.mjs';
import { freeSubnet } from './subnets.mjs';

export async function startDockerd(workdir) {
  const dir = path.join(workdir, 'dockerd');
  const dataRoot = path.join(dir, 'data');
  const execRoot = path.join(dir, 'exec');
  const socketPath = path.join(dir, 'docker.sock');
  const pidFile = path.join(dir, 'dockerd.pid');
  const logFile = path.join(dir, 'dockerd.log');
  const configFile = path.join(dir, 'daemon.json');
  mkdirSync(dataRoot, { recursive: true });
  mkdirSync(execRoot, { recursive: true });
  writeFileSync(configFile, '{}\n'); // ignore any /etc/docker/daemon.json on the machine

  const bridge = createBridge(workdir);
  const argv = [
    'dockerd',
    '-H', `unix://${socketPath}`,
    '--data-root', dataRoot,
    '--exec-root', execRoot,
    '--pidfile', pidFile,
    '--config-file', configFile,
    '--bridge', bridge.name,
    '--iptables=false',
    '--ip-forward=false',
    '--ip-masq=false',
    '--log-level', 'warn',
  ];
  const child = spawnDaemon(argv, { logFile, cwd: dir });
  try {
    await waitForPing(socketPath, { exited: child.exited, logFile, name: 'dockerd' });
  } catch (err) {
    await stopPid(child.pid, 5000);
    deleteBridge(bridge.name);
    throw err;
  }

  const ownedBy = (p) => p.cmdline.some((arg) => arg.includes(execRoot));
  return {
    name: 'dockerd',
    host: `unix://${socketPath}`,
    socketPath,
    pid: child.pid,
    logFile,
    argv,
    groups: { daemon: 'dockerd + containerd', perContainer: 'containerd-shims' },
    processGroups() {
      const table = readProcTable();
      const daemon = [table.get(child.pid)].filter(Boolean);
      const perContainer = [];
      for (const p of table.values()) {
        if (p.pid === child.pid || !ownedBy(p)) continue;
        if (p.comm === 'containerd') daemon.push(p);
        else if (p.comm.startsWith('containerd-shim')) perContainer.push(p);
      }
      return { daemon, perContainer };
    },
    async stop() {
      const how = await stopPid(child.pid, 30_000);
      // dockerd stops its containerd; shims exit with their containers. Anything of ours left:
      await sleep(200);
      const leftovers = [...readProcTable().values()].filter(
        (p) => ownedBy(p) && (p.comm === 'containerd' || p.comm.startsWith('containerd-shim')));
      for (const p of leftovers) await stopPid(p.pid, 5000);
      deleteBridge(bridge.name);
      return { how, leftovers: leftovers.map((p) => `${p.comm}[${p.pid}]`) };
    },
  };
}

/** A bridge just for this run, on a 10.213.x.0/24 subnet no route uses yet. */
function createBridge(workdir) {
  const name = `bbench${process.pid % 100000}`;
  const subnet = freeSubnet();
  execFileSync('ip', ['link', 'add', 'name', name, 'type', 'bridge']);
  // run.sh deletes the bridge named here if this process dies before stop().
  writeFileSync(path.join(workdir, 'bridge'), `${name}\n`);
  execFileSync('ip', ['addr', 'add', `10.213.${subnet}.1/24`, 'dev', name]);
  execFileSync('ip', ['link', 'set', name, 'up']);
  return { name, cidr: `10.213.${subnet}.0/24` };
}

function deleteBridge(name) {
  try {
    execFileSync('ip', ['link', 'del', name], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}
