import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startBerthRegistry, type RegistryProcess } from '@berth/sdk/testing';
import { TestDaemon, importBusybox } from '../../engine/test/support/berthd.js';
import { berth, berthTty, buildCli } from './support/berth-cli.js';

// login, push, pull, images, tag, history and rmi through the built `berth`, against berthd and
// a berth-registry that wants a token.

let daemon: TestDaemon;
let registry: RegistryProcess;
let config: string;
const b = (args: string[], input?: string) => berth(args, { host: daemon.host, config, ...(input !== undefined ? { input } : {}) });

beforeAll(async () => {
  buildCli();
  config = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-reg-'));
  [daemon, registry] = await Promise.all([TestDaemon.start(), startBerthRegistry({ auth: 'token' })]);
  await importBusybox(daemon);
});
afterAll(async () => {
  await registry?.stop();
  await daemon?.destroy();
  fs.rmSync(config, { recursive: true, force: true });
});

describe('images', () => {
  it('lists, tags, shows history and removes tags', async () => {
    expect((await b(['tag', 'busybox', 'mybox:1'])).code).toBe(0);
    const table = await b(['images']);
    expect(table.stdout.split('\n')[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(table.stdout).toMatch(/mybox\s+1\s+[0-9a-f]{12}\s/);
    expect((await b(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', 'mybox'])).stdout).toBe('mybox:1\n');
    expect((await b(['images', '-q'])).stdout.trim().split('\n')).toHaveLength(1);
    expect((await b(['history', '--format', '{{.Size}}', 'mybox:1'])).code).toBe(0);
    expect((await b(['rmi', 'mybox:1'])).stdout).toBe('Untagged: mybox:1\n');
    const missing = await b(['rmi', 'mybox:1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error response from daemon: .*mybox/);
  });
});

describe('login, push and pull', () => {
  it('refuses wrong credentials and stores good ones readable only by the user', async () => {
    const bad = await b(['login', registry.host, '-u', ALICE.username, '--password-stdin'], 'wrong');
    expect(bad.code).toBe(125);
    expect(fs.existsSync(path.join(config, 'config.json'))).toBe(false);
    const good = await b(['login', registry.host, '-u', ALICE.username, '--password-stdin'], ALICE.password);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toBe('Login Succeeded\n');
    const file = path.join(config, 'config.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).auths[registry.host]).toBeDefined();
  });

  it('pushes and pulls with plain progress lines when stdout is not a terminal', async () => {
    const ref = `${registry.host}/team/box:v1`;
    expect((await b(['tag', 'busybox', ref])).code).toBe(0);
    const pushed = await b(['push', ref]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toMatch(/digest: sha256:[0-9a-f]{64}/);
    expect(pushed.stdout).not.toContain('\x1b[');
    expect((await b(['rmi', ref])).code).toBe(0);
    const pulled = await b(['pull', ref]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toMatch(/Digest: sha256:[0-9a-f]{64}/);
    expect(pulled.stdout).not.toContain('\x1b[');
    expect((await b(['image', 'inspect', '--format', '{{index .RepoTags 0}}', ref])).stdout).toBe(`${ref}\n`);
    // On a terminal: one line per layer redrawn in place.
    expect((await b(['rmi', ref])).code).toBe(0);
    const tty = await berthTty(['pull', ref], { host: daemon.host, config });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(/\x1b\[\d+A/);
    expect(tty.stdout).toMatch(/[0-9a-f]{12}: (Pull complete|Already exists)/);
  });

  it('fails a pull of a missing tag with the engine message and logs out', async () => {
    const r = await b(['pull', `${registry.host}/team/box:nope`]);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^Error response from daemon: /);
    expect((await b(['logout', registry.host])).stdout).toBe(`Removing login credentials for ${registry.host}\n`);
    const pull = await b(['pull', `${registry.host}/team/box:v1`]);
    expect(pull.code).toBe(125);
  });
});
