import { EventEmitter } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { attach, type AttachSession, type OutputChunk } from './attach.js';
import { launchConmon, runtimeError, type ConmonLaunch } from './conmon-process.js';
import { buildExecProcess, type ExecProcessInput } from './exec-process.js';
import { readExitFile, waitExitFile } from './exit-file.js';
import { runtimeMessage } from './runc.js';

/** Where and how to run an extra process in a running container. */
export interface ExecOptions extends ExecProcessInput {
  /** conmon binary (default "conmon" from PATH). */
  conmon?: string;
  runtime: string;
  runtimeRoot: string;
  containerId: string;
  /** The container's bundle (its config.json is the base of the exec's process). */
  containerBundle: string;
  /** Unique id of this exec session. */
  execId: string;
  /** A directory for this session only: process.json, pid, conmon's attach/ctl, exit/. */
  execDir: string;
  /** conmon links `<socketDir>/<execId>` to execDir (remove it with removeSocketLink). */
  socketDir: string;
  /** Give the process a stdin fed through write()/closeStdin(). */
  stdin: boolean;
  /** Connect to the process's stdio (false for `docker exec -d`). Default true. */
  attach?: boolean;
}

/** The exit directory of an exec session: conmon writes `<exitDir>/<containerId>` there. */
export function execExitDir(execDir: string): string {
  return path.join(execDir, 'exit');
}

/**
 * A process started in a running container. Output comes as 'data' events or by async
 * iteration; either way the output ends ('end', or the iteration finishing) only after the
 * exit code is known, so a caller that inspects the session after the stream closed always
 * finds it recorded.
 */
export class ExecSession extends EventEmitter implements AsyncIterable<OutputChunk> {
  private code: number | undefined;
  private readonly exit: Promise<number>;

  constructor(
    /** Host pid of the exec'd process. */
    readonly pid: number,
    private readonly io: AttachSession | undefined,
    exit: Promise<number>,
  ) {
    super();
    this.exit = exit.then((code) => {
      this.code = code;
      return code;
    });
    this.exit.catch(() => {});
    this.on('newListener', (event: string) => {
      if (event === 'data' && io && io.listenerCount('data') === 0) {
        io.on('data', (chunk: OutputChunk) => this.emit('data', chunk));
      }
    });
    const outputDone = io ? io.done : Promise.resolve();
    void Promise.allSettled([outputDone, this.exit]).then(() => this.emit('end'));
  }

  /** The exit code once known. */
  get exitCode(): number | undefined {
    return this.code;
  }

  /** Resolves with the exit code (128+N for a death by signal N). */
  wait(): Promise<number> {
    return this.exit;
  }

  /** Send bytes to the process's stdin. */
  async write(data: Buffer): Promise<void> {
    if (!this.io) throw new EngineError('FAILED_PRECONDITION', 'exec session is not attached');
    await this.io.write(data);
  }

  /** Close the process's stdin; output keeps flowing. */
  closeStdin(): void {
    this.io?.closeStdin();
  }

  /** Stop forwarding output (the process keeps running). */
  close(): void {
    this.io?.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<OutputChunk> {
    if (this.io) yield* this.io;
    await this.exit;
  }
}

function execArgs(opts: ExecOptions, processFile: string): string[] {
  const args = [
    '--api-version', '1',
    '-c', opts.containerId,
    '-u', opts.execId,
    '-n', opts.containerId,
    '-r', opts.runtime,
    '--runtime-arg', '--root', '--runtime-arg', opts.runtimeRoot,
    '-b', opts.execDir,
    '-p', path.join(opts.execDir, 'pid'),
    '-l', 'none:',
    '--exit-dir', execExitDir(opts.execDir),
    '--socket-dir-path', opts.socketDir,
    '-e', '--exec-attach', '--exec-process-spec', processFile,
  ];
  if (opts.tty) args.push('-t');
  if (opts.stdin) args.push('-i');
  return args;
}

/** The exit code: conmon's second sync message, or its exit file if the pipe broke. */
async function exitCodeOf(launch: ConmonLaunch, opts: ExecOptions): Promise<number> {
  try {
    const msg = await launch.sync.next();
    if (msg !== null) {
      if (msg.message) throw new EngineError('INTERNAL', `exec ${opts.execId}: ${runtimeMessage(msg.message)}`);
      return msg.data;
    }
    const recorded = await readExitFile(execExitDir(opts.execDir), opts.containerId);
    return recorded ?? (await waitExitFile(execExitDir(opts.execDir), opts.containerId));
  } finally {
    launch.release();
  }
}

/**
 * Run a process in a running container through conmon's exec mode. Resolves once the
 * process runs (with stdio attached when asked), rejects with the runtime's message when it
 * cannot start (e.g. `executable file not found in $PATH`).
 */
export async function execInContainer(opts: ExecOptions): Promise<ExecSession> {
  const proc = await buildExecProcess(opts.containerBundle, opts);
  await mkdir(execExitDir(opts.execDir), { recursive: true });
  const processFile = path.join(opts.execDir, 'process.json');
  await writeFile(processFile, JSON.stringify(proc), { mode: 0o600 });

  const launch = launchConmon(opts.conmon ?? 'conmon', execArgs(opts, processFile), { cwd: opts.execDir, exec: true });
  let io: AttachSession | undefined;
  try {
    launch.start!.write('0');
    const ready = await launch.attach!.next();
    if (ready === null || ready.data !== 0) {
      const exited = await launch.exited;
      const pipe = await launch.sync.next();
      const why = pipe?.message ? runtimeMessage(pipe.message) : exited.stderr.trim() || ready?.message;
      throw new EngineError('INTERNAL', `conmon failed to set up exec ${opts.execId}: ${why || 'no reason given'}`);
    }
    if (opts.attach !== false) io = await attach(opts.execDir);
    launch.start!.end('1');
    const started = await launch.sync.next();
    if (started === null || started.data <= 0) {
      throw runtimeError('exec', runtimeMessage(started?.message ?? '') || 'conmon exited without starting the process');
    }
    return new ExecSession(started.data, io, exitCodeOf(launch, opts));
  } catch (err) {
    io?.close();
    launch.release();
    throw err;
  }
}
