import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../src/index.js';
import { TestDaemon } from './support/berthd.js';
import { startBerthRegistry, type RegistryProcess } from './support/registries.js';
import * as build from '../examples/build.js';
import * as connect from '../examples/connect.js';
import * as containers from '../examples/containers.js';
import * as errors from '../examples/errors.js';
import * as events from '../examples/events.js';
import * as exec from '../examples/exec.js';
import * as pull from '../examples/pull.js';

// Every example in packages/sdk/examples runs against a real berthd, and the README shows each one as it is.

const here = path.dirname(fileURLToPath(import.meta.url));
let d: TestDaemon;
let registry: RegistryProcess;
let client: EngineClient;
beforeAll(async () => {
  [d, registry] = await Promise.all([TestDaemon.start(), startBerthRegistry()]);
  await d.importBusybox();
  client = new EngineClient({ host: d.host });
});
afterAll(async () => {
  client?.close();
  await Promise.all([d?.destroy(), registry?.stop()]);
});

describe('SDK examples', () => {
  it('shows every example file verbatim in the README', () => {
    const readme = fs.readFileSync(path.join(here, '../README.md'), 'utf8');
    const files = fs.readdirSync(path.join(here, '../examples')).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const source = fs.readFileSync(path.join(here, '../examples', file), 'utf8');
      expect(readme, `README shows examples/${file}`).toContain('```ts\n// examples/' + file + '\n' + source + '```');
    }
  });

  it('connect', async () => {
    expect(await connect.main({ DOCKER_HOST: d.host })).toMatch(/^Berth Engine \S+, API 1\.\d+$/);
  });

  it('containers', async () => {
    expect(await containers.main(d.host)).toEqual({ exitCode: 2, stdout: 'hello\n', stderr: 'oops\n' });
  });

  it('exec', async () => {
    const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '300'] });
    await client.containers.start(Id);
    expect(await exec.main(d.host, Id)).toEqual({ output: 'apple\nfig\npear\n', exitCode: 0 });
    await client.containers.remove(Id, { force: true });
  });

  it('build', async () => {
    expect(await build.main(d.host, 'FROM busybox\nRUN echo ok\n')).toMatch(/^built sha256:/);
    expect(await build.main(d.host, 'FROM busybox\nRUN exit 3\n')).toMatch(/^failed at "Step 2\/2 : RUN exit 3" with exit code 3: /);
  });

  it('pull', async () => {
    const ref = `${registry.host}/examples/busybox:1`;
    await client.images.tag('busybox', ref);
    await client.images.push(ref);
    await client.images.remove(ref);
    expect(await pull.main(d.host, ref)).toMatch(new RegExp(`^${ref} is sha256:[0-9a-f]{64} \\(\\d+ progress messages\\)$`));
  });

  it('events', async () => {
    await client.volumes.create({ Name: 'example-volume' });
    await client.volumes.remove('example-volume');
    expect(await events.main(d.host)).toEqual(['create example-volume', 'destroy example-volume']);
  });

  it('errors', async () => {
    const out = await errors.main(d.host);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^404: .*does-not-exist/);
    expect(out[1]).toMatch(/^409: .*only-once/);
  });
});
