import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker } from '../support/berthd.js';

let d: TestDaemon;
/** A few-applet busybox root filesystem as a tar, imported afresh by each test that needs an image. */
let rootfsTar: string;

beforeAll(async () => {
  d = await TestDaemon.start();
  const root = path.join(d.root, 'rootfs');
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
  fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
  for (const applet of ['sh', 'echo', 'sleep', 'true']) fs.symlinkSync('busybox', path.join(root, 'bin', applet));
  rootfsTar = path.join(d.root, 'rootfs.tar');
  execFileSync('tar', ['--numeric-owner', '-C', root, '-cf', rootfsTar, '.']);
});
afterAll(() => d?.destroy());

const run = (args: string[]) => docker(d, args);
const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const lines = (text: string) => text.split('\n').filter(Boolean);

/** `docker import` of the rootfs; returns the new image ID (`sha256:…`). */
async function importImage(tag: string | null, ...flags: string[]): Promise<string> {
  const r = await run(['import', '-c', 'CMD ["sh"]', ...flags, rootfsTar, ...(tag ? [tag] : [])]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  return r.stdout.trim();
}

/** `docker images --format` with repository:tag per line (only for the given reference pattern). */
async function listed(...args: string[]): Promise<string[]> {
  const r = await run(['images', '--format', '{{.Repository}}:{{.Tag}}', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return lines(r.stdout).sort();
}

describe('docker images', () => {
  it('lists an imported image with the table columns, -q and -a', async () => {
    const id = await importImage('ls-table:1');
    const r = await run(['images']);
    expect(r.code).toBe(0);
    const [header, ...rows] = lines(r.stdout);
    expect(header).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(rows.find((l) => l.startsWith('ls-table '))).toMatch(
      new RegExp(`^ls-table\\s+1\\s+${short(id)}\\s+(Less than a second|\\d+ seconds?) ago\\s+\\d+(\\.\\d+)?[kM]B$`),
    );
    expect((await run(['images', '-q', 'ls-table'])).stdout).toBe(`${short(id)}\n`);
    expect((await run(['images', '-q', '--no-trunc', 'ls-table:1'])).stdout).toBe(`${id}\n`);
    // Imported images have no parents, so -a (which adds intermediate images) shows the same set.
    const all = await run(['images', '-a', '-q']);
    expect(all.code).toBe(0);
    expect(lines(all.stdout).sort()).toEqual(lines((await run(['images', '-q'])).stdout).sort());
    expect(all.stdout).toContain(short(id));
  });

  it('filters by reference, dangling and label', async () => {
    await importImage('flt-ref:1');
    await importImage('flt-ref:2');
    await importImage('flt-other:2');
    const dangling = await importImage(null);
    const labelled = await importImage('flt-label:1', '-c', 'LABEL team=core');

    expect(await listed('--filter', 'reference=flt-ref')).toEqual(['flt-ref:1', 'flt-ref:2']);
    expect(await listed('--filter', 'reference=flt-ref:1')).toEqual(['flt-ref:1']);
    expect(await listed('--filter', 'reference=flt-*:2')).toEqual(['flt-other:2', 'flt-ref:2']);
    expect(await listed('flt-ref')).toEqual(['flt-ref:1', 'flt-ref:2']);

    const none = await run(['images', '--filter', 'dangling=true', '--format', '{{.ID}} {{.Repository}} {{.Tag}}']);
    expect(lines(none.stdout)).toEqual([`${short(dangling)} <none> <none>`]);
    expect((await run(['images', '-q', '--filter', 'dangling=false'])).stdout).not.toContain(short(dangling));
    expect((await run(['images'])).stdout).toMatch(new RegExp(`^<none>\\s+<none>\\s+${short(dangling)}\\s`, 'm'));

    expect((await run(['images', '-q', '--filter', 'label=team=core'])).stdout).toBe(`${short(labelled)}\n`);
    expect((await run(['images', '-q', '--filter', 'label=team'])).stdout).toBe(`${short(labelled)}\n`);
    expect((await run(['images', '-q', '--filter', 'label=team=other'])).stdout).toBe('');
    expect((await run(['images', '-q', '--filter', 'reference=flt-ref:1', '--filter', 'label=team'])).stdout).toBe('');
  });

  it('filters by before= and since= another image', async () => {
    await importImage('order:1');
    await importImage('order:2');
    await importImage('order:3');
    expect(await listed('--filter', 'since=order:1', 'order')).toEqual(['order:2', 'order:3']);
    expect(await listed('--filter', 'before=order:3', 'order')).toEqual(['order:1', 'order:2']);
    expect(await listed('--filter', 'since=order:1', '--filter', 'before=order:3', 'order')).toEqual(['order:2']);
    const missing = await run(['images', '--filter', 'since=no-such-order:1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No such image: no-such-order:1/);
  });

  it('rejects an unknown filter with exit 1, naming it', async () => {
    const bad = await run(['images', '--filter', 'nonsense=1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid filter 'nonsense'/);
    const badValue = await run(['images', '--filter', 'dangling=maybe']);
    expect(badValue.code).toBe(1);
    expect(badValue.stderr).toMatch(/invalid filter 'dangling=maybe'/);
    expect((await run(['version'])).code).toBe(0);
  });

  it('adds a DIGEST column with --digests (none for an imported image)', async () => {
    const id = await importImage('digests:1');
    const r = await run(['images', '--digests', 'digests']);
    const [header, row] = lines(r.stdout);
    expect(header).toMatch(/^REPOSITORY\s+TAG\s+DIGEST\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(row).toMatch(new RegExp(`^digests\\s+1\\s+<none>\\s+${short(id)}\\s`));
  });
});

describe('docker image inspect', () => {
  it('shows Id, RepoTags, Config.Cmd, RootFS.Layers and Size', async () => {
    const id = await importImage('insp:1', '-c', 'ENV A=1');
    const r = await run(['image', 'inspect', 'insp:1']);
    expect(r.code).toBe(0);
    const [image] = JSON.parse(r.stdout);
    expect(image.Id).toBe(id);
    expect(image.RepoTags).toEqual(['insp:1']);
    expect(image.RepoDigests).toEqual([]);
    expect(image.Config.Cmd).toEqual(['sh']);
    expect(image.Config.Env).toEqual(['A=1']);
    expect(image.Comment).toBe('Imported from -');
    expect(image.RootFS.Type).toBe('layers');
    expect(image.RootFS.Layers).toHaveLength(1);
    expect(image.RootFS.Layers[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The one layer holds busybox, so the image is at least that big.
    expect(image.Size).toBeGreaterThanOrEqual(fs.statSync('/bin/busybox').size);
    expect((await run(['image', 'inspect', '-f', '{{.Size}}', id])).stdout.trim()).toBe(String(image.Size));
  });

  it('exits 1 with "No such image" for an unknown image', async () => {
    const r = await run(['image', 'inspect', 'no-such-image']);
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe('[]');
    expect(r.stderr).toMatch(/No such image: no-such-image/);
    expect((await run(['version'])).code).toBe(0);
  });
});

describe('docker tag', () => {
  it('adds a second name for the same image', async () => {
    const id = await importImage('tag-src:1');
    const r = await run(['tag', 'tag-src:1', 'tag-dst:2']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    const both = await run(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', '--filter', 'reference=tag-*']);
    expect(lines(both.stdout).sort()).toEqual([`tag-dst:2 ${short(id)}`, `tag-src:1 ${short(id)}`]);
    expect(JSON.parse((await run(['image', 'inspect', 'tag-dst:2'])).stdout)[0].RepoTags).toEqual(['tag-dst:2', 'tag-src:1']);
  });

  it('fails clearly for a missing source and for an invalid reference', async () => {
    const missing = await run(['tag', 'tag-missing:1', 'tag-new:1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No such image: tag-missing:1/);

    await importImage('tag-ok:1');
    for (const target of ['Bad:Name', 'bad name', 'ok:bad:tag']) {
      const bad = await run(['tag', 'tag-ok:1', target]);
      expect(bad.code, target).not.toBe(0);
      expect(bad.stderr, target).toMatch(/invalid reference format/);
    }
    expect(await listed('--filter', 'reference=tag-new')).toEqual([]);
    expect((await run(['version'])).code).toBe(0);
  });
});

describe('docker rmi', () => {
  it('untags one of two tags, then deletes the image with the last one', async () => {
    const id = await importImage('rmi-a:1');
    await run(['tag', 'rmi-a:1', 'rmi-b:1']);
    expect(await run(['rmi', 'rmi-b:1'])).toMatchObject({ code: 0, stdout: 'Untagged: rmi-b:1\n' });
    expect((await run(['image', 'inspect', '-f', '{{.Id}}', 'rmi-a:1'])).stdout.trim()).toBe(id);

    const last = await run(['rmi', 'rmi-a:1']);
    expect(last.code).toBe(0);
    const out = lines(last.stdout);
    expect(out[0]).toBe('Untagged: rmi-a:1');
    expect(out[1]).toBe(`Deleted: ${id}`);
    expect(out.slice(2).every((l) => /^Deleted: sha256:[0-9a-f]{64}$/.test(l))).toBe(true);
    expect((await run(['image', 'inspect', id])).code).toBe(1);

    const gone = await run(['rmi', 'rmi-a:1']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/No such image: rmi-a:1/);
  });

  it('refuses while a stopped container uses the image; -f untags and the container still starts', async () => {
    const id = await importImage('rmi-used:1');
    const ctr = (await run(['create', 'rmi-used:1', 'echo', 'still-starts'])).stdout.trim();
    expect(ctr).toMatch(/^[0-9a-f]{64}$/);

    const byTag = await run(['rmi', 'rmi-used:1']);
    expect(byTag.code).toBe(1);
    expect(byTag.stderr).toMatch(
      new RegExp(`conflict: unable to .*rmi-used:1.* - container ${ctr.slice(0, 12)} is using its referenced image ${short(id)}`),
    );
    const byId = await run(['rmi', short(id)]);
    expect(byId.code).toBe(1);
    expect(byId.stderr).toMatch(new RegExp(`conflict: unable to delete ${short(id)} \\(must be forced\\) - image is being used by stopped container ${ctr.slice(0, 12)}`));
    expect(await listed('rmi-used')).toEqual(['rmi-used:1']);

    const forced = await run(['rmi', '-f', 'rmi-used:1']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/^Untagged: rmi-used:1\n/);
    expect(await listed('rmi-used')).toEqual([]);
    expect(await run(['start', '-a', ctr])).toMatchObject({ code: 0, stdout: 'still-starts\n' });
    await run(['rm', ctr]);
  });

  it('cannot delete an image a running container uses, even with -f', async () => {
    const id = await importImage('rmi-running:1');
    const ctr = (await run(['run', '-d', 'rmi-running:1', 'sleep', '300'])).stdout.trim();
    const r = await run(['rmi', '-f', id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`unable to delete ${short(id)} \\(cannot be forced\\) - image is being used by running container ${ctr.slice(0, 12)}`));
    await run(['rm', '-f', ctr]);
    expect((await run(['rmi', 'rmi-running:1'])).code).toBe(0);
  });
});

describe('docker history', () => {
  it('shows one row per layer with the created-by and comment columns', async () => {
    const id = await importImage('hist:1', '-m', 'from the test rootfs');
    const r = await run(['history', 'hist:1']);
    expect(r.code).toBe(0);
    const [header, ...rows] = lines(r.stdout);
    expect(header).toMatch(/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(new RegExp(`^${short(id)}\\s+(Less than a second|\\d+ seconds?) ago\\s+\\d+(\\.\\d+)?[kM]B\\s+from the test rootfs$`));
    const formatted = await run(['history', '--no-trunc', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Comment}}', 'hist:1']);
    expect(formatted.stdout).toBe(`${id}||from the test rootfs\n`);
    const missing = await run(['history', 'no-such-history']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No such image: no-such-history/);
  });
});

describe('docker image prune', () => {
  it('removes dangling images only, then -a removes every unused one and keeps those in use', async () => {
    const dangling = await importImage(null);
    const tagged = await importImage('prune-keep:1');
    const used = await importImage('prune-used:1');
    const ctr = (await run(['create', 'prune-used:1', 'true'])).stdout.trim();

    const r = await run(['image', 'prune', '-f']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Deleted Images:\n/);
    expect(r.stdout).toContain(`deleted: ${dangling}`);
    expect(r.stdout).toMatch(/Total reclaimed space: \d+(\.\d+)?[kM]?B/);
    const after = (await run(['images', '-q', '--no-trunc'])).stdout;
    expect(after).not.toContain(dangling);
    expect(after).toContain(tagged);
    expect(after).toContain(used);

    const all = await run(['image', 'prune', '-a', '-f']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('untagged: prune-keep:1');
    expect(all.stdout).toContain(`deleted: ${tagged}`);
    expect(all.stdout).not.toContain(used);
    expect(lines((await run(['images', '-q', '--no-trunc'])).stdout)).toEqual([used]);

    const nothing = await run(['image', 'prune', '-f']);
    expect(nothing.stdout).toBe('Total reclaimed space: 0B\n');
    await run(['rm', ctr]);
  });
});
