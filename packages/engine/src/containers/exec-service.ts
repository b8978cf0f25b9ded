import { randomBytes } from 'node:crypto';
import type { ExecCreateRequest, ExecInspect } from '@berth/sdk';
import { EngineError } from '../errors.js';
import { containerEvent } from './container-event.js';
import type { ContainerService } from './container-service.js';
import type { ExecProcess, ExecOptions, RuntimePort } from './runtime-port.js';

interface ExecRecord {
  id: string;
  containerId: string;
  request: ExecCreateRequest;
  running: boolean;
  exitCode: number | null;
  pid: number;
  process?: ExecProcess;
}

export type UserResolver = (containerId: string, user: string) => Promise<ExecOptions['user']>;

/** `docker exec`: processes started inside running containers through conmon. */
export class ExecService {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(
    private readonly containers: ContainerService,
    private readonly runtime: RuntimePort,
    private readonly resolveUser: UserResolver,
  ) {}

  create(containerRef: string, request: ExecCreateRequest): string {
    const container = this.containers.get(containerRef);
    if (!Array.isArray(request.Cmd) || request.Cmd.length === 0) {
      throw new EngineError('INVALID_ARGUMENT', 'No exec command specified');
    }
    if (container.state.status === 'paused') {
      throw new EngineError('CONFLICT', `Container ${container.id} is paused, unpause the container before exec`);
    }
    if (container.state.status !== 'running') {
      throw new EngineError('CONFLICT', `Container ${container.id} is not running`);
    }
    const id = randomBytes(32).toString('hex');
    this.execs.set(id, { id, containerId: container.id, request, running: false, exitCode: null, pid: 0 });
    this.containers.publish(containerEvent(container, `exec_create: ${request.Cmd.join(' ')}`, { execID: id }));
    return id;
  }

  get(id: string): ExecRecord {
    const exec = this.execs.get(id);
    if (!exec) throw new EngineError('NOT_FOUND', `No such exec instance: ${id}`);
    return exec;
  }

  /** Starts the process; the exit code is recorded before its output stream ends. */
  async start(id: string, opts: { tty?: boolean; detach?: boolean; consoleSize?: [number, number] | null }): Promise<ExecProcess> {
    const exec = this.get(id);
    if (exec.running || exec.exitCode !== null) throw new EngineError('CONFLICT', `exec ${id} has already started`);
    const container = this.containers.get(exec.containerId);
    if (container.state.status !== 'running') throw new EngineError('CONFLICT', `Container ${container.id} is not running`);
    const req = exec.request;
    const tty = opts.tty ?? req.Tty ?? false;
    const size = opts.consoleSize ?? req.ConsoleSize;
    const user = req.User ? await this.resolveUser(container.id, req.User) : undefined;
    exec.running = true;
    let proc: ExecProcess;
    try {
      proc = await this.runtime.exec(container.id, {
        args: req.Cmd,
        env: req.Env ?? [],
        ...(req.WorkingDir ? { cwd: req.WorkingDir } : {}),
        ...(user ? { user } : {}),
        tty,
        stdin: (req.AttachStdin ?? false) && !opts.detach,
        attach: !opts.detach,
        ...(size && size[0] > 0 ? { consoleSize: { height: size[0], width: size[1] } } : {}),
      });
    } catch (err) {
      exec.running = false;
      exec.exitCode = /executable file not found|no such file/.test((err as Error).message) ? 127 : 126;
      throw new EngineError('INVALID_ARGUMENT', (err as Error).message, { cause: err });
    }
    exec.process = proc;
    exec.pid = proc.pid;
    this.containers.publish(containerEvent(container, `exec_start: ${req.Cmd.join(' ')}`, { execID: id }));
    const died = (code: number): void => {
      Object.assign(exec, { running: false, exitCode: code });
      this.containers.publish(containerEvent(container, 'exec_die', { execID: id, exitCode: String(code) }));
    };
    void proc.exited.then(died, () => died(126));
    return proc;
  }

  async resize(id: string, height: number, width: number): Promise<void> {
    const exec = this.get(id);
    if (!exec.process || !exec.running) throw new EngineError('CONFLICT', 'cannot resize a stopped container');
    await exec.process.resize(height, width);
  }

  inspect(id: string): ExecInspect {
    const exec = this.get(id);
    const [entrypoint = '', ...args] = exec.request.Cmd;
    return {
      ID: exec.id,
      Running: exec.running,
      ExitCode: exec.exitCode,
      ProcessConfig: { tty: exec.request.Tty ?? false, entrypoint, arguments: args, privileged: exec.request.Privileged ?? false, user: exec.request.User ?? '' },
      OpenStdin: exec.request.AttachStdin ?? false,
      OpenStderr: exec.request.AttachStderr ?? false,
      OpenStdout: exec.request.AttachStdout ?? false,
      CanRemove: false,
      ContainerID: exec.containerId,
      DetachKeys: '',
      Pid: exec.pid,
    };
  }

  idsFor(containerId: string): string[] {
    return [...this.execs.values()].filter((e) => e.containerId === containerId && e.running).map((e) => e.id);
  }

  /** Forgets the exec sessions of a removed container. */
  forget(containerId: string): void {
    for (const [id, exec] of this.execs) if (exec.containerId === containerId) this.execs.delete(id);
  }
}
