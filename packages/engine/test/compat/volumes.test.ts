import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';
import { until } from '../support/poll.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

const run = (args: string[]) => docker(d, args);
const lines = (text: string) => text.split('\n').filter(Boolean);
const volumeNames = async () => lines((await run(['volume', 'ls', '-q'])).stdout).sort();
const inspect = async (kind: 'volume' | 'container', ref: string) => JSON.parse((await run([kind, 'inspect', ref])).stdout)[0];
const mountpoint = (name: string) => path.join(d.dataRoot, 'volumes', name, '_data');

/** One raw Engine API call, for status codes the CLI does not print. */
function api(method: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: d.socket, method, path: urlPath }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Mounts of this daemon's data root left in the host's mount table. */
const leftoverMounts = () => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(d.dataRoot));

describe('docker volume create, ls, inspect, rm', () => {
  it('creates a volume with labels and shows it', async () => {
    expect(await run(['volume', 'create', '--label', 'a=b', 'demo-vol'])).toMatchObject({ code: 0, stdout: 'demo-vol\n' });
    const ls = await run(['volume', 'ls']);
    expect(ls.code).toBe(0);
    expect(lines(ls.stdout)[0]).toMatch(/^DRIVER\s+VOLUME NAME$/);
    expect(lines(ls.stdout)).toContainEqual(expect.stringMatching(/^local\s+demo-vol$/));
    expect(lines((await run(['volume', 'ls', '-q', '--filter', 'label=a=b'])).stdout)).toEqual(['demo-vol']);
    expect(lines((await run(['volume', 'ls', '-q', '--filter', 'label=a=c'])).stdout)).toEqual([]);
    expect(await inspect('volume', 'demo-vol')).toEqual({
      CreatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      Driver: 'local',
      Labels: { a: 'b' },
      Mountpoint: mountpoint('demo-vol'),
      Name: 'demo-vol',
      Options: null,
      Scope: 'local',
    });
    expect(fs.statSync(mountpoint('demo-vol')).isDirectory()).toBe(true);
  });

  it('keeps the local driver options and names anonymous volumes', async () => {
    expect((await run(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=10m', 'tmp-vol'])).code).toBe(0);
    expect((await inspect('volume', 'tmp-vol')).Options).toEqual({ type: 'tmpfs', device: 'tmpfs', o: 'size=10m' });
    const anon = await run(['volume', 'create']);
    expect(anon.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect((await inspect('volume', anon.stdout.trim())).Labels).toEqual({ 'com.docker.volume.anonymous': '' });
    expect((await run(['volume', 'rm', anon.stdout.trim()])).code).toBe(0);
  });

  it('refuses bad names and options, and unknown volumes, with dockerd messages', async () => {
    const bad = await run(['volume', 'create', 'bad/name']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Error response from daemon: create bad/name: "bad/name" includes invalid characters for a local volume name');
    const opt = await run(['volume', 'create', '-o', 'foo=bar', 'opt-vol']);
    expect(opt).toMatchObject({ code: 1, stderr: expect.stringContaining('create opt-vol: invalid option: "foo"') });
    const missing = await run(['volume', 'inspect', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('get nope: no such volume');
    expect(await api('GET', '/volumes/nope')).toEqual({ status: 404, body: '{"message":"get nope: no such volume"}\n' });
    expect((await api('GET', '/volumes?filters=%7B%22colour%22%3A%7B%22x%22%3Atrue%7D%7D')).status).toBe(400);
    expect(await volumeNames()).not.toContain('opt-vol');
  });

  it('removes a volume and its files; rm -f ignores a missing one', async () => {
    expect(await run(['volume', 'create', 'gone-vol'])).toMatchObject({ code: 0 });
    expect(await run(['volume', 'rm', 'gone-vol'])).toMatchObject({ code: 0, stdout: 'gone-vol\n' });
    expect(fs.existsSync(path.join(d.dataRoot, 'volumes', 'gone-vol'))).toBe(false);
    const again = await run(['volume', 'rm', 'gone-vol']);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('get gone-vol: no such volume') });
    expect(await run(['volume', 'rm', '-f', 'gone-vol'])).toMatchObject({ code: 0 });
  });
});

describe('containers with volumes, binds and tmpfs', () => {
  it('keeps data written by one container for the next one', async () => {
    const write = await run(['run', '--name', 'writer', '-v', 'shared:/data', 'busybox', 'sh', '-c', 'echo hello > /data/f']);
    expect(write.code).toBe(0);
    expect((await run(['rm', 'writer'])).code).toBe(0);
    expect(await run(['run', '--rm', '-v', 'shared:/data', 'busybox', 'cat', '/data/f'])).toMatchObject({ code: 0, stdout: 'hello\n' });
    expect(fs.readFileSync(path.join(mountpoint('shared'), 'f'), 'utf8')).toBe('hello\n');
  });

  it('mounts a host directory read-only with :ro and shows it in inspect', async () => {
    const host = fs.mkdtempSync(path.join(d.root, 'host-'));
    fs.writeFileSync(path.join(host, 'f'), 'from host\n');
    const ro = await run(['run', '--name', 'ro-bind', '-v', `${host}:/data:ro`, 'busybox', 'sh', '-c', 'cat /data/f; touch /data/x']);
    expect(ro.code).toBe(1);
    expect(ro.stdout).toBe('from host\n');
    expect(ro.stderr).toContain('Read-only file system');
    expect(fs.existsSync(path.join(host, 'x'))).toBe(false);
    expect((await inspect('container', 'ro-bind')).Mounts).toEqual([
      { Type: 'bind', Source: host, Destination: '/data', Mode: 'ro', RW: false, Propagation: 'rprivate' },
    ]);
    expect((await run(['rm', 'ro-bind'])).code).toBe(0);

    // Read-write, and -v creates a missing host directory as dockerd does.
    const made = path.join(host, 'made', 'here');
    expect((await run(['run', '--rm', '-v', `${made}:/out`, 'busybox', 'sh', '-c', 'echo out > /out/o'])).code).toBe(0);
    expect(fs.readFileSync(path.join(made, 'o'), 'utf8')).toBe('out\n');
  });

  it('mounts tmpfs from --mount and --tmpfs, and a tmpfs volume only while it is used', async () => {
    const mountLine = (dest: string) => `grep " ${dest} " /proc/mounts`;
    const viaMount = await run(['run', '--rm', '--mount', 'type=tmpfs,destination=/t,tmpfs-size=1m', 'busybox', 'sh', '-c', mountLine('/t')]);
    expect(viaMount.stdout).toMatch(/^tmpfs \/t tmpfs rw,nosuid,nodev,noexec,\S*size=1024k/);
    const viaTmpfs = await run(['run', '--rm', '--tmpfs', '/run:size=2m,exec', 'busybox', 'sh', '-c', mountLine('/run')]);
    expect(viaTmpfs.stdout).toMatch(/^tmpfs \/run tmpfs rw,nosuid,nodev,\S*size=2048k/);
    expect(viaTmpfs.stdout).not.toContain('noexec');

    const volume = await run(['run', '--rm', '-v', 'tmp-vol:/data', 'busybox', 'sh', '-c', `${mountLine('/data')}; echo x > /data/x`]);
    expect(volume.stdout).toMatch(/^tmpfs \/data tmpfs rw,\S*size=10240k/);
    expect(await until(async () => leftoverMounts().filter((l) => l.includes('tmp-vol')), (l) => l.length === 0)).toEqual([]);
    // The tmpfs went away with its last user, and its data with it.
    expect(fs.readdirSync(mountpoint('tmp-vol'))).toEqual([]);
  });

  it('shares a container\'s mounts with --volumes-from, read-only with :ro', async () => {
    expect((await run(['run', '--name', 'vsrc', '-v', 'from-vol:/shared', 'busybox', 'sh', '-c', 'echo from-src > /shared/f'])).code).toBe(0);
    expect(await run(['run', '--rm', '--volumes-from', 'vsrc', 'busybox', 'cat', '/shared/f'])).toMatchObject({ code: 0, stdout: 'from-src\n' });
    const ro = await run(['run', '--rm', '--volumes-from', 'vsrc:ro', 'busybox', 'touch', '/shared/g']);
    expect(ro).toMatchObject({ code: 1, stderr: expect.stringContaining('Read-only file system') });
    const bad = await run(['run', '--rm', '--volumes-from', 'no-such-ctr', 'busybox', 'true']);
    expect(bad).toMatchObject({ code: 125, stderr: expect.stringContaining('No such container: no-such-ctr') });
    expect((await run(['rm', 'vsrc'])).code).toBe(0);
  });

  it('fills an anonymous volume for an image VOLUME from the image and removes it with rm -v', async () => {
    const tar = path.join(d.root, 'vol-image.tar');
    execFileSync('python3', ['-c', `
import io, sys, tarfile
t = tarfile.open(sys.argv[1], 'w')
def add(name, data=None, **kw):
    info = tarfile.TarInfo(name)
    for k, v in kw.items(): setattr(info, k, v)
    if data is not None: info.size = len(data)
    t.addfile(info, io.BytesIO(data) if data is not None else None)
add('bin', type=tarfile.DIRTYPE, mode=0o755)
add('bin/busybox', open('/bin/busybox', 'rb').read(), mode=0o755)
for applet in ['sh', 'cat', 'stat', 'readlink', 'true']:
    add('bin/' + applet, type=tarfile.SYMTYPE, linkname='busybox')
add('data', type=tarfile.DIRTYPE, mode=0o750, uid=1234, gid=4321)
add('data/seed', b'seeded\\n', mode=0o640, uid=1234, gid=4321)
add('data/link', type=tarfile.SYMTYPE, linkname='/etc/passwd')
t.close()
`, tar]);
    expect((await run(['import', '-c', 'VOLUME /data', '-c', 'CMD ["sh"]', tar, 'voltest:1'])).code).toBe(0);
    const before = await volumeNames();

    const r = await run(['run', '--name', 'anon1', 'voltest:1', 'sh', '-c', 'cat /data/seed; stat -c "%u:%g %a" /data /data/seed; readlink /data/link']);
    expect(r).toMatchObject({ code: 0, stdout: 'seeded\n1234:4321 750\n1234:4321 640\n/etc/passwd\n' });
    const [mount] = (await inspect('container', 'anon1')).Mounts;
    expect(mount).toEqual({
      Type: 'volume', Name: expect.stringMatching(/^[0-9a-f]{64}$/), Source: mountpoint(mount.Name),
      Destination: '/data', Driver: 'local', Mode: '', RW: true, Propagation: '',
    });
    expect(await volumeNames()).toEqual([...before, mount.Name].sort());
    expect((await inspect('volume', mount.Name)).Labels).toEqual({ 'com.docker.volume.anonymous': '' });
    // The host's /etc/passwd was not copied: the link is kept as a link.
    expect(fs.lstatSync(path.join(mountpoint(mount.Name), 'link')).isSymbolicLink()).toBe(true);

    expect(await run(['rm', '-v', 'anon1'])).toMatchObject({ code: 0, stdout: 'anon1\n' });
    expect(await volumeNames()).toEqual(before);
    expect(fs.existsSync(path.join(d.dataRoot, 'volumes', mount.Name))).toBe(false);

    // --rm containers take their anonymous volumes with them; -v /path makes one too.
    expect(await run(['run', '--rm', 'voltest:1', 'cat', '/data/seed'])).toMatchObject({ code: 0, stdout: 'seeded\n' });
    expect(await run(['run', '--rm', '-v', '/cache', 'busybox', 'true'])).toMatchObject({ code: 0 });
    expect(await volumeNames()).toEqual(before);
  });

  it('refuses to remove a volume in use, naming the container (409)', async () => {
    const id = (await run(['run', '-d', '--name', 'user1', '-v', 'busy-vol:/data', 'busybox', 'sleep', '300'])).stdout.trim();
    const rm = await run(['volume', 'rm', 'busy-vol']);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toContain(`Error response from daemon: remove busy-vol: volume is in use - [${id}]`);
    expect(await api('DELETE', '/volumes/busy-vol?force=1')).toEqual({ status: 409, body: `{"message":"remove busy-vol: volume is in use - [${id}]"}\n` });
    // A stopped container still holds it, as in dockerd.
    expect((await run(['stop', '-t', '0', 'user1'])).code).toBe(0);
    expect((await run(['volume', 'rm', 'busy-vol'])).code).toBe(1);
    expect(lines((await run(['volume', 'ls', '-q', '--filter', 'dangling=false'])).stdout)).toContain('busy-vol');
    expect((await run(['rm', 'user1'])).code).toBe(0);
    expect(await run(['volume', 'rm', 'busy-vol'])).toMatchObject({ code: 0, stdout: 'busy-vol\n' });
  });

  it('gives the CLI dockerd\'s errors for bad mounts and leaves no container or volume behind', async () => {
    const containersBefore = (await run(['ps', '-aq'])).stdout;
    const volumesBefore = await volumeNames();
    const cases: [string[], string][] = [
      [['--mount', 'type=bind,source=/nonexistent-xyz,target=/x'], 'invalid mount config for type "bind": bind source path does not exist: /nonexistent-xyz'],
      [['-v', '/tmp:/'], `invalid volume specification: '/tmp:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`],
      [['-v', 'new-vol:/a', '-v', 'bad/name:/x'], 'create bad/name: "bad/name" includes invalid characters for a local volume name'],
      [['-v', 'new-vol:/a', '-v', '/x:/y:bogus'], 'invalid mode: bogus'],
      [['-v', 'new-vol:x'], `invalid volume specification: 'new-vol:x': invalid mount config for type "volume": invalid mount path: 'x' mount path must be absolute`],
      [['-v', 'new-vol:/a', '-v', 'other-vol:/a'], 'Duplicate mount point: /a'],
      [['--mount', 'type=volume,target=/x,readonly'], 'invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes'],
      [['--tmpfs', '/t:bogus'], 'invalid tmpfs option "bogus"'],
      [['-v', '/etc:/proc/sys'], `invalid volume specification: '/etc:/proc/sys': invalid mount config for type "bind": invalid mount path: '/proc/sys' may not be under /proc`],
    ];
    for (const [flags, message] of cases) {
      const r = await run(['run', '--rm', ...flags, 'busybox', 'true']);
      expect(r.code, flags.join(' ')).toBe(125);
      expect(r.stderr).toContain(`docker: Error response from daemon: ${message}`);
    }
    expect((await run(['ps', '-aq'])).stdout).toBe(containersBefore);
    expect(await volumeNames()).toEqual(volumesBefore);
  });

  it('keeps a running container\'s volumes across a daemon restart, and unmounts a tmpfs volume when it stops', async () => {
    expect((await run(['run', '-d', '--name', 'survivor', '-v', 'tmp-vol:/data', '-v', 'kept-vol:/kept', 'busybox', 'sh', '-c', 'echo alive > /data/a; sleep 300'])).code).toBe(0);
    await until(async () => (await run(['exec', 'survivor', 'cat', '/data/a'])).stdout, (out) => out === 'alive\n');
    await d.kill();
    await d.launch();
    expect(await run(['exec', 'survivor', 'cat', '/data/a'])).toMatchObject({ code: 0, stdout: 'alive\n' });
    expect((await run(['volume', 'rm', 'kept-vol'])).stderr).toContain('remove kept-vol: volume is in use');
    expect((await run(['stop', '-t', '0', 'survivor'])).code).toBe(0);
    expect(await until(async () => leftoverMounts().filter((l) => l.includes('tmp-vol')), (l) => l.length === 0)).toEqual([]);
    expect((await run(['rm', 'survivor'])).code).toBe(0);
    expect((await run(['volume', 'rm', 'kept-vol'])).code).toBe(0);
  });

  it('leaves no mount of the data root once the containers are gone', async () => {
    expect((await run(['run', '-d', '--name', 'mounted', '-v', 'shared:/data', '--tmpfs', '/run', '-v', `${d.root}:/host:ro`, 'busybox', 'sleep', '300'])).code).toBe(0);
    expect((await run(['rm', '-f', 'mounted'])).code).toBe(0);
    const ids = lines((await run(['ps', '-aq'])).stdout);
    if (ids.length > 0) await run(['rm', '-f', ...ids]);
    expect(await until(async () => leftoverMounts(), (l) => l.length === 0)).toEqual([]);
  });
});

describe('docker volume prune', () => {
  it('removes unused anonymous volumes, and named ones only with --all', async () => {
    expect((await run(['volume', 'create', '--label', 'keep=yes', 'keep-vol'])).code).toBe(0);
    expect((await run(['volume', 'create', 'named-vol'])).code).toBe(0);
    const anon = (await run(['volume', 'create'])).stdout.trim();
    fs.writeFileSync(path.join(mountpoint(anon), 'data'), 'x'.repeat(2048));
    const id = (await run(['create', '--name', 'holder', '-v', '/held', 'busybox', 'true'])).stdout.trim();
    const held = (await inspect('container', id)).Mounts[0].Name as string;

    const pruned = await run(['volume', 'prune', '-f']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toBe(`Deleted Volumes:\n${anon}\n\nTotal reclaimed space: 2.048kB\n`);
    expect(await volumeNames()).toEqual(expect.arrayContaining(['keep-vol', 'named-vol', held]));

    const all = await run(['volume', 'prune', '-f', '--all', '--filter', 'label!=keep=yes']);
    expect(all.code).toBe(0);
    expect(lines(all.stdout)).toContain('named-vol');
    expect(await volumeNames()).toEqual(expect.arrayContaining(['keep-vol', held]));
    expect(await volumeNames()).not.toContain('named-vol');
    expect((await run(['rm', '-v', 'holder'])).code).toBe(0);
    expect(await volumeNames()).not.toContain(held);
  });
});
