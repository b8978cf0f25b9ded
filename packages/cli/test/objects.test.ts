import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon } from '../../engine/test/support/berthd.js';
import { PKG, berth, buildCli } from './support/berth-cli.js';

// volume, network and system verbs through the built `berth`; shell completion by name.

let daemon: TestDaemon;
const b = (args: string[]) => berth(args, { host: daemon.host });

beforeAll(async () => {
  buildCli();
  daemon = await TestDaemon.start();
});
afterAll(async () => daemon?.destroy());

describe('volumes', () => {
  it('creates, lists, inspects, removes and prunes', async () => {
    expect((await b(['volume', 'create', '--label', 'k=v', 'data1'])).stdout).toBe('data1\n');
    expect((await b(['volume', 'create', 'data2'])).code).toBe(0);
    const ls = await b(['volume', 'ls']);
    expect(ls.stdout).toMatch(/^DRIVER\s+VOLUME NAME\nlocal\s+data1\nlocal\s+data2\n$/);
    expect((await b(['volume', 'ls', '-q', '--filter', 'label=k=v'])).stdout).toBe('data1\n');
    expect((await b(['volume', 'inspect', '--format', '{{.Name}} {{.Driver}} {{json .Labels}}', 'data1'])).stdout).toBe('data1 local {"k":"v"}\n');
    expect((await b(['volume', 'rm', 'data1'])).stdout).toBe('data1\n');
    const prune = await b(['volume', 'prune', '-f', '--all']);
    expect(prune.stdout).toContain('data2');
    expect((await b(['volume', 'ls', '-q'])).stdout).toBe('');
  });
});

describe('networks', () => {
  it('creates, lists, inspects and removes', async () => {
    const id = (await b(['network', 'create', '--subnet', '10.89.7.0/24', 'backend'])).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect((await b(['network', 'ls', '--format', '{{.Name}} {{.Driver}}', '--filter', 'name=backend'])).stdout).toBe('backend bridge\n');
    expect((await b(['network', 'inspect', '--format', '{{json .IPAM.Config}}', 'backend'])).stdout).toContain('10.89.7.0/24');
    expect((await b(['network', 'rm', 'backend'])).stdout).toBe('backend\n');
    const gone = await b(['network', 'rm', 'backend']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^Error response from daemon: /);
  });
});

describe('contexts against a real engine', () => {
  it('reaches the engine of the current context, and of --context, with no host in the environment', async () => {
    const config = fs.mkdtempSync(path.join(daemon.root, 'config-'));
    const c = (args: string[]) => berth(args, { config });
    expect((await c(['context', 'create', 'local', '--host', daemon.host])).code).toBe(0);
    expect((await c(['--context', 'local', 'info', '--format', '{{.OSType}}'])).stdout).toBe('linux\n');
    expect((await c(['context', 'use', 'local'])).code).toBe(0);
    expect((await c(['version', '--format', '{{.Client.Context}}'])).stdout).toBe('local\n');
    const gone = `unix://${path.join(config, 'gone.sock')}`;
    expect((await c(['context', 'create', 'gone', '--host', gone])).code).toBe(0);
    const down = await c(['--context', 'gone', 'ps']);
    expect(down.code).toBe(125);
    expect(down.stderr).toContain(gone);
  });
});

describe('system', () => {
  it('runs on Bun when its optional package is installed, and the same on Node with BERTH_RUNTIME=node', async () => {
    const bun = fs.existsSync(path.join(PKG, 'node_modules/@oven/bun-linux-x64/bin/bun'));
    expect((await b(['version', '--format', '{{.Client.Runtime}}'])).stdout).toMatch(bun ? /^bun 1\.\d+\.\d+\n$/ : /^node 2\d\.\d+\.\d+\n$/);
    const onNode = (args: string[]) => berth(args, { host: daemon.host, env: { BERTH_RUNTIME: 'node' } });
    expect((await onNode(['version', '--format', '{{.Client.Runtime}}'])).stdout).toMatch(/^node 2\d\.\d+\.\d+\n$/);
    const [viaDefault, viaNode] = await Promise.all([b(['ps', '-a', '--format', 'json']), onNode(['ps', '-a', '--format', 'json'])]);
    expect(viaNode).toEqual(viaDefault);
    expect(viaNode.code).toBe(0);
  });

  it('shows info, disk usage and completes names', async () => {
    expect((await b(['info', '--format', '{{.Containers}}'])).stdout).toBe('0\n');
    expect((await b(['system', 'info', '--format', '{{.OSType}}'])).stdout).toBe('linux\n');
    expect((await b(['system', 'df'])).stdout).toMatch(/^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages/);
    expect((await b(['volume', 'create', 'named-for-completion'])).code).toBe(0);
    expect((await b(['__complete', 'volumes'])).stdout).toBe('named-for-completion\n');
    expect((await b(['__complete', 'networks'])).stdout).toContain('bridge');
  });

  it('prunes unused networks with system prune, only when confirmed', async () => {
    expect((await b(['network', 'create', 'unused'])).code).toBe(0);
    // As docker: without --force the answer is read from stdin; none is a no.
    const refused = await b(['system', 'prune']);
    expect(refused.code).toBe(0);
    expect(refused.stdout).toMatch(/^WARNING! This will remove:\n[\s\S]*\[y\/N\] $/);
    expect((await b(['network', 'ls', '--format', '{{.Name}}'])).stdout).toContain('unused');
    const pruned = await b(['system', 'prune', '-f']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(/Deleted Networks:\nunused\n[\s\S]*Total reclaimed space: /);
    expect((await b(['network', 'ls', '--format', '{{.Name}}'])).stdout).not.toContain('unused');
  });
});
