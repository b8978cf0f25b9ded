import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthRegistry } from '@berth/sdk/testing';
import { TestDaemon, docker, importBusybox, startDocker } from '../support/berthd.js';

let d: TestDaemon;
const contexts: string[] = [];
const LEGACY = { DOCKER_BUILDKIT: '0' };

/** A build context directory with these files (removed after the tests). */
function context(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-buildf-'));
  contexts.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
}, 60_000);
afterAll(async () => {
  await d?.destroy();
  for (const dir of contexts) fs.rmSync(dir, { recursive: true, force: true });
});

describe('docker build: heredocs', () => {
  it('runs RUN heredocs (plain, <<-, quoted, #!, several) and writes COPY/ADD heredocs, with and without DOCKER_BUILDKIT=0', async () => {
    const dir = context({
      Dockerfile: [
        'FROM busybox',
        'ARG NAME=world',
        'RUN <<EOF',
        'echo "hello $NAME" > /greeting',
        '# a comment in the script, not the Dockerfile',
        'mkdir -p /out',
        'EOF',
        'RUN <<-EOT',
        '\techo tabbed > /out/tabbed',
        '\tEOT',
        "RUN cat <<'EOF' > /out/literal",
        '$NAME stays',
        'EOF',
        'RUN <<EOF',
        '#!/bin/sh',
        'echo "script $0" > /out/shebang',
        'EOF',
        'RUN cat <<A > /out/two && sh <<B >> /out/two',
        'first',
        'A',
        'echo second $NAME',
        'B',
        'COPY <<EOF /etc/app.conf',
        'name=${NAME} "quoted"',
        'EOF',
        'COPY <<"EOF" /etc/raw.conf',
        'name=${NAME}',
        'EOF',
        'ADD <<one <<two /multi/',
        '1',
        'one',
        '2',
        'two',
        'CMD cat /greeting /out/tabbed /out/literal /out/shebang /out/two /etc/app.conf /etc/raw.conf /multi/one /multi/two',
        '',
      ].join('\n'),
    });
    const expected = 'hello there\ntabbed\n$NAME stays\nscript /dev/pipes/EOF\nfirst\nsecond there\nname=there "quoted"\nname=${NAME}\n1\n2\n';
    for (const [tag, env] of [['heredoc:legacy', LEGACY], ['heredoc:default', {}]] as const) {
      const res = await docker(d, ['build', '--no-cache', '--build-arg', 'NAME=there', '-t', tag, dir], { timeoutMs: 60_000, env });
      expect(res.stderr).not.toMatch(/error/i);
      expect(res.code).toBe(0);
      expect((await docker(d, ['run', '--rm', tag])).stdout).toBe(expected);
    }
    const mode = await docker(d, ['run', '--rm', 'heredoc:legacy', 'stat', '-c', '%a', '/etc/app.conf']);
    expect(mode.stdout).toBe('644\n');
    const again = await docker(d, ['build', '--build-arg', 'NAME=there', '-t', 'heredoc:legacy', dir], { timeoutMs: 60_000 });
    expect(again.stdout).not.toContain('Running in');

    const open = context({ Dockerfile: 'FROM busybox\nRUN <<EOF\necho never ends\n' });
    const bad = await docker(d, ['build', open], { timeoutMs: 30_000 });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 2: unterminated heredoc <<EOF');
  }, 120_000);
});

