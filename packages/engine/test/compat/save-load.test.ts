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

const idOf = async (ref: string) => (await docker(d, ['image', 'inspect', '-f', '{{.Id}}', ref])).stdout.trim();

/** The names in a tar archive. */
const tarNames = (file: string) => execFileSync('tar', ['-tf', file]).toString().trim().split('\n');

describe('docker save and docker load', () => {
  it('saves an image with its tags and loads it back with the same ID', async () => {
    expect((await docker(d, ['tag', 'busybox', 'saved/app:v1'])).code).toBe(0);
    expect((await docker(d, ['tag', 'busybox', 'saved/app:v2'])).code).toBe(0);
    const id = await idOf('saved/app:v1');
    const file = path.join(d.root, 'app.tar');
    const saved = await docker(d, ['save', '-o', file, 'saved/app']);
    expect(saved.code, saved.stderr).toBe(0);
    const names = tarNames(file);
    expect(names).toEqual(expect.arrayContaining(['manifest.json', 'index.json', 'oci-layout', `blobs/sha256/${id.slice(7)}`]));
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json']).toString()) as { RepoTags: string[]; Layers: string[] }[];
    expect(manifest).toHaveLength(1);
    expect(manifest[0]!.RepoTags.sort()).toEqual(['saved/app:v1', 'saved/app:v2']);

    expect((await docker(d, ['rmi', 'saved/app:v1', 'saved/app:v2'])).code).toBe(0);
    const loaded = await docker(d, ['load', '-i', file]);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain('Loaded image: saved/app:v1');
    expect(loaded.stdout).toContain('Loaded image: saved/app:v2');
    expect(await idOf('saved/app:v1')).toBe(id);
    const run = await docker(d, ['run', '--rm', 'saved/app:v2', 'echo', 'loaded']);
    expect(run.stdout.trim()).toBe('loaded');
  });

  it('streams through stdin and stdout, and an image saved by ID loads untagged', async () => {
    const id = await idOf('busybox');
    const file = path.join(d.root, 'by-id.tar');
    execFileSync('bash', ['-c', `${'/usr/local/bin/docker'} save ${id.slice(7, 19)} > ${file}`], { env: { ...process.env, DOCKER_HOST: d.host } });
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json']).toString()) as { RepoTags: unknown }[];
    expect(manifest[0]!.RepoTags).toBeNull();
    const loaded = await docker(d, ['load'], { input: fs.readFileSync(file) });
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain(`Loaded image ID: ${id}`);
  });

  it('refuses what is not an image archive, names the problem, and keeps serving', async () => {
    const garbage = await docker(d, ['load'], { input: Buffer.from('not a tar at all'.repeat(64)) });
    expect(garbage.code).not.toBe(0);
    expect(garbage.stderr).toMatch(/archive/);

    // A tar whose layer does not match the config's diff ID.
    const dir = fs.mkdtempSync(path.join(d.root, 'corrupt-'));
    const good = path.join(d.root, 'good.tar');
    expect((await docker(d, ['save', '-o', good, 'busybox'])).code).toBe(0);
    execFileSync('tar', ['-xf', good, '-C', dir]);
    const [entry] = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
    execFileSync('bash', ['-c', `cd '${dir}' && mkdir -p x && echo evil > x/file && tar -cf '${entry!.Layers[0]}' -C x file`]);
    const corrupt = path.join(d.root, 'corrupt.tar');
    execFileSync('tar', ['-cf', corrupt, '-C', dir, '.']);
    const r = await docker(d, ['load', '-i', corrupt]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/diff ID/);

    const missing = await docker(d, ['save', '-o', path.join(d.root, 'none.tar'), 'nothing:here']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('No such image: nothing:here');
    expect((await docker(d, ['version'])).code).toBe(0);
    expect(fs.readdirSync(path.join(d.dataRoot, 'tmp'))).toEqual([]);
  });
});
