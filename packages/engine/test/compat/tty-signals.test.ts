import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKER, TestDaemon, docker, importBusybox } from '../support/berthd.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

/** The docker CLI on a real terminal: `script` gives it a pty; we type and read the screen. */
function terminal(args: string[]) {
  const command = `stty rows 30 cols 100; ${[DOCKER, ...args].map((a) => `'${a}'`).join(' ')}`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root', DOCKER_HOST: d.host, TERM: 'xterm' },
  });
  let screen = '';
  child.stdout.on('data', (b: Buffer) => (screen += b.toString()));
  child.stderr.on('data', (b: Buffer) => (screen += b.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return {
    type: (text: string) => child.stdin.write(text),
    screen: () => screen,
    async waitFor(pattern: RegExp, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!pattern.test(screen)) {
        if (Date.now() > deadline) throw new Error(`terminal never showed ${pattern}; it shows: ${JSON.stringify(screen)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}

describe('docker run -it', () => {
  it('gives a working shell on a real terminal with its size, and Ctrl-C reaches the process', async () => {
    const t = terminal(['run', '-it', '--rm', 'busybox', 'sh']);
    try {
      await t.waitFor(/\/ # /);
      t.type('tty; echo sum-$((40+2))\r');
      await t.waitFor(/sum-42/);
      expect(t.screen()).toMatch(/\/dev\/pts\/\d+/);
      t.type('stty size\r');
      await t.waitFor(/^30 100\s*$/m);
      t.type('sleep 100\r');
      await new Promise((r) => setTimeout(r, 500));
      t.type('\x03');
      // The prompt comes back at once only if SIGINT reached `sleep` through the terminal.
      await t.waitFor(/\^C\r\n\/ # /, 5_000);
      t.type('exit 5\r');
      expect(await t.exited).toBe(5);
    } finally {
      t.kill();
    }
  });

  it('execs an interactive shell with -it', async () => {
    await docker(d, ['run', '-d', '--name', 'ttyexec', 'busybox', 'sleep', '300']);
    const t = terminal(['exec', '-it', 'ttyexec', 'sh']);
    try {
      await t.waitFor(/\/ # /);
      t.type('echo in-$((6*7)); exit 3\r');
      await t.waitFor(/in-42/);
      expect(await t.exited).toBe(3);
    } finally {
      t.kill();
      await docker(d, ['rm', '-f', 'ttyexec']);
    }
  });
});

describe('signals without a terminal', () => {
  it('forwards SIGTERM from the docker CLI to the container, which decides the exit code', async () => {
    const child = spawn(DOCKER, ['run', '--rm', '--name', 'sigs', 'busybox', 'sh', '-c', 'trap "echo got-term; exit 9" TERM; echo ready; while true; do sleep 0.1; done'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root', DOCKER_HOST: d.host },
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    const deadline = Date.now() + 10_000;
    while (!out.includes('ready') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGTERM');
    expect(await exited).toBe(9);
    expect(out).toContain('got-term');
  });
});
