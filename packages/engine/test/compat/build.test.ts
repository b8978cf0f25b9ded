import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

let d: TestDaemon;
let ctx: string;
const contexts: string[] = [];

/** A build context directory with these files (removed after the tests). */
function context(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-build-'));
  contexts.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const DOCKERFILE = `# a comment
FROM busybox
ARG GREETING=hello
RUN mkdir -p /data && echo "$GREETING built" > /data/built.txt \\
 && rm /bin/wget && echo step-output
COPY app.txt /srv/
ENV APP_MODE=prod \\
    OTHER="two words"
WORKDIR /srv
LABEL org.example.role=test
EXPOSE 8080
CMD ["sh", "-c", "cat /data/built.txt app.txt; echo $APP_MODE $OTHER; pwd"]
`;

beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
  ctx = context({ Dockerfile: DOCKERFILE, 'app.txt': 'app content\n' });
}, 60_000);
afterAll(async () => {
  await d?.destroy();
  for (const dir of contexts) fs.rmSync(dir, { recursive: true, force: true });
});

describe('docker build (legacy builder)', () => {
  it('builds, runs, shows history, and uses the cache on a rebuild', async () => {
    const first = await docker(d, ['build', '-t', 'app', '--build-arg', 'GREETING=hi', ctx], { timeoutMs: 60_000 });
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    const out = first.stdout;
    expect(out).toContain('Step 1/9 : FROM busybox\n');
    expect(out).toMatch(/Step 3\/9 : RUN mkdir -p \/data/);
    expect(out).toMatch(/ ---> Running in [0-9a-f]{12}\n/);
    expect(out).toContain('step-output\n');
    expect(out).toMatch(/Removing intermediate container [0-9a-f]{12}\n/);
    expect(out).toMatch(/ ---> [0-9a-f]{12}\n/);
    expect(out).toMatch(/Successfully built [0-9a-f]{12}\n/);
    expect(out).toContain('Successfully tagged app:latest\n');
    expect(out).not.toContain('Using cache');

    const run = await docker(d, ['run', '--rm', 'app']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('hi built\napp content\nprod two words\n/srv\n');
    const gone = await docker(d, ['run', '--rm', 'app', 'ls', '/bin/wget']);
    expect(gone.code).not.toBe(0);
    const still = await docker(d, ['run', '--rm', 'app', 'ls', '/bin/sh']);
    expect(still.code).toBe(0);

    const inspect = await docker(d, ['image', 'inspect', 'app', '--format', '{{json .Config}}']);
    const config = JSON.parse(inspect.stdout) as Record<string, unknown>;
    expect(config.WorkingDir).toBe('/srv');
    expect(config.Env).toContain('APP_MODE=prod');
    expect(config.Labels).toEqual({ 'org.example.role': 'test' });
    expect(config.ExposedPorts).toEqual({ '8080/tcp': {} });

    const history = await docker(d, ['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'app']);
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toContain('CMD ["sh" "-c"');
    expect(lines.some((l) => l.includes('|1 GREETING=hi /bin/sh -c mkdir -p /data'))).toBe(true);
    expect(lines.some((l) => /COPY file:[0-9a-f]{64} in \/srv\//.test(l))).toBe(true);

    const again = await docker(d, ['build', '-t', 'app', '--build-arg', 'GREETING=hi', ctx], { timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    expect(again.stdout.match(/ ---> Using cache/g)?.length).toBe(8);
    expect(again.stdout).not.toContain('Running in');
    const id = (s: string): string => /Successfully built ([0-9a-f]{12})/.exec(s)![1]!;
    expect(id(again.stdout)).toBe(id(out));

    const fresh = await docker(d, ['build', '--no-cache', '-t', 'app:fresh', '--build-arg', 'GREETING=hi', ctx], { timeoutMs: 60_000 });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).not.toContain('Using cache');
    expect(fresh.stdout).toContain('Running in');

    const prune = await docker(d, ['builder', 'prune', '-f']);
    expect(prune.code).toBe(0);
    const afterPrune = await docker(d, ['build', '-t', 'app', '--build-arg', 'GREETING=hi', ctx], { timeoutMs: 60_000 });
    expect(afterPrune.code).toBe(0);
    expect(afterPrune.stdout).not.toContain('Using cache');
    expect((await docker(d, ['ps', '-aq'])).stdout).toBe('');
  }, 60_000);

  it('fails a RUN with Docker\'s message and exit code; keeps the failed container unless --force-rm, as dockerd', async () => {
    const dir = context({ Dockerfile: 'FROM busybox\nRUN echo start\nRUN false\nCMD ["true"]\n' });
    const res = await docker(d, ['build', '-t', 'broken', dir], { timeoutMs: 30_000 });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("The command '/bin/sh -c false' returned a non-zero code: 1");
    const kept = (await docker(d, ['ps', '-aq'])).stdout.trim().split('\n').filter(Boolean);
    expect(kept).toHaveLength(1);
    expect(res.stdout).toContain(` ---> Running in ${kept[0]!.slice(0, 12)}`);
    await docker(d, ['rm', '-f', kept[0]!]);
    const forced = await docker(d, ['build', '--force-rm', '-t', 'broken', dir], { timeoutMs: 30_000 });
    expect(forced.code).toBe(1);
    expect((await docker(d, ['ps', '-aq'])).stdout).toBe('');
    expect((await docker(d, ['image', 'inspect', 'broken'])).code).toBe(1);
  }, 30_000);

  it('names a missing COPY source and an unknown instruction', async () => {
    const dir = context({ Dockerfile: 'FROM busybox\nCOPY nope.txt /x\n', 'Dockerfile.bad': 'FROM busybox\nFROBNICATE now\n' });
    const missing = await docker(d, ['build', dir], { timeoutMs: 30_000 });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.txt');
    const bad = await docker(d, ['build', '-f', path.join(dir, 'Dockerfile.bad'), dir], { timeoutMs: 30_000 });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 2: unknown instruction: FROBNICATE');
  }, 30_000);

  it('builds multi-stage with COPY --from and --target, skipping stages the target does not need', async () => {
    const dir = context({
      Dockerfile: `ARG BASE=busybox
FROM \${BASE} AS builder
RUN mkdir /out && echo compiled > /out/bin.txt
FROM busybox AS unused
RUN echo unused-stage-ran
FROM \${BASE}
COPY --from=builder /out/bin.txt /app/
CMD ["cat", "/app/bin.txt"]
`,
    });
    const res = await docker(d, ['build', '-t', 'multi', dir], { timeoutMs: 60_000 });
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain('unused-stage-ran');
    expect((await docker(d, ['run', '--rm', 'multi'])).stdout).toBe('compiled\n');
    const target = await docker(d, ['build', '--target', 'builder', '-t', 'multi:builder', dir], { timeoutMs: 60_000 });
    expect(target.code).toBe(0);
    expect((await docker(d, ['run', '--rm', 'multi:builder', 'cat', '/out/bin.txt'])).stdout).toBe('compiled\n');
    expect((await docker(d, ['run', '--rm', 'multi:builder', 'ls', '/app'])).code).not.toBe(0);
  }, 60_000);

  it('handles ADD of a tar, --chmod, --chown, .dockerignore, opaque directories and the config instructions', async () => {
    const dir = context({
      Dockerfile: `FROM busybox
SHELL ["/bin/sh", "-ec"]
RUN rm -rf /etc/network && mkdir /etc/network && echo new > /etc/network/only
ADD files.tgz /opt/
COPY --chmod=755 script.sh /usr/local/bin/
COPY --chown=1000:1000 . /ctx/
HEALTHCHECK --interval=5s --retries=2 CMD true
VOLUME /data
STOPSIGNAL SIGINT
ONBUILD RUN echo triggered
USER nobody
RUN whoami
ENTRYPOINT ["/usr/local/bin/script.sh"]
`,
      'script.sh': '#!/bin/sh\necho "script $(id -u) $*"\n',
      '.dockerignore': 'ignored.txt\n',
      'ignored.txt': 'secret\n',
      'kept.txt': 'kept\n',
      'src/a.txt': 'a\n',
      'src/sub/b.txt': 'b\n',
    });
    execFileSync('tar', ['-czf', path.join(dir, 'files.tgz'), '-C', path.join(dir, 'src'), 'a.txt', 'sub/b.txt']);
    const res = await docker(d, ['build', '-t', 'others', dir], { timeoutMs: 60_000 });
    expect(res.stderr).not.toContain('returned a non-zero code');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('nobody\n');
    expect((await docker(d, ['run', '--rm', 'others', 'arg'])).stdout).toBe('script 65534 arg\n');
    const check = await docker(d, ['run', '--rm', '--entrypoint', 'sh', 'others', '-c',
      'ls /etc/network; cat /opt/a.txt /opt/sub/b.txt; stat -c %a /usr/local/bin/script.sh; stat -c %u:%g /ctx/kept.txt; ls /ctx/ignored.txt 2>&1 || true']);
    expect(check.stdout).toBe('only\na\nb\n755\n1000:1000\nls: /ctx/ignored.txt: No such file or directory\n');
    const config = JSON.parse((await docker(d, ['image', 'inspect', 'others', '--format', '{{json .Config}}'])).stdout) as Record<string, unknown>;
    expect(config).toMatchObject({
      User: 'nobody',
      Entrypoint: ['/usr/local/bin/script.sh'],
      Volumes: { '/data': {} },
      StopSignal: 'SIGINT',
      OnBuild: ['RUN echo triggered'],
      Shell: ['/bin/sh', '-ec'],
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 5_000_000_000, Retries: 2 },
    });
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM others\nCMD ["x"]\n');
    const child = await docker(d, ['build', '-t', 'child', dir], { timeoutMs: 30_000 });
    expect(child.code).toBe(0);
    expect(child.stdout).toContain('# Executing 1 build trigger\n');
    expect(child.stdout).toContain('triggered\n');
  }, 60_000);
});
