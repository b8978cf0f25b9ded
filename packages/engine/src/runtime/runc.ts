import { EngineError } from '../errors.js';
import { CommandError, runCommand } from '../process/command.js';

/** A container's state as runc sees it. */
export interface RuncState {
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  pid: number;
}

/** Turn runc's logrus line (`time=... level=error msg="..."`) into its message. */
export function runtimeMessage(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  const messages = lines.map((line) => {
    const m = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line);
    if (!m) return line.trim();
    try {
      return JSON.parse(`"${m[1]}"`) as string;
    } catch {
      return m[1]!;
    }
  });
  return messages.join('; ').trim();
}

function toEngineError(verb: string, id: string, message: string, cause: unknown): EngineError {
  if (/container does not exist/i.test(message)) {
    return new EngineError('NOT_FOUND', `no such container in the runtime: ${id}`, { cause });
  }
  if (/not running|already running|has stopped|is paused|not paused|cannot (start|pause|resume)|is not stopped/i.test(message)) {
    return new EngineError('FAILED_PRECONDITION', `runc ${verb} ${id}: ${message}`, { cause });
  }
  return new EngineError('INTERNAL', `runc ${verb} ${id}: ${message || 'failed'}`, { cause });
}

/**
 * runc's command line for one Berth instance: every call passes `--root`, so instances
 * side by side (and runc's default /run/runc) never see each other's containers.
 */
export class Runc {
  constructor(
    readonly binary: string,
    readonly root: string,
  ) {}

  private async run(verb: string, id: string, args: string[], input?: string): Promise<string> {
    try {
      const { stdout } = await runCommand(this.binary, ['--root', this.root, ...args], {
        env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
        ...(input !== undefined ? { input } : {}),
      });
      return stdout;
    } catch (err) {
      const stderr = err instanceof CommandError ? err.stderr : '';
      throw toEngineError(verb, id, runtimeMessage(stderr) || (err as Error).message, err);
    }
  }

  async start(id: string): Promise<void> {
    await this.run('start', id, ['start', id]);
  }

  /** Send a signal ("KILL", "SIGTERM", 15 …) to the container's init, or to all its processes. */
  async kill(id: string, signal: string | number = 'KILL', all = false): Promise<void> {
    const sig = typeof signal === 'number' ? String(signal) : signal.toUpperCase().replace(/^SIG/, '');
    if (!/^([0-9]+|[A-Z0-9+-]+)$/.test(sig)) {
      throw new EngineError('INVALID_ARGUMENT', `invalid signal: ${signal}`);
    }
    await this.run('kill', id, ['kill', ...(all ? ['--all'] : []), id, sig]);
  }

  /** Remove runc's state (and cgroup) of a stopped container; `force` kills a running one first. */
  async delete(id: string, force = false): Promise<void> {
    await this.run('delete', id, ['delete', ...(force ? ['--force'] : []), id]);
  }

  /** Freeze every process of the container. */
  async pause(id: string): Promise<void> {
    await this.run('pause', id, ['pause', id]);
  }

  /** Thaw a paused container. */
  async resume(id: string): Promise<void> {
    await this.run('resume', id, ['resume', id]);
  }

  /** Changes the cgroup limits of a live container (linux.resources JSON on stdin). */
  async update(id: string, resources: object): Promise<void> {
    await this.run('update', id, ['update', '--resources', '-', id], JSON.stringify(resources));
  }

  /** The container's status and init pid, or null when runc does not know it. */
  async state(id: string): Promise<RuncState | null> {
    try {
      const out = JSON.parse(await this.run('state', id, ['state', id])) as RuncState;
      return { status: out.status, pid: out.pid };
    } catch (err) {
      if (err instanceof EngineError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  /** Host pids of every process in the container. */
  async ps(id: string): Promise<number[]> {
    const out = (await this.run('ps', id, ['ps', '--format', 'json', id])).trim();
    return out === '' || out === 'null' ? [] : (JSON.parse(out) as number[]);
  }
}
