import fs from 'node:fs/promises';
import { runCommand } from '../process/command.js';
import { type Cidr, networkOf } from './ipv4.js';

/** The host's network plumbing through iproute2 and CNI plugins. */

const CNI_PATH = '/usr/lib/cni';

/** IPv4 networks in use on this machine (interface addresses and routes, with their device), except on `except`. */
export async function usedSubnets(except: string[] = []): Promise<(Cidr & { dev: string })[]> {
  const [addrs, routes] = await Promise.all([
    runCommand('ip', ['-j', '-4', 'addr']).then((r) => JSON.parse(r.stdout) as { ifname: string; addr_info: { local: string; prefixlen: number }[] }[]),
    runCommand('ip', ['-j', '-4', 'route', 'show', 'table', 'main']).then((r) => JSON.parse(r.stdout) as { dst: string; dev?: string }[]),
  ]);
  const out: (Cidr & { dev: string })[] = [];
  const add = (text: string, dev: string): void => void out.push({ ...networkOf(text), dev });
  for (const link of addrs) {
    if (except.includes(link.ifname) || link.ifname === 'lo') continue;
    for (const a of link.addr_info ?? []) add(`${a.local}/${a.prefixlen}`, link.ifname);
  }
  for (const r of routes) {
    if (r.dst === 'default' || (r.dev && except.includes(r.dev))) continue;
    add(r.dst, r.dev ?? '');
  }
  return out;
}

export async function linkExists(name: string): Promise<boolean> {
  return fs.access(`/sys/class/net/${name}`).then(() => true, () => false);
}

/** Creates a bridge with the gateway address, up, with forwarding on; idempotent. */
export async function createBridge(name: string, gatewayCidr: string): Promise<void> {
  if (!(await linkExists(name))) await runCommand('ip', ['link', 'add', name, 'type', 'bridge']);
  await runCommand('ip', ['addr', 'replace', gatewayCidr, 'dev', name]);
  await runCommand('ip', ['link', 'set', name, 'up']);
  await fs.writeFile('/proc/sys/net/ipv4/ip_forward', '1').catch(() => {});
  // Ports published on 127.0.0.1 are DNATed to the bridge: let loopback sources be routed there
  // (only on our bridges; new connections to 127.0.0.0/8 coming in from them are dropped, nat-rules.ts).
  await fs.writeFile(`/proc/sys/net/ipv4/conf/${name}/route_localnet`, '1').catch(() => {});
}

export async function deleteLink(name: string): Promise<void> {
  if (await linkExists(name)) await runCommand('ip', ['link', 'del', name]).catch(() => {});
}

/** Links whose names start with `prefix` (our bridges, found after a crash). */
export async function linksWithPrefix(prefix: string): Promise<string[]> {
  const names = await fs.readdir('/sys/class/net').catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(prefix));
}

export const NETNS_DIR = '/run/netns';

/** A named network namespace (`ip netns add`); its loopback comes up with `loopbackUp`. */
export async function createNetns(name: string): Promise<string> {
  await runCommand('ip', ['netns', 'add', name]);
  return `${NETNS_DIR}/${name}`;
}

export async function loopbackUp(netns: string): Promise<void> {
  await runCommand('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
}

export async function deleteNetns(name: string): Promise<void> {
  const exists = await fs.access(`${NETNS_DIR}/${name}`).then(() => true, () => false);
  if (exists) await runCommand('ip', ['netns', 'del', name]);
}

export async function netnsWithPrefix(prefix: string): Promise<string[]> {
  const names = await fs.readdir(NETNS_DIR).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(prefix));
}

/** Runs a CNI plugin (ADD, DEL, CHECK) with a network configuration; returns its JSON result. */
export async function cni(command: 'ADD' | 'DEL', plugin: string, conf: object, env: { containerId: string; netns: string; ifname: string }): Promise<unknown> {
  const { stdout } = await runCommand(`${CNI_PATH}/${plugin}`, [], {
    input: JSON.stringify(conf),
    env: {
      CNI_COMMAND: command,
      CNI_CONTAINERID: env.containerId,
      CNI_NETNS: env.netns,
      CNI_IFNAME: env.ifname,
      CNI_PATH,
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    },
  }).catch((err: { stdout?: string; message: string }) => {
    let msg = err.message;
    try {
      const parsed = JSON.parse(err.stdout ?? '') as { msg?: string; details?: string };
      if (parsed.msg) msg = parsed.details ? `${parsed.msg}: ${parsed.details}` : parsed.msg;
    } catch {
      // not JSON: keep the command's message
    }
    throw new Error(`CNI ${plugin} ${command} failed: ${msg}`);
  });
  return stdout.trim() ? JSON.parse(stdout) : null;
}