describe('docker build: RUN options', () => {
  it('keeps cache mounts between builds and restarts, until builder prune; binds are read-only or throw-away; tmpfs', async () => {
    const dir = context({
      Dockerfile: `FROM busybox AS base
RUN mkdir /out && echo from-stage > /out/s.txt
FROM busybox
RUN --mount=type=cache,target=/cache sh -c 'echo x >> /cache/count; wc -l < /cache/count > /seen'
RUN --mount=type=cache,id=owned,target=/var/c2,uid=1000,gid=1000,mode=0700 stat -c '%u %g %a' /var/c2 > /c2stat
RUN --mount=type=bind,source=data,target=/mnt sh -c 'cat /mnt/file > /bound; (touch /mnt/x 2>/dev/null && echo rw || echo ro) > /bindmode'
RUN --mount=type=bind,source=data,target=/mnt,rw sh -c 'touch /mnt/new && ls /mnt > /rwlist'
RUN --mount=type=bind,source=data,target=/mnt ls /mnt > /afterlist
RUN --mount=type=bind,from=base,source=/out,target=/b --mount=type=tmpfs,target=/scratch sh -c 'cat /b/s.txt > /fromstage; grep -c " /scratch tmpfs" /proc/mounts > /tmpfs'
RUN --network=none --security=sandbox sh -c 'grep -c : /proc/net/dev > /links-none'
RUN --network=default sh -c 'grep -c : /proc/net/dev > /links-default'
CMD cat /seen /c2stat /bound /bindmode /rwlist /afterlist /fromstage /tmpfs /links-none
`,
      'data/file': 'bound content\n',
    });
    const build = async (): Promise<string> => {
      const res = await docker(d, ['build', '--no-cache', '-t', 'mounts', dir], { timeoutMs: 60_000, env: LEGACY });
      expect(res.stderr).not.toMatch(/error/i);
      expect(res.code).toBe(0);
      return (await docker(d, ['run', '--rm', 'mounts'])).stdout;
    };
    const first = await build();
    expect(first).toBe('1\n1000 1000 700\nbound content\nro\nfile\nnew\nfile\nfrom-stage\n1\n1\n');
    const links = await docker(d, ['run', '--rm', 'mounts', 'cat', '/links-default']);
    expect(Number(links.stdout)).toBeGreaterThan(1);
    // Mount targets the image did not have are not left in it.
    const gone = await docker(d, ['run', '--rm', 'mounts', 'sh', '-c', 'ls -d /cache /var/c2 /mnt /b /scratch 2>&1 | grep -c "No such file"']);
    expect(gone.stdout).toBe('5\n');
    expect((await build()).split('\n')[0]).toBe('2');
    await d.kill();
    await d.launch();
    expect((await build()).split('\n')[0]).toBe('3');
    expect((await docker(d, ['builder', 'prune', '-f'])).code).toBe(0);
    expect((await build()).split('\n')[0]).toBe('1');
  }, 180_000);

  it('names the bad option of RUN --mount, --network and --security', async () => {
    const cases: Array<[string, string]> = [
      ['RUN --mount=type=cache,target=/x,bogus=1 true', 'unknown option bogus for a cache mount'],
      ['RUN --mount=type=volume,target=/x true', 'unknown mount type volume'],
      ['RUN --mount=type=cache true', 'a target is required'],
      ['RUN --mount=type=bind,source=nope,target=/x true', 'source nope not found in the build context'],
      ['RUN --network=wifi true', 'RUN --network=wifi: unknown network mode'],
      ['RUN --security=insecure true', 'RUN --security=insecure is not supported'],
      ['RUN --frobnicate true', 'RUN --frobnicate: unknown option'],
    ];
    for (const [line, message] of cases) {
      const dir = context({ Dockerfile: `FROM busybox\n${line}\n` });
      const res = await docker(d, ['build', dir], { timeoutMs: 30_000 });
      expect(res.code, line).toBe(1);
      expect(res.stderr, line).toContain(message);
    }
    expect((await docker(d, ['ps', '-aq'])).stdout).toBe('');
  }, 60_000);
});

