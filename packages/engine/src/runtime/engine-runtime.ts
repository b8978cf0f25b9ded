import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  CreateOptions, ExecOptions, ExecProcess, OutputChunk, ProcessIO, RuntimePort,
} from '../containers/runtime-port.js';
import { attach, resize, type AttachSession } from './attach.js';
import { isConmonAlive, removeSocketLink, startConmon } from './conmon.js';
import { execInContainer, type ExecSession } from './exec.js';
import { readExitFile, waitExitFile } from './exit-file.js';
import type { OciResources } from './oci-spec.js';
import { Runc } from './runc.js';

/** Where one engine instance keeps its runtime state (all under its exec root). */
export interface RuntimeLayout {
  runtimeRoot: string;
  exitDir: string;
  socketDir: string;
  stateDir: string;
  execDir: string;
}

export function runtimeLayout(execRoot: string): RuntimeLayout {
  return {
    runtimeRoot: path.join(execRoot, 'runc'),
    exitDir: path.join(execRoot, 'exits'),
    socketDir: path.join(execRoot, 'socks'),
    stateDir: path.join(execRoot, 'containers'),
    execDir: path.join(execRoot, 'exec'),
  };
}

/** The container service's runtime port on conmon + runc. */
export class EngineRuntime implements RuntimePort {
  private readonly runc: Runc;
  private readonly bundles = new Map<string, string>();

  constructor(
    private readonly opts: { runtime: string; conmon: string; layout: RuntimeLayout; bundleOf: (id: string) => string },
  ) {
    this.runc = new Runc(opts.runtime, opts.layout.runtimeRoot);
  }

  async init(): Promise<void> {
    const { layout } = this.opts;
    await Promise.all(Object.values(layout).map((dir) => fs.mkdir(dir, { recursive: true, mode: 0o700 })));
  }

  async create(c: CreateOptions): Promise<{ pid: number; conmonPid: number }> {
    const { layout } = this.opts;
    const state = path.join(layout.stateDir, c.id);
    await fs.mkdir(state, { recursive: true });
    await fs.rm(path.join(layout.exitDir, c.id), { force: true });
    this.bundles.set(c.id, c.bundle);
    return startConmon({
      conmon: this.opts.conmon,
      id: c.id,
      bundle: c.bundle,
      runtime: this.opts.runtime,
      runtimeRoot: layout.runtimeRoot,
      logPath: c.logPath,
      exitDir: layout.exitDir,
      pidFile: path.join(state, 'pid'),
      conmonPidFile: path.join(state, 'conmon.pid'),
      socketDir: layout.socketDir,
      tty: c.tty,
      stdin: c.stdin,
      leaveStdinOpen: c.stdin && !c.stdinOnce,
    });
  }

  start(id: string): Promise<void> {
    return this.runc.start(id);
  }

  async attach(id: string): Promise<ProcessIO> {
    return toProcessIO(await attach(this.opts.bundleOf(id)));
  }

  kill(id: string, signal: string): Promise<void> {
    return this.runc.kill(id, signal);
  }

  pause(id: string): Promise<void> {
    return this.runc.pause(id);
  }

  resume(id: string): Promise<void> {
    return this.runc.resume(id);
  }

  update(id: string, resources: OciResources): Promise<void> {
    return this.runc.update(id, resources);
  }

  async delete(id: string): Promise<void> {
    const { layout } = this.opts;
    // runc keeps a state dir per container it knows; without one there is nothing to delete.
    const known = await fs.access(path.join(layout.runtimeRoot, id)).then(() => true, () => false);
    if (known) await this.runc.delete(id, true).catch(() => {});
    await removeSocketLink(layout.socketDir, id);
    await fs.rm(path.join(layout.stateDir, id), { recursive: true, force: true });
  }

  resize(id: string, height: number, width: number): Promise<void> {
    return resize(this.opts.bundleOf(id), height, width);
  }

  waitExit(id: string): Promise<number> {
    return waitExitFile(this.opts.layout.exitDir, id);
  }

  readExit(id: string): Promise<number | null> {
    return readExitFile(this.opts.layout.exitDir, id);
  }

  processIds(id: string): Promise<number[]> {
    return this.runc.ps(id);
  }

  monitorAlive(id: string, conmonPid: number): boolean {
    return isConmonAlive(conmonPid, id);
  }

  async exec(id: string, e: ExecOptions): Promise<ExecProcess> {
    const { layout } = this.opts;
    const execId = `${id.slice(0, 12)}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const execDir = path.join(layout.execDir, execId);
    await fs.mkdir(execDir, { recursive: true, mode: 0o700 });
    const cleanup = async (): Promise<void> => {
      await removeSocketLink(layout.socketDir, execId);
      await fs.rm(execDir, { recursive: true, force: true });
    };
    let session: ExecSession;
    try {
      session = await execInContainer({
        conmon: this.opts.conmon,
        runtime: this.opts.runtime,
        runtimeRoot: layout.runtimeRoot,
        containerId: id,
        containerBundle: this.opts.bundleOf(id),
        execId,
        execDir,
        socketDir: layout.socketDir,
        args: e.args,
        env: e.env,
        cwd: e.cwd,
        user: e.user,
        tty: e.tty,
        stdin: e.stdin,
        attach: e.attach,
        ...(e.consoleSize ? { consoleSize: e.consoleSize } : {}),
      });
    } catch (err) {
      await cleanup();
      throw err;
    }
    const exited = session.wait();
    void exited.finally(() => setTimeout(() => void cleanup(), 1000).unref()).catch(() => {});
    return {
      pid: session.pid,
      io: toProcessIO(session),
      exited,
      resize: (h, w) => resize(execDir, h, w),
    };
  }
}

function toProcessIO(session: AttachSession | ExecSession): ProcessIO {
  return {
    output: session as AsyncIterable<OutputChunk>,
    write: (data) => void session.write(data).catch(() => {}),
    closeStdin: () => session.closeStdin(),
    close: () => session.close(),
  };
}
