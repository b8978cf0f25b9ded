import { readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attach, resize, type AttachSession } from './attach.js';
import { isConmonAlive, removeSocketLink, startConmon } from './conmon.js';
import { readExitFile, waitExitFile } from './exit-file.js';
import { TestRuntime } from './test-fixture.js';

async function collect(session: AttachSession): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  for await (const chunk of session) {
    if (chunk.stream === 'stdout') stdout += chunk.data.toString();
    else stderr += chunk.data.toString();
  }
  return { stdout, stderr };
}

/** Fields of /proc/PID/stat after the command name: state, ppid, pgrp, session. */
function procStat(pid: number): { ppid: number; session: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), session: Number(fields[3]) };
}

/** Whether a process has exited (reaped, or a zombie whose files are closed). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

describe('conmon + runc', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await TestRuntime.create();
  });
  afterAll(async () => {
    await rt.cleanup();
  });

  it('separates stdout and stderr, records the exit code and logs both streams', async () => {
    const id = await rt.makeBundle({ args: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
    const started = await startConmon(rt.conmonOptions(id));
    expect(started.pid).toBeGreaterThan(0);
    expect(await readExitFile(rt.exitDir, id)).toBeNull();
    const session = await attach(rt.bundle(id));
    const exit = waitExitFile(rt.exitDir, id);
    await rt.runc.start(id);
    expect(await collect(session)).toEqual({ stdout: 'out\n', stderr: 'err\n' });
    expect(await exit).toBe(3);
    const log = await readFile(rt.logPath(id), 'utf8');
    expect(log).toMatch(/^\S+ stdout F out$/m);
    expect(log).toMatch(/^\S+ stderr F err$/m);
    expect((await rt.runc.state(id))?.status).toBe('stopped');
    await rt.runc.delete(id);
    expect(await rt.runc.state(id)).toBeNull();
    await removeSocketLink(rt.socketDir, id);
  });

  it('passes stdin to the container and closes it on half-close', async () => {
    const id = await rt.makeBundle({ args: ['cat'] });
    await startConmon(rt.conmonOptions(id, { stdin: true }));
    const session = await attach(rt.bundle(id));
    // Written before start, as the docker CLI does.
    await session.write(Buffer.from('line one\n'));
    await session.write(Buffer.from('x'.repeat(20000) + '\n'));
    session.closeStdin();
    await rt.runc.start(id);
    const out = await collect(session);
    expect(out.stdout).toBe(`line one\n${'x'.repeat(20000)}\n`);
    expect(await waitExitFile(rt.exitDir, id)).toBe(0);
  });

  it('runs a tty container that echoes input and can be resized', async () => {
    const id = await rt.makeBundle({ args: ['sh', '-c', 'read line; echo "got $line"; i=0; while [ "$(stty size)" != "30 100" ] && [ $i -lt 250 ]; do i=$((i+1)); sleep 0.02; done; stty size'], tty: true, consoleSize: { height: 24, width: 80 } });
    const { conmonPid } = await startConmon(rt.conmonOptions(id, { tty: true, stdin: true }));
    const session = await attach(rt.bundle(id));
    await rt.runc.start(id);
    // conmon applies a resize asynchronously; the container polls for it with a deadline.
    await resize(rt.bundle(id), 30, 100);
    await session.write(Buffer.from('hello\n'));
    const out = await collect(session);
    // The tty echoes the typed line, then the program's answer, with CRLF line ends.
    expect(out.stdout).toContain('hello\r\n');
    expect(out.stdout).toContain('got hello\r\n');
    expect(out.stdout).toContain('30 100\r\n');
    expect(out.stderr).toBe('');
    expect(await waitExitFile(rt.exitDir, id)).toBe(0);
    const deadline = Date.now() + 5000;
    while (!gone(conmonPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await expect(resize(rt.bundle(id), 10, 10)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it('reports 137 for SIGKILL, and conmon lives on in its own session', async () => {
    const id = await rt.makeBundle({ args: ['sleep', '300'] });
    const started = await startConmon(rt.conmonOptions(id));
    await rt.runc.start(id);
    const state = await rt.runc.state(id);
    expect(state).toEqual({ status: 'running', pid: started.pid });
    expect(await rt.runc.ps(id)).toEqual([started.pid]);
    // The monitor is not our child, leads its own session, and is still there after start.
    const stat = procStat(started.conmonPid);
    expect(stat.ppid).not.toBe(process.pid);
    expect(stat.session).toBe(started.conmonPid);
    expect(stat.session).not.toBe(procStat(process.pid).session);
    expect(isConmonAlive(started.conmonPid, id)).toBe(true);
    for (const fd of [0, 1, 2]) expect(readlinkSync(`/proc/${started.conmonPid}/fd/${fd}`)).toBe('/dev/null');
    const exit = waitExitFile(rt.exitDir, id);
    await rt.runc.kill(id, 'SIGKILL');
    expect(await exit).toBe(137);
    await rt.runc.delete(id);
  });

  it('pauses and resumes a running container', async () => {
    const id = await rt.makeBundle({ args: ['sleep', '300'] });
    await startConmon(rt.conmonOptions(id));
    await rt.runc.start(id);
    await rt.runc.pause(id);
    expect((await rt.runc.state(id))?.status).toBe('paused');
    await rt.runc.resume(id);
    expect((await rt.runc.state(id))?.status).toBe('running');
    // sleep as pid 1 ignores SIGTERM; a numeric SIGKILL to every process ends it.
    await rt.runc.kill(id, 9, true);
    expect(await waitExitFile(rt.exitDir, id)).toBe(137);
    await expect(rt.runc.start('no-such-container')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('fails create with the message the docker CLI maps to exit code 127', async () => {
    const byName = await rt.makeBundle({ args: ['no-such-command'] });
    const err1 = await startConmon(rt.conmonOptions(byName)).catch((e: unknown) => e);
    expect(err1).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((err1 as Error).message).toContain('executable file not found in $PATH');
    expect((err1 as Error).message).toMatch(/^OCI runtime create failed: /);

    const byPath = await rt.makeBundle({ args: ['/no/such/binary'] });
    const err2 = await startConmon(rt.conmonOptions(byPath)).catch((e: unknown) => e);
    expect((err2 as Error).message).toContain('no such file or directory');
    expect(await rt.runc.state(byPath)).toBeNull();
  });
});
