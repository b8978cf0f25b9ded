import { type ChildProcess, spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';
import { until } from '../support/poll.js';

let d: TestDaemon;
let tag: string;
/** A /24 of this daemon's own for `--subnet` (10.213.1.0/24 is the benchmarks' dockerd). */
let side = '';
const run = (args: string[]) => docker(d, args);
const sh = (args: string): string => execFileSync('sh', ['-c', args], { encoding: 'utf8' });
const inspect = async (what: string) => JSON.parse((await run(['inspect', what])).stdout)[0];

/** A namespace of our own beside the host (a veth pair), standing for "the outside". */
const peer = { ns: '', hostIp: '', ip: '', httpd: null as ChildProcess | null, dir: '' };

beforeAll(async () => {
  d = await TestDaemon.start();
  tag = createHash('sha256').update(d.dataRoot).digest('hex').slice(0, 8);
  await importBusybox(d);
  const third = Number.parseInt(tag.slice(0, 2), 16);
  side = `10.213.${Math.max(2, Number.parseInt(tag.slice(2, 4), 16))}`;
  Object.assign(peer, { ns: `btpeer-${tag}`, hostIp: `198.19.${third}.1`, ip: `198.19.${third}.2`, dir: fs.mkdtempSync('/tmp/bt-peer-') });
  sh(`ip netns add ${peer.ns} && ip link add bp${tag} type veth peer name eth0 netns ${peer.ns}
      ip addr add ${peer.hostIp}/30 dev bp${tag} && ip link set bp${tag} up
      ip -n ${peer.ns} addr add ${peer.ip}/30 dev eth0 && ip -n ${peer.ns} link set eth0 up && ip -n ${peer.ns} link set lo up`);
  // A CGI that prints the address a request came from: NAT shows as the host's address.
  fs.mkdirSync(path.join(peer.dir, 'cgi-bin'));
  fs.writeFileSync(path.join(peer.dir, 'cgi-bin/from'), '#!/bin/busybox sh\necho "Content-Type: text/plain"\necho\necho "$REMOTE_ADDR"\n', { mode: 0o755 });
  peer.httpd = spawn('ip', ['netns', 'exec', peer.ns, '/bin/busybox', 'httpd', '-f', '-p', '8099', '-h', peer.dir], { stdio: 'ignore' });
}, 60_000);

afterAll(async () => {
  peer.httpd?.kill('SIGKILL');
  if (peer.ns) sh(`ip netns del ${peer.ns} 2>/dev/null; ip link del bp${tag} 2>/dev/null; rm -rf ${peer.dir}; true`);
  await d?.destroy();
});

/** The host's own address outside our bridges (eth0's). */
function hostAddress(): string {
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    if (name.startsWith('b') || name === 'lo') continue;
    const v4 = addrs?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  throw new Error('no host address');
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '0.0.0.0');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Sends "hi" over UDP and returns the reply, or '' after a while. */
function udpEcho(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => done(''), 500);
    const done = (text: string): void => {
      clearTimeout(timer);
      socket.close();
      resolve(text);
    };
    socket.on('message', (msg) => done(msg.toString()));
    socket.send('hi', port, host);
  });
}

/** Python sending one TCP SYN out of eth0 to a MAC address: dst, port, mac, src. */
const RAW_SYN = `import socket, struct, sys
dst, port, mac, src = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3].replace(':', '')), socket.inet_aton(sys.argv[4])
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
d = socket.inet_aton(dst)
tcp = struct.pack('!HHIIBBHHH', 40000, port, 1, 0, 0x50, 0x02, 64240, 0, 0)
tcp = tcp[:16] + struct.pack('!H', csum(src + d + struct.pack('!BBH', 0, 6, len(tcp)) + tcp)) + tcp[18:]
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, d)
ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
own = bytes.fromhex(open('/sys/class/net/eth0/address').read().strip().replace(':', ''))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
s.send(mac + own + b'\\x08\\x00' + ip + tcp)`;

const WEB = ['sh', '-c', 'mkdir -p /srv && echo "hello from $(hostname)" > /srv/index.html && exec httpd -f -p 80 -h /srv'];

