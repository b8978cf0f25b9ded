import type { OciResources } from '../runtime/oci-spec.js';

/**
 * What the container service needs from the OCI runtime stack (conmon + runc). Keeping it
 * narrow lets the lifecycle read as Docker's semantics rather than process plumbing.
 */

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** A connection to a process's stdio through conmon. */
export interface ProcessIO {
  output: AsyncIterable<OutputChunk>;
  write(data: Buffer): void;
  /** Closes the process's stdin (the client sent EOF). */
  closeStdin(): void;
  close(): void;
}

export interface CreateOptions {
  id: string;
  /** Directory holding config.json (the OCI bundle). */
  bundle: string;
  logPath: string;
  tty: boolean;
  /** Keep a stdin pipe for attach (`-i`). */
  stdin: boolean;
  /** Close stdin after the first attach disconnects (`StdinOnce`). */
  stdinOnce: boolean;
}

export interface ExecOptions {
  args: string[];
  /** Added to the container's environment. */
  env: string[];
  /** Defaults to the container's working directory. */
  cwd?: string;
  /** Defaults to the container's user. */
  user?: { uid: number; gid: number; additionalGids: number[] };
  tty: boolean;
  stdin: boolean;
  /** Connect to the process's stdio (false for `docker exec -d`). */
  attach: boolean;
  consoleSize?: { height: number; width: number };
}

export interface ExecProcess {
  pid: number;
  io: ProcessIO;
  /** Resolves with the exit code; always before `io.output` ends. */
  exited: Promise<number>;
  resize(height: number, width: number): Promise<void>;
}

export interface RuntimePort {
  /** conmon + `runc create`: the process exists, stopped before its entrypoint. */
  create(opts: CreateOptions): Promise<{ pid: number; conmonPid: number }>;
  start(id: string): Promise<void>;
  attach(id: string): Promise<ProcessIO>;
  kill(id: string, signal: string): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Changes the cgroup limits of a running container (`docker update`). */
  update(id: string, resources: OciResources): Promise<void>;
  /** Removes runc state and conmon's files for the container; idempotent. */
  delete(id: string): Promise<void>;
  resize(id: string, height: number, width: number): Promise<void>;
  /** Resolves with the exit code once conmon recorded it (128+N for signal N). */
  waitExit(id: string): Promise<number>;
  /** The recorded exit code, or null when the container has not exited (or never ran). */
  readExit(id: string): Promise<number | null>;
  /** Host pids of the container's processes. */
  processIds(id: string): Promise<number[]>;
  exec(id: string, opts: ExecOptions): Promise<ExecProcess>;
  /** Whether conmon for this container is still alive (live restore). */
  monitorAlive(id: string, conmonPid: number): boolean;
}
