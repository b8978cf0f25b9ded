import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
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
    /** Resizes the terminal the docker CLI runs on; the kernel sends the CLI SIGWINCH, as a terminal emulator would. */
    resize(rows: number, cols: number) {
      const cli = descendants(child.pid!).find((pid) => readProc(pid, 'comm').trim() === 'docker');
      if (cli === undefined) throw new Error('the docker CLI is not running under script');
      execFileSync('stty', ['-F', `/proc/${cli}/fd/0`, 'rows', String(rows), 'cols', String(cols)]);
    },
  };
}

const readProc = (pid: number, file: string): string => {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
};

/** Every process below `root`, nearest first. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // The parent is the 4th field of stat, after the (possibly spaced) command in parentheses.
    const stat = readProc(Number(entry), 'stat');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, parent] of parents) {
      if (parent === pid) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
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

  it('passes a terminal resize to the container: SIGWINCH and the new stty size', async () => {
    const t = terminal(['run', '-it', '--rm', 'busybox', 'sh']);
    try {
      await t.waitFor(/\/ # /);
      t.type("trap 'echo got-winch' WINCH; stty size\r");
      await t.waitFor(/^30 100\s*$/m);
      // The shell polls for the new size itself (with the test's deadline), so no fixed wait is needed.
      t.type('while [ "$(stty size)" != "40 120" ]; do sleep 0.05; done; echo resized-$(stty size | tr " " x)\r');
      t.resize(40, 120);
      await t.waitFor(/resized-40x120/);
      await t.waitFor(/got-winch/);
      t.type('exit 0\r');
      expect(await t.exited).toBe(0);
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