describe('docker build: ADD from URLs', () => {
  let server: http.Server;
  let base = '';
  let requests = 0;
  const body = 'downloaded content\n';
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests++;
      if (req.url !== '/files/file.txt') return void res.writeHead(404).end();
      res.writeHead(200, { 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT', 'Content-Type': 'text/plain' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads with --checksum (mtime from Last-Modified, cached by the checksum) and refuses a mismatch and git', async () => {
    const dir = context({ Dockerfile: `FROM busybox\nADD --checksum=${digest} ${base}/files/file.txt /dl/\nADD ${base}/files/file.txt /named.txt\n` });
    const res = await docker(d, ['build', '-t', 'urls', dir], { timeoutMs: 60_000 });
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.code).toBe(0);
    const check = await docker(d, ['run', '--rm', 'urls', 'sh', '-c', 'cat /dl/file.txt /named.txt; stat -c "%a %Y" /dl/file.txt']);
    expect(check.stdout).toBe(`${body}${body}600 1445412480\n`);
    const before = requests;
    const again = await docker(d, ['build', '-t', 'urls', dir], { timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    expect(again.stdout.match(/Using cache/g)?.length).toBe(2);
    // Only the ADD without a checksum downloads again (its content is its cache key).
    expect(requests - before).toBe(1);

    const wrong = `sha256:${'0'.repeat(64)}`;
    const bad = context({ Dockerfile: `FROM busybox\nADD --checksum=${wrong} ${base}/files/file.txt /dl/\n` });
    const mismatch = await docker(d, ['build', '-t', 'urls:bad', bad], { timeoutMs: 30_000 });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain(`ADD ${base}/files/file.txt: checksum mismatch: expected ${wrong}, got ${digest}`);
    expect((await docker(d, ['image', 'inspect', 'urls:bad'])).code).toBe(1);

    const missing = context({ Dockerfile: `FROM busybox\nADD ${base}/nope.txt /x\n` });
    const notFound = await docker(d, ['build', missing], { timeoutMs: 30_000 });
    expect(notFound.stderr).toContain(`ADD ${base}/nope.txt: download failed: the server answered 404`);
    const git = context({ Dockerfile: 'FROM busybox\nADD https://example.com/repo.git /src\n' });
    const refused = await docker(d, ['build', git], { timeoutMs: 30_000 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('adding a git repository is not supported by this builder');
  }, 90_000);
});

describe('docker build: stages and query parameters', () => {
  it('builds independent stages at the same time, printing them in order, and skips what the target does not need', async () => {
    // Each of the two stages waits for the other's mark in a shared cache mount: only a concurrent build finishes.
    const wait = (me: string, other: string): string =>
      `RUN --mount=type=cache,id=handshake,target=/s sh -c 'touch /s/${me}; i=0; while [ ! -e /s/${other} ]; do i=$((i+1)); [ $i -gt 300 ] && exit 1; sleep 0.1; done; echo ${me} > /${me}'`;
    const dir = context({
      Dockerfile: `FROM busybox AS a\n${wait('a', 'b')}\nFROM busybox AS b\n${wait('b', 'a')}\nFROM busybox AS unused\nRUN echo unused-stage-ran\nFROM busybox\nCOPY --from=a /a /\nCOPY --from=b /b /\nCMD cat /a /b\n`,
    });
    const res = await docker(d, ['build', '-t', 'parallel', dir], { timeoutMs: 60_000, env: LEGACY });
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain('unused-stage-ran');
    const steps = [...res.stdout.matchAll(/^Step (\d+)\/(\d+) : /gm)].map((m) => Number(m[1]));
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Each stage's lines stay together: stage b's FROM comes after stage a's RUN output.
    expect(res.stdout.indexOf('Step 3/8 : FROM busybox AS b')).toBeGreaterThan(res.stdout.indexOf('Step 2/8 : RUN'));
    expect((await docker(d, ['run', '--rm', 'parallel'])).stdout).toBe('a\nb\n');
  }, 90_000);

  it('stops every stage when the client goes away, leaving no container and no image', async () => {
    const dir = context({ Dockerfile: 'FROM busybox AS a\nRUN echo a-started; sleep 60\nFROM busybox AS b\nRUN echo b-started; sleep 60\nFROM busybox\nCOPY --from=a /etc/hostname /a\nCOPY --from=b /etc/hostname /b\n' });
    const images = (await docker(d, ['images', '-aq'])).stdout;
    const build = startDocker(d, ['build', '-t', 'interrupted', dir], { timeoutMs: 60_000 });
    const until = async (done: () => Promise<boolean>): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // Stage b's output is held back while a runs, so both containers show in ps.
    await until(async () => (await docker(d, ['ps', '-q'])).stdout.trim().split('\n').filter(Boolean).length === 2);
    build.interrupt();
    const res = await build.done;
    expect(res.code).not.toBe(0);
    await until(async () => (await docker(d, ['ps', '-aq'])).stdout === '');
    expect((await docker(d, ['images', '-aq'])).stdout).toBe(images);
  }, 60_000);

  it('--pull fetches the base from its registry even when an image of that name is present', async () => {
    const registry = await startBerthRegistry();
    try {
      const base = `${registry.host}/base/bb:1`;
      expect((await docker(d, ['tag', 'busybox', base])).code).toBe(0);
      expect((await docker(d, ['push', base], { timeoutMs: 60_000 })).code).toBe(0);
      // The local image of that name now differs from the registry's.
      const local = context({ Dockerfile: 'FROM busybox\nRUN echo local > /marker\n' });
      expect((await docker(d, ['build', '-t', base, local], { timeoutMs: 30_000 })).code).toBe(0);
      const dir = context({ Dockerfile: `FROM ${base}\nRUN cat /marker 2>/dev/null || echo from-registry\n` });
      const present = await docker(d, ['build', '--no-cache', dir], { timeoutMs: 30_000 });
      expect(present.stdout).toContain('local\n');
      const pulled = await docker(d, ['build', '--no-cache', '--pull', dir], { timeoutMs: 60_000 });
      expect(pulled.code).toBe(0);
      expect(pulled.stdout).toContain('from-registry\n');
    } finally {
      await registry.stop();
    }
  }, 90_000);

  it('reuses the steps of --cache-from images; accepts --platform of the host and refuses another', async () => {
    const dir = context({ Dockerfile: 'FROM busybox\nRUN echo built > /x\nCOPY Dockerfile /\nCMD ["cat", "/x"]\n' });
    const ok = await docker(d, ['build', '--platform', 'linux/amd64', '--cache-from', 'nothing-here', '-t', 'plat', dir], { timeoutMs: 30_000 });
    expect(ok.code).toBe(0);
    expect((await docker(d, ['builder', 'prune', '-f'])).code).toBe(0);
    const from = await docker(d, ['build', '--cache-from', 'plat', '-t', 'plat:2', dir], { timeoutMs: 30_000 });
    expect(from.code).toBe(0);
    expect(from.stdout.match(/Using cache/g)?.length).toBe(3);
    expect(from.stdout).not.toContain('Running in');
    expect((await docker(d, ['run', '--rm', 'plat:2'])).stdout).toBe('built\n');
    // Every step from the image: the same image, as with dockerd.
    const id = async (ref: string): Promise<string> => (await docker(d, ['inspect', '-f', '{{.Id}}', ref])).stdout;
    expect(await id('plat:2')).toBe(await id('plat'));
    expect((await docker(d, ['builder', 'prune', '-f'])).code).toBe(0);
    const without = await docker(d, ['build', '-t', 'plat:3', dir], { timeoutMs: 30_000 });
    expect(without.stdout).toContain('Running in');
    const other = await docker(d, ['build', '--platform', 'linux/arm64', dir], { timeoutMs: 30_000 });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('platform linux/arm64 is not supported: this daemon builds for linux/amd64 only');
  }, 60_000);
});
