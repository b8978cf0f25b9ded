import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker } from '../support/berthd.js';
import { until } from '../support/poll.js';

let d: TestDaemon;
let dir = '';
let file = '';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-reload-'));
  file = path.join(dir, 'daemon.json');
  fs.writeFileSync(file, JSON.stringify({ 'insecure-registries': ['registry.one:5000'] }));
  d = await TestDaemon.start(['--config-file', file]);
});
afterAll(async () => {
  await d?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

const insecure = async (): Promise<string> => (await docker(d, ['info', '--format', '{{json .RegistryConfig.IndexConfigs}}'])).stdout;

describe('berthd --config-file and SIGHUP', () => {
  it('applies the file at start, reloads it on SIGHUP with a daemon reload event, and keeps its settings when the file is bad', async () => {
    expect(await insecure()).toContain('registry.one:5000');
    const since = (Date.now() / 1000).toFixed(3);

    fs.writeFileSync(file, JSON.stringify({ 'insecure-registries': ['registry.two:5000', '10.0.0.9:443'] }));
    d.signal('SIGHUP');
    await until(insecure, (out) => out.includes('registry.two:5000'));
    expect(await insecure()).not.toContain('registry.one');
    const events = await docker(d, ['events', '--since', since, '--until', (Date.now() / 1000).toFixed(3), '--filter', 'type=daemon', '--format', '{{json .}}']);
    const reloads = events.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> } });
    expect(reloads.map((e) => [e.Type, e.Action])).toEqual([['daemon', 'reload']]);
    const id = (await docker(d, ['info', '--format', '{{.ID}}'])).stdout.trim();
    expect(reloads[0]!.Actor.ID).toBe(id);
    expect(JSON.parse(reloads[0]!.Actor.Attributes['insecure-registries']!)).toEqual(['registry.two:5000', '10.0.0.9:443']);

    // A broken file, a conflict with a flag (--log-level is given by the test harness), an unknown key:
    // logged, nothing changes, berthd keeps serving.
    const bad: [string, string][] = [
      ['{ not json', 'not valid JSON'],
      [JSON.stringify({ 'log-level': 'debug' }), 'is also given as the flag --log-level'],
      [JSON.stringify({ 'max-concurrent-downloads': 3 }), 'unknown key \\"max-concurrent-downloads'],
    ];
    for (const [text, message] of bad) {
      fs.writeFileSync(file, text);
      d.signal('SIGHUP');
      expect(await until(async () => d.stderr, (err) => err.includes(message))).toContain(message);
    }
    expect(await insecure()).toContain('registry.two:5000');
  });

  it('refuses to start with a bad config file, naming it', async () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ 'insecure-registries': 'x' }));
    await expect(TestDaemon.start(['--config-file', path.join(dir, 'bad.json')])).rejects.toThrow(/bad\.json: "insecure-registries" must be an array of strings/);
  });
});
