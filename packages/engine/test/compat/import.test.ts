import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

/** Writes a tar with python's tarfile, which (unlike GNU tar) keeps hostile names as given. */
function hostileTar(file: string, script: string): void {
  execFileSync('python3', ['-c', `
import io, tarfile, sys
t = tarfile.open(sys.argv[1], 'w')
def add(name, data=b'x', **kw):
    info = tarfile.TarInfo(name)
    for k, v in kw.items(): setattr(info, k, v)
    info.size = len(data) if info.type == tarfile.REGTYPE else 0
    t.addfile(info, io.BytesIO(data) if info.type == tarfile.REGTYPE else None)
${script}
t.close()
`, file]);
}

function snapshot(dir: string): string {
  return execFileSync('bash', ['-c', `cd '${dir}' && find . -printf '%p %m %s %T@\\n' | sort && find . -type f -exec sha256sum {} + | sort`]).toString();
}

describe('docker import of hostile archives', () => {
  const cases: [string, string, RegExp][] = [
    ['parent escape', `add('../escaped.txt')`, /escape|\.\./],
    ['symlink then a file through it', `add('link', type=tarfile.SYMTYPE, linkname='../../sentinel')\nadd('link/owned.txt')`, /symlink|link/],
    ['hard link to a file outside', `add('h', type=tarfile.LNKTYPE, linkname='../../sentinel/secret')`, /escapes|outside|\.\./],
    ['degenerate whiteout', `add('dir/.wh.')`, /whiteout/],
  ];

  for (const [name, script, pattern] of cases) {
    it(`refuses ${name} and touches nothing outside the engine`, async () => {
      const sentinel = path.join(d.root, 'sentinel');
      fs.mkdirSync(sentinel, { recursive: true });
      fs.writeFileSync(path.join(sentinel, 'secret'), 'keep me');
      const before = snapshot(sentinel);
      const tar = path.join(d.root, `evil-${name.replace(/\W+/g, '-')}.tar`);
      hostileTar(tar, script);
      const r = await docker(d, ['import', tar, 'evil:1']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(pattern);
      expect(snapshot(sentinel)).toBe(before);
      expect((await docker(d, ['images', '-q', 'evil'])).stdout).toBe('');
      expect((await docker(d, ['version'])).code).toBe(0);
    });
  }

  it('refuses unknown --change instructions and keeps going', async () => {
    const r = await docker(d, ['import', '-c', 'RUN echo hi', '-', 'changed:1'], { input: Buffer.alloc(1024) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/RUN/);
  });

  it('applies --change CMD, ENV and WORKDIR to the imported image', async () => {
    const save = path.join(d.root, 'rootfs.tar');
    execFileSync('bash', ['-c', `mkdir -p ${d.root}/rootfs/bin && cp /bin/busybox ${d.root}/rootfs/bin/ && ln -sf busybox ${d.root}/rootfs/bin/sh && ln -sf busybox ${d.root}/rootfs/bin/pwd && tar -C ${d.root}/rootfs -cf ${save} .`]);
    const imported = await docker(d, ['import', '-c', 'ENV GREETING=hello', '-c', 'WORKDIR /bin', '-c', 'CMD ["sh", "-c", "echo $GREETING from $(pwd)"]', save, 'changed:2']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect((await docker(d, ['run', '--rm', 'changed:2'])).stdout).toBe('hello from /bin\n');
  });
});