describe('networks', () => {
  it('lets containers on a user network reach each other by name, alias and short id, and no one else', async () => {
    const created = await run(['network', 'create', '--label', 'team=a', 'appnet']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const web = await run(['run', '-d', '--name', 'web', '--network', 'appnet', '--network-alias', 'www', 'busybox', ...WEB]);
    expect(web.code).toBe(0);
    const short = web.stdout.trim().slice(0, 12);
    const fetch = (host: string, net = 'appnet') => run(['run', '--rm', '--network', net, 'busybox', 'timeout', '5', 'wget', '-qO-', `http://${host}/`]);
    const byName = await until(() => fetch('web'), (r) => r.code === 0, 10_000);
    expect(byName.stdout).toBe(`hello from ${short}\n`);
    expect((await fetch('www')).stdout).toBe(`hello from ${short}\n`);
    expect((await fetch(short)).stdout).toBe(`hello from ${short}\n`);

    const gateway = (await run(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'appnet'])).stdout.trim();
    const resolv = await run(['run', '--rm', '--network', 'appnet', 'busybox', 'cat', '/etc/resolv.conf']);
    expect(resolv.stdout).toMatch(new RegExp(`^nameserver ${gateway.replace(/\./g, '\\.')}$`, 'm'));
    // The default bridge has no name resolution, and its containers are not on appnet.
    expect((await run(['run', '--rm', 'busybox', 'nslookup', 'web'])).code).not.toBe(0);
  });

  it('shows addresses, gateways and MAC addresses in inspect, and the container in network inspect', async () => {
    const ctr = await inspect('web');
    const ep = ctr.NetworkSettings.Networks.appnet;
    const network = JSON.parse((await run(['network', 'inspect', 'appnet'])).stdout)[0];
    expect(network).toMatchObject({ Name: 'appnet', Driver: 'bridge', Scope: 'local', Internal: false, Labels: { team: 'a' } });
    expect(ep.IPAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(ep.Gateway).toBe(network.IPAM.Config[0].Gateway);
    expect(ep.MacAddress).toBe(`02:42:${ep.IPAddress.split('.').map((b: string) => Number(b).toString(16).padStart(2, '0')).join(':')}`);
    expect(ep.Aliases).toEqual(['www']);
    expect(network.Containers[ctr.Id]).toMatchObject({ Name: 'web', IPv4Address: `${ep.IPAddress}/${ep.IPPrefixLen}`, MacAddress: ep.MacAddress });
    expect(ctr.NetworkSettings.SandboxKey).toMatch(new RegExp(`^/run/netns/berth-${tag}-`));
    expect(fs.readFileSync(ctr.HostsPath, 'utf8')).toContain(`${ep.IPAddress}\t${ctr.Config.Hostname}`);

    const onBridge = await run(['run', '--rm', 'busybox', 'sh', '-c', 'ip addr show eth0 | grep "inet "; ip route | grep default']);
    expect(onBridge.stdout).toMatch(/inet \d+\.\d+\.\d+\.\d+\/\d+/);
    expect(onBridge.stdout).toMatch(/default via \d+\.\d+\.\d+\.\d+/);
  });

  it('NATs outbound traffic, and --internal networks have none', async () => {
    // busybox httpd shows the peer as an IPv4-mapped address
    const source = (out: string) => out.trim().replace(/^\[::ffff:(.*)\]$/, '$1');
    const from = (netName: string) => run(['run', '--rm', '--network', netName, 'busybox', 'timeout', '5', 'wget', '-qO-', `http://${peer.ip}:8099/cgi-bin/from`]);
    const nat = await until(() => from('appnet'), (r) => r.code === 0, 5000);
    expect(source(nat.stdout)).toBe(peer.hostIp);
    expect(source((await from('bridge')).stdout)).toBe(peer.hostIp);

    expect((await run(['network', 'create', '--internal', 'sealed'])).code).toBe(0);
    expect((await from('sealed')).code).not.toBe(0);
    const toHost = await run(['run', '--rm', '--network', 'sealed', 'busybox', 'sh', '-c', `ip route; nc -w 2 ${hostAddress()} 22 </dev/null && echo reached`]);
    expect(toHost.stdout).not.toMatch(/default|reached/);
  });

  it('publishes ports on the host, on localhost and to other containers', async () => {
    const fixed = await freePort();
    const r = await run(['run', '-d', '--name', 'pub', '-p', `${fixed}:80`, '-p', '127.0.0.1::80/tcp', 'busybox', ...WEB]);
    expect(r.code).toBe(0);
    const ports = (await run(['port', 'pub'])).stdout;
    expect(ports).toContain(`80/tcp -> 0.0.0.0:${fixed}\n`);
    const local = /80\/tcp -> 127\.0\.0\.1:(\d+)/.exec(ports)![1];
    const curl = (url: string) => until(async () => { try { return execFileSync('curl', ['-s', '-m', '3', url], { encoding: 'utf8' }); } catch { return ''; } }, (s) => s !== '', 5000);
    expect(await curl(`http://${hostAddress()}:${fixed}/`)).toMatch(/^hello from/);
    expect(await curl(`http://127.0.0.1:${local}/`)).toMatch(/^hello from/);
    expect(await curl(`http://localhost:${fixed}/`)).toMatch(/^hello from/);
    // TCP to 127.0.0.1 is NATed in the kernel like the rest (not relayed by berthd): the
    // container sees the host's connection from the bridge's address, with its own port
    const cgi = 'mkdir -p /srv/cgi-bin && { echo "#!/bin/sh"; echo "echo Content-Type: text/plain"; echo echo; echo "echo \\$REMOTE_ADDR:\\$REMOTE_PORT"; } > /srv/cgi-bin/from && chmod +x /srv/cgi-bin/from && exec httpd -f -p 80 -h /srv';
    expect((await run(['run', '-d', '--name', 'pnat', '-p', '127.0.0.1::80', 'busybox', 'sh', '-c', cgi])).code).toBe(0);
    const natPort = /127\.0\.0\.1:(\d+)/.exec((await run(['port', 'pnat', '80/tcp'])).stdout)![1];
    const clientPort = await freePort();
    const seen = await until(async () => { try { return execFileSync('curl', ['-s', '-m', '3', '--local-port', String(clientPort), `http://127.0.0.1:${natPort}/cgi-bin/from`], { encoding: 'utf8' }); } catch { return ''; } }, (s) => s !== '', 5000);
    expect(seen.trim().replace(/^\[::ffff:(.+)\]/, '$1')).toBe(`${(await inspect('pnat')).NetworkSettings.Gateway}:${clientPort}`);
    expect((await run(['run', '--rm', 'busybox', 'timeout', '5', 'wget', '-qO-', `http://${hostAddress()}:${fixed}/`])).stdout).toMatch(/^hello from/);
    expect((await run(['ps', '--filter', 'name=pub', '--format', '{{.Ports}}'])).stdout).toContain(`0.0.0.0:${fixed}->80/tcp`);

    const all = await run(['run', '-d', '--name', 'pall', '-P', '--expose', '80', '--expose', '81/udp', 'busybox', 'sleep', '60']);
    expect(all.code).toBe(0);
    expect((await run(['port', 'pall'])).stdout).toMatch(/^80\/tcp -> 0\.0\.0\.0:\d+\n81\/udp -> 0\.0\.0\.0:\d+\n$/);

    // UDP: an echo server in the container's namespace (busybox has no UDP server applet)
    const udp = await run(['run', '-d', '--name', 'pudp', '-p', '127.0.0.1::9999/udp', '-p', `${fixed}:9999/udp`, 'busybox', 'sleep', '60']);
    expect(udp.code).toBe(0);
    const sandbox = path.basename((await inspect('pudp')).NetworkSettings.SandboxKey);
    const echo = spawn('ip', ['netns', 'exec', sandbox, 'python3', '-c',
      "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('0.0.0.0',9999))\nwhile True:\n d,a=s.recvfrom(99)\n s.sendto(b'echo '+d,a)"], { stdio: 'ignore' });
    try {
      const udpLocal = /9999\/udp -> 127\.0\.0\.1:(\d+)/.exec((await run(['port', 'pudp'])).stdout)![1]!;
      expect(await until(() => udpEcho('127.0.0.1', Number(udpLocal)), (s) => s !== '', 5000)).toBe('echo hi');
      expect(await until(() => udpEcho(hostAddress(), fixed), (s) => s !== '', 5000)).toBe('echo hi');
    } finally {
      echo.kill('SIGKILL');
    }

    const netnsBefore = sh('ip netns');
    const busy = await run(['run', '-d', '--name', 'busy', '-p', `${fixed}:80`, 'busybox', 'sleep', '60']);
    expect(busy.code).toBe(125);
    expect(busy.stderr).toContain(`0.0.0.0:${fixed}`);
    expect(sh('ip netns')).toBe(netnsBefore);
    expect((await run(['rm', 'busy'])).code).toBe(0);
  });

  it('keeps containers away from the host\'s 127.0.0.1 services (route_localnet is on for NATed loopback)', async () => {
    expect((await run(['run', '-d', '--name', 'probe', 'busybox', 'sleep', '60'])).code).toBe(0);
    const settings = (await inspect('probe')).NetworkSettings;
    const bridge = JSON.parse((await run(['network', 'inspect', 'bridge'])).stdout)[0].Options['com.docker.network.bridge.name'];
    const gatewayMac = fs.readFileSync(`/sys/class/net/${bridge}/address`, 'utf8').trim();
    // a source address no one holds, so the host's SYN-ACK stays unanswered and SYN-RECV stays visible
    const spoofed = settings.IPAddress.replace(/\.\d+$/, '.254');
    const listen = async (host: string): Promise<[net.Server, number]> => {
      const server = net.createServer().listen(0, host);
      await new Promise((r) => server.once('listening', r));
      return [server, (server.address() as net.AddressInfo).port];
    };
    const [local, localPort] = await listen('127.0.0.1');
    const [control, controlPort] = await listen(settings.Gateway);
    try {
      const sandbox = path.basename(settings.SandboxKey);
      // a hand-made SYN from the container's eth0 to the gateway's MAC (NET_RAW is a default capability)
      const syn = (dst: string, port: number) => execFileSync('ip', ['netns', 'exec', sandbox, 'python3', '-c', RAW_SYN, dst, String(port), gatewayMac, spoofed]);
      syn('127.0.0.1', localPort);
      syn(settings.Gateway, controlPort);
      const halfOpen = () => Promise.resolve(sh('ss -Htn state syn-recv'));
      expect(await until(halfOpen, (s) => s.includes(`${settings.Gateway}:${controlPort} `), 5000)).toContain(`${settings.Gateway}:${controlPort} `);
      expect(sh('ss -Htn state syn-recv')).not.toContain(`127.0.0.1:${localPort} `);
    } finally {
      local.close();
      control.close();
    }
  });

  it('connects and disconnects a running container', async () => {
    expect((await run(['network', 'create', '--subnet', `${side}.0/24`, '--ip-range', `${side}.128/25`, 'side'])).code).toBe(0);
    expect((await run(['run', '-d', '--name', 'solo', 'busybox', 'sleep', '60'])).code).toBe(0);
    const connect = await run(['network', 'connect', '--alias', 'lonely', '--ip', `${side}.200`, 'side', 'solo']);
    expect(connect).toMatchObject({ code: 0, stderr: '' });
    expect((await inspect('solo')).NetworkSettings.Networks.side.IPAddress).toBe(`${side}.200`);
    expect((await run(['exec', 'solo', 'ip', 'addr'])).stdout).toContain(`inet ${side}.200/24`);
    const ping = await until(() => run(['run', '--rm', '--network', 'side', 'busybox', 'ping', '-c', '1', '-W', '2', 'lonely']), (r) => r.code === 0, 5000);
    expect(ping.stdout).toContain(`${side}.200`);
    // solo itself now asks side's DNS server too
    const fromInside = await until(() => run(['exec', 'solo', 'nslookup', 'lonely']), (r) => r.code === 0, 5000);
    expect(fromInside.stdout).toContain(`${side}.200`);
    expect((await run(['run', '--rm', '--network', 'side', 'busybox', 'sh', '-c', 'ip addr show eth0'])).stdout).toMatch(new RegExp(`inet ${side.replace(/\./g, '\\.')}\\.(12[89]|1[3-9]\\d|2\\d\\d)/`));

    expect((await run(['network', 'disconnect', 'side', 'solo'])).code).toBe(0);
    expect((await inspect('solo')).NetworkSettings.Networks.side).toBeUndefined();
    expect((await run(['exec', 'solo', 'ip', 'addr'])).stdout).not.toContain(`${side}.200`);
    expect((await run(['run', '--rm', '--network', 'side', 'busybox', 'nslookup', 'lonely'])).code).not.toBe(0);
    const again = await run(['network', 'disconnect', 'side', 'solo']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not connected to network side/);
  });

  it('writes /etc/hosts, /etc/resolv.conf and /etc/hostname from --add-host, --dns and --hostname; host and none', async () => {
    const r = await run(['run', '--rm', '--dns', '10.9.9.9', '--dns-search', 'corp.test', '--add-host', 'db:10.1.2.3', '--hostname', 'box', 'busybox',
      'sh', '-c', 'cat /etc/resolv.conf /etc/hosts /etc/hostname; hostname']);
    expect(r.stdout).toMatch(/^nameserver 10\.9\.9\.9$/m);
    expect(r.stdout).toMatch(/^search corp\.test$/m);
    expect(r.stdout).toMatch(/^127\.0\.0\.1\tlocalhost$/m);
    expect(r.stdout).toMatch(/^10\.1\.2\.3\tdb$/m);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\.\d+\tbox$/m);
    expect(r.stdout).toMatch(/box\nbox\n$/);

    const host = await run(['run', '--rm', '--network', 'host', 'busybox', 'cat', '/proc/net/dev']);
    expect(host.stdout).toMatch(new RegExp(`b${tag}-`));
    const none = await run(['run', '--rm', '--network', 'none', 'busybox', 'cat', '/proc/net/dev']);
    expect(none.stdout.split('\n').filter((l) => l.includes(':')).map((l) => l.trim().split(':')[0])).toEqual(['lo']);
  });

  it('keeps networking of running containers across a berthd restart', async () => {
    const fixed = (await run(['port', 'pub', '80/tcp'])).stdout.match(/0\.0\.0\.0:(\d+)/)![1];
    await d.kill('SIGKILL');
    await d.launch();
    expect((await run(['run', '--rm', '--network', 'appnet', 'busybox', 'timeout', '5', 'wget', '-qO-', 'http://www/'])).stdout).toMatch(/^hello from/);
    expect(execFileSync('curl', ['-s', '-m', '3', `http://127.0.0.1:${fixed}/`], { encoding: 'utf8' })).toMatch(/^hello from/);
  });

  it('manages networks with the CLI: ls, inspect, rm, prune and bad input', async () => {
    const names = (await run(['network', 'ls', '--format', '{{.Name}} {{.Driver}}'])).stdout.split('\n');
    expect(names).toEqual(expect.arrayContaining(['bridge bridge', 'host host', 'none null', 'appnet bridge', 'sealed bridge']));
    expect((await run(['network', 'ls', '-q', '--filter', 'label=team=a'])).stdout).toMatch(/^[0-9a-f]{12}\n$/);

    const missing = await run(['network', 'inspect', 'nosuch']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('network nosuch not found');
    const dup = await run(['network', 'create', 'appnet']);
    expect(dup).toMatchObject({ code: 1 });
    expect(dup.stderr).toContain('network with name appnet already exists');
    const overlap = await run(['network', 'create', '--subnet', `${side}.0/25`, 'clash']);
    expect(overlap.code).toBe(1);
    expect(overlap.stderr).toMatch(/clash.*side|side.*clash/);
    const onHost = await run(['network', 'create', '--subnet', `${peer.hostIp.replace(/\.1$/, '.0')}/30`, 'hostclash']);
    expect(onHost.code).toBe(1);
    expect(onHost.stderr).toContain(`on device bp${tag}`);
    const inUse = await run(['network', 'rm', 'appnet']);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toMatch(/active endpoints \(web\)/);
    const predefined = await run(['network', 'rm', 'bridge']);
    expect(predefined.code).toBe(1);
    expect(predefined.stderr).toContain('bridge is a pre-defined network and cannot be removed');
    const badNet = await run(['run', '--rm', '--network', 'nosuch', 'busybox', 'true']);
    expect(badNet.code).toBe(125);
    expect(badNet.stderr).toContain('network nosuch not found');
    const alias = await run(['run', '--rm', '--network-alias', 'x', 'busybox', 'true']);
    expect(alias.code).toBe(125);
    expect(alias.stderr).toMatch(/network-scoped alias/);
    const aliasOnBridge = await run(['network', 'connect', '--alias', 'x', 'bridge', 'web']);
    expect(aliasOnBridge.code).toBe(1);
    expect(aliasOnBridge.stderr).toContain('network-scoped alias is supported only for containers in user defined networks');

    expect(await run(['network', 'rm', 'sealed'])).toMatchObject({ code: 0, stdout: 'sealed\n' });
    expect((await run(['rm', '-f', 'solo'])).code).toBe(0);
    expect((await run(['network', 'create', 'spare'])).code).toBe(0);
    const pruned = await run(['network', 'prune', '-f']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/^Deleted Networks:\n/);
    expect(pruned.stdout).toContain('spare\n');
    expect(pruned.stdout).toContain('side\n');
    expect(pruned.stdout).not.toContain('appnet');
  });

  it('leaves no device, namespace, rule or mount behind', async () => {
    const ids = (await run(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) expect((await run(['rm', '-f', ...ids])).code).toBe(0);
    expect((await run(['network', 'rm', 'appnet'])).code).toBe(0);
    await d.kill('SIGTERM');
    expect(sh('ip -o link')).not.toContain(`b${tag}-`);
    expect(sh('ip netns')).not.toContain(`berth-${tag}-`);
    expect(sh('iptables-save')).not.toContain(`BERTH-${tag}`);
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    expect(mounts).not.toContain(d.root);
    expect(mounts).not.toContain(`berth-${tag}-`);
    expect(sh('ps -eo args')).not.toContain(path.join(d.execRoot, 'aardvark'));
  });
});
