import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../../engine/test/support/berthd.js';
import { berth, berthTty, buildCli } from './support/berth-cli.js';

// `run -it` and `exec -it` on a pseudo-terminal: raw mode, exit status, detach keys, and the
// terminal back in canonical mode afterwards.

let daemon: TestDaemon;

beforeAll(async () => {
  buildCli();
  daemon = await TestDaemon.start();
  await importBusybox(daemon);
});
afterAll(async () => daemon?.destroy());

describe('run -it', () => {
  it('runs a shell on the terminal, sees its size, exits with its status and restores the terminal', async () => {
    const r = await berthTty(['run', '--rm', '-it', 'busybox', 'sh'], {
      host: daemon.host,
      steps: [{ waitFor: /\/ # /, type: 'echo "size=$(stty size)"; exit 7\r' }],
    });
    expect(r.stdout).toContain('size=30 100');
    expect(r.code).toBe(7);
    // `stty -a` after berth exits: canonical mode is back on.
    expect(r.stdout).toMatch(/\n\s*icanon/);
  });

  it('detaches on ctrl-p ctrl-q and leaves the container running', async () => {
    const r = await berthTty(['run', '-it', '--name', 'held', 'busybox', 'sh'], {
      host: daemon.host,
      steps: [{ waitFor: /\/ # /, type: '\x10\x11' }],
    });
    expect(r.code).toBe(0);
    expect((await docker(daemon, ['inspect', '-f', '{{.State.Running}}', 'held'])).stdout.trim()).toBe('true');
  });
});

describe('exec -it', () => {
  it('runs an interactive command in a running container with its exit status', async () => {
    const r = await berthTty(['exec', '-it', 'held', 'sh'], {
      host: daemon.host,
      steps: [{ waitFor: /\/ # /, type: 'echo tty=$(tty); exit 5\r' }],
    });
    expect(r.stdout).toMatch(/tty=\/dev\/pts\/\d+/);
    expect(r.code).toBe(5);
  });

  it('fits ps to the terminal width, on Bun and on Node', async () => {
    const name = `wide-${'n'.repeat(70)}`;
    expect((await berth(['run', '-d', '--name', name, 'busybox', 'sleep', '300'], { host: daemon.host })).code).toBe(0);
    for (const env of [{}, { BERTH_RUNTIME: 'node' }] as Record<string, string>[]) {
      const r = await berthTty(['ps'], { host: daemon.host, env });
      const lines = r.stdout.split(/\r?\n/).filter((l) => /^CONTAINER ID|^[0-9a-f]{12} /.test(l));
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(r.stdout).toMatch(/wide-n+…/);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    }
    expect((await berth(['ps'], { host: daemon.host })).stdout).toContain(name);
  });

  it('refuses -t when stdin is not a terminal', async () => {
    const r = await berth(['exec', '-it', 'held', 'sh'], { host: daemon.host });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the input device is not a TTY');
  });
});
