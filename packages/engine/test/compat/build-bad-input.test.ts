import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox, startDocker } from '../support/berthd.js';
import { until } from '../support/poll.js';

let d: TestDaemon;
let dir = '';
let sentinel = '';

/** A tar made by python's tarfile (so the test writes exactly the hostile entries it names). */
function hostileTar(file: string, entries: string): void {
  execFileSync('python3', ['-c', `import tarfile, io
def add(t, name, data=b'owned'):
    ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
def link(t, name, target):
    ti = tarfile.TarInfo(name); ti.type = tarfile.SYMTYPE; ti.linkname = target; t.addfile(ti)
with tarfile.open(${JSON.stringify(file)}, 'w') as t:
${entries.split('\n').map((l) => `    ${l}`).join('\n')}
`]);
}

beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-build-bad-'));
  sentinel = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-sentinel-'));
  fs.writeFileSync(path.join(sentinel, 'file'), 'keep\n');
  hostileTar(path.join(dir, 'dotdot.tar'), "add(t, '../escape.txt')");
  hostileTar(path.join(dir, 'absolute.tar'), `add(t, ${JSON.stringify(path.join(sentinel, 'abs.txt'))})`);
  hostileTar(path.join(dir, 'through-link.tar'), `link(t, 'link', ${JSON.stringify(sentinel)})\nadd(t, 'link/owned.txt')`);
  const files: Record<string, string> = {
    'Dockerfile.dotdot': 'FROM busybox\nADD dotdot.tar /dst/\n',
    'Dockerfile.absolute': 'FROM busybox\nADD absolute.tar /dst/\n',
    'Dockerfile.link': 'FROM busybox\nADD through-link.tar /dst/\n',
    'Dockerfile.outside': 'FROM busybox\nCOPY ../outside.txt /x\n',
    'Dockerfile.from': 'FROM busybox\nCOPY --from=nosuchstage /a /b\n',
    'Dockerfile.base': 'FROM nosuchimage:1\nRUN true\n',
    'Dockerfile.syntax': 'FROM busybox\nRUN true\nFROM\n',
    'Dockerfile.crash': 'FROM busybox\nRUN echo first > /first\nARG NAP=30\nRUN touch /marker && sleep $NAP\n',
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}, 60_000);
afterAll(async () => {
  await d?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(sentinel, { recursive: true, force: true });
});

const build = (dockerfile: string) => docker(d, ['build', '-q', '-f', path.join(dir, dockerfile), dir], { timeoutMs: 60_000 });
const leftovers = async () => ({
  containers: (await docker(d, ['ps', '-aq'])).stdout.trim(),
  incomplete: fs.readdirSync(path.join(d.dataRoot, 'layers')).filter((n) => n.endsWith('.incomplete')),
});

describe('docker build: bad input', () => {
  it('refuses hostile tars in ADD, naming the entry, with nothing written outside and nothing left behind', async () => {
    const cases: [string, RegExp][] = [
      ['Dockerfile.dotdot', /"\.\.\/escape\.txt" escapes the layer root/],
      ['Dockerfile.link', /"link\/owned\.txt" goes through "link", which is not a directory/],
    ];
    for (const [file, message] of cases) {
      const result = await build(file);
      expect(result.code, file).toBe(1);
      expect(result.stderr, file).toMatch(message);
    }
    // An absolute name is taken as relative to the destination, as Docker does: it lands in the image, not on the host.
    const absolute = await build('Dockerfile.absolute');
    expect(absolute.code, absolute.stderr).toBe(0);
    const inImage = await docker(d, ['run', '--rm', absolute.stdout.trim(), 'cat', path.join('/dst', sentinel, 'abs.txt')]);
    expect(inImage.stdout).toBe('owned');
    expect(fs.readdirSync(sentinel)).toEqual(['file']);
    expect(fs.readFileSync(path.join(sentinel, 'file'), 'utf8')).toBe('keep\n');
    expect(await leftovers()).toEqual({ containers: '', incomplete: [] });
  });

  it('names a source outside the context, a missing stage or image, and the line of a syntax error', async () => {
    const cases: [string, string][] = [
      ['Dockerfile.outside', '../outside.txt'],
      ['Dockerfile.from', 'nosuchstage'],
      ['Dockerfile.base', 'nosuchimage:1'],
      ['Dockerfile.syntax', 'FROM requires either one or three arguments (line 3)'],
    ];
    for (const [file, named] of cases) {
      const result = await build(file);
      expect(result.code, file).toBe(1);
      expect(result.stderr, file).toContain(named);
    }
    expect(await leftovers()).toEqual({ containers: '', incomplete: [] });
  });

  it('after berthd is killed in the middle of a RUN step, starts with the step container gone and nothing half committed', async () => {
    const client = startDocker(d, ['build', '-t', 'crashy', '-f', path.join(dir, 'Dockerfile.crash'), dir], { timeoutMs: 60_000 });
    await until(async () => (await docker(d, ['ps', '-q'])).stdout.trim(), (ids) => ids !== '', 30_000);
    await d.kill('SIGKILL');
    client.child.kill('SIGKILL');
    await d.launch();
    expect(await leftovers()).toEqual({ containers: '', incomplete: [] });
    expect((await docker(d, ['image', 'inspect', 'crashy'])).code).toBe(1);
    // The step that finished before the crash is cache; the build goes on from there.
    const rebuilt = await docker(d, ['build', '-t', 'crashy', '--build-arg', 'NAP=0', '-f', path.join(dir, 'Dockerfile.crash'), dir], { timeoutMs: 60_000 });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain('Using cache');
  }, 90_000);
});
