import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resize } from './attach.js';
import { removeSocketLink, startConmon } from './conmon.js';
import { execInContainer, type ExecOptions, type ExecSession } from './exec.js';
import { waitExitFile } from './exit-file.js';
import { CONMON, RUNC, TestRuntime } from './test-fixture.js';

async function collect(session: ExecSession): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  for await (const chunk of session) {
    if (chunk.stream === 'stdout') stdout += chunk.data.toString();
    else stderr += chunk.data.toString();
  }
  return { stdout, stderr };
}

/** conmon applies a resize asynchronously: print the size, then poll (with a deadline) for 40x120. */
const WAIT_FOR_SIZE = 'stty size; read x; i=0; while [ "$(stty size)" != "40 120" ] && [ $i -lt 250 ]; do i=$((i+1)); sleep 0.02; done; stty size';

describe('exec through conmon', () => {
  let rt: TestRuntime;
  let id: string;
  const execOpts = (over: Partial<ExecOptions> & { args: string[] }): ExecOptions => {
    const execId = `e${randomBytes(8).toString('hex')}`;
    return {
      conmon: CONMON, runtime: RUNC, runtimeRoot: rt.runc.root, containerId: id, containerBundle: rt.bundle(id),
      execId, execDir: path.join(rt.root, 'exec', execId), socketDir: rt.socketDir, tty: false, stdin: false, ...over,
    };
  };

  beforeAll(async () => {
    rt = await TestRuntime.create();
    id = await rt.makeBundle({ args: ['sleep', '300'], env: ['FROM_IMAGE=yes'], user: { uid: 1000, gid: 1000, additionalGids: [] } });
    await startConmon(rt.conmonOptions(id));
    await rt.runc.start(id);
  });
  afterAll(async () => {
    await rt.runc.kill(id, 'KILL').catch(() => {});
    await rt.cleanup();
  });

  it('returns the exit code and separated output, the code known before the stream ends', async () => {
    const session = await execInContainer(execOpts({ args: ['sh', '-c', 'echo out; echo err >&2; exit 7'] }));
    expect(session.pid).toBeGreaterThan(0);
    const ended = new Promise<number | undefined>((resolve) => session.once('end', () => resolve(session.exitCode)));
    expect(await collect(session)).toEqual({ stdout: 'out\n', stderr: 'err\n' });
    expect(session.exitCode).toBe(7);
    expect(await session.wait()).toBe(7);
    expect(await ended).toBe(7);
  });

  it("inherits the container's user, env and confinement, with overrides", async () => {
    const plain = await execInContainer(execOpts({ args: ['sh', '-c', 'id -u; echo $FROM_IMAGE; grep CapEff /proc/self/status; pwd'] }));
    expect((await collect(plain)).stdout).toBe('1000\nyes\nCapEff:\t0000000000000000\n/\n');
    const root = await execInContainer(execOpts({
      args: ['sh', '-c', 'id -u; echo $EXTRA; grep -E "CapEff|Seccomp:" /proc/self/status; pwd'],
      user: { uid: 0, gid: 0, additionalGids: [] }, env: ['EXTRA=1'], cwd: '/tmp',
    }));
    expect((await collect(root)).stdout).toBe('0\n1\nCapEff:\t00000000a80425fb\nSeccomp:\t2\n/tmp\n');
  });

  it('feeds stdin and closes it on half-close', async () => {
    const session = await execInContainer(execOpts({ args: ['cat'], stdin: true }));
    await session.write(Buffer.from('through stdin\n'));
    session.closeStdin();
    expect((await collect(session)).stdout).toBe('through stdin\n');
    expect(await session.wait()).toBe(0);
  });

  it('runs with a tty of the requested size, resizable through its own control fifo', async () => {
    const opts = execOpts({ args: ['sh', '-c', WAIT_FOR_SIZE], tty: true, stdin: true, consoleSize: { height: 20, width: 70 } });
    const session = await execInContainer(opts);
    let out = '';
    const sawFirst = new Promise<void>((resolve) => {
      session.on('data', (chunk: { data: Buffer }) => {
        out += chunk.data.toString();
        if (out.includes('20 70')) resolve();
      });
    });
    await sawFirst;
    await resize(opts.execDir, 40, 120);
    await session.write(Buffer.from('\n'));
    expect(await session.wait()).toBe(0);
    await new Promise((resolve) => session.once('end', resolve));
    expect(out).toContain('20 70\r\n');
    expect(out).toContain('40 120\r\n');
  });

  it('records the exit code in its own exit dir and reports death by signal as 128+N', async () => {
    const opts = execOpts({ args: ['sh', '-c', 'kill -9 $$'] });
    const session = await execInContainer(opts);
    expect(await session.wait()).toBe(137);
    expect(await waitExitFile(path.join(opts.execDir, 'exit'), id)).toBe(137);
    expect(await readdir(path.join(opts.execDir, 'exit'))).toEqual([id]);
    await removeSocketLink(rt.socketDir, opts.execId);
  });

  it('runs detached without attaching', async () => {
    const session = await execInContainer(execOpts({ args: ['sh', '-c', 'exit 4'], attach: false }));
    expect(await session.wait()).toBe(4);
  });

  it('fails with the runtime message for a missing executable', async () => {
    const err = await execInContainer(execOpts({ args: ['no-such-command'] })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((err as Error).message).toMatch(/^OCI runtime exec failed: .*executable file not found in \$PATH/);
  });

  it('rejects a working directory under /proc', async () => {
    await expect(execInContainer(execOpts({ args: ['true'], cwd: '/proc/self/cwd' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
