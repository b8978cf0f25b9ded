import { EventEmitter } from 'node:events';
import { closeSync, constants, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { SeqpacketSocket } from 'node-unix-socket';
import { EngineError } from '../errors.js';

/** One piece of a container's output as conmon forwards it. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** conmon's attach framing: the first byte of every packet names the pipe. */
const PIPE_STDOUT = 2;
const PIPE_STDERR = 3;
/** conmon reads stdin packets into a 32 KiB buffer; stay well below it. */
const STDIN_PACKET = 8192;
/** sun_path is 108 bytes including the terminating NUL. */
const SUN_PATH_MAX = 107;

/**
 * A connection to conmon's attach socket. Output arrives either as 'data' events
 * (`OutputChunk`) or through async iteration (not both: adding a 'data' listener stops the
 * queue); 'end' fires once, when conmon closed the connection (the process exited and its
 * output was drained).
 *
 * The socket cannot be paused: a reader that iterates more slowly than the container writes
 * is buffered up to `maxBuffered` bytes, then the iteration fails (output is never lost from
 * the log file, which is written independently).
 */
export class AttachSession extends EventEmitter implements AsyncIterable<OutputChunk> {
  private readonly queue: OutputChunk[] = [];
  private queued = 0;
  private overflow: EngineError | undefined;
  private wake: (() => void) | undefined;
  private ended = false;
  private stdinClosed = false;
  /** Once a 'data' listener exists, output goes to listeners only and nothing is queued. */
  private eventsOnly = false;
  /** Resolves when conmon closed the connection. */
  readonly done: Promise<void>;

  constructor(
    private readonly socket: SeqpacketSocket,
    private readonly maxBuffered = 16 * 1024 * 1024,
  ) {
    super();
    this.on('newListener', (event: string) => {
      if (event !== 'data') return;
      this.eventsOnly = true;
      this.queue.length = 0;
      this.queued = 0;
    });
    let resolveDone!: () => void;
    this.done = new Promise((resolve) => {
      resolveDone = resolve;
    });
    socket.on('data', (packet: Buffer) => {
      if (packet.length < 1) return;
      const pipe = packet[0];
      if (pipe !== PIPE_STDOUT && pipe !== PIPE_STDERR) return;
      const chunk: OutputChunk = { stream: pipe === PIPE_STDOUT ? 'stdout' : 'stderr', data: packet.subarray(1) };
      this.emit('data', chunk);
      this.enqueue(chunk);
    });
    const finish = (): void => {
      if (this.ended) return;
      this.ended = true;
      socket.destroy();
      this.emit('end');
      this.notify();
      resolveDone();
    };
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (err: Error) => {
      this.emit('error', err);
      finish();
    });
  }

  private enqueue(chunk: OutputChunk): void {
    if (this.overflow || this.eventsOnly) return;
    this.queued += chunk.data.length;
    this.queue.push(chunk);
    if (this.queued > this.maxBuffered) {
      this.queue.length = 0;
      this.queued = 0;
      this.overflow = new EngineError('UNAVAILABLE', `attach reader fell more than ${this.maxBuffered} bytes behind the container's output; output was dropped`);
    }
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Whether conmon has closed the connection. */
  get closed(): boolean {
    return this.ended;
  }

  /** Send bytes to the container's stdin (raw, no framing); resolves once handed to the kernel. */
  async write(data: Buffer): Promise<void> {
    if (this.ended || this.stdinClosed) {
      throw new EngineError('FAILED_PRECONDITION', 'stdin of the attach session is closed');
    }
    for (let off = 0; off < data.length; off += STDIN_PACKET) {
      const piece = data.subarray(off, Math.min(data.length, off + STDIN_PACKET));
      await new Promise<void>((resolve) => this.socket.write(piece, 0, piece.length, () => resolve()));
    }
  }

  /** Half-close: conmon then closes the container's stdin; output keeps flowing. */
  closeStdin(): void {
    if (this.ended || this.stdinClosed) return;
    this.stdinClosed = true;
    this.socket.end();
  }

  /** Drop the connection (the container keeps running). */
  close(): void {
    if (this.ended) return;
    this.socket.destroy();
    this.ended = true;
    this.emit('end');
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<OutputChunk> {
    for (;;) {
      if (this.overflow) throw this.overflow;
      const chunk = this.queue.shift();
      if (chunk) {
        this.queued -= chunk.data.length;
        yield chunk;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

/** Connect to a unix SOCK_SEQPACKET socket, working around sun_path's length limit. */
function connectSeqpacket(socketPath: string): Promise<SeqpacketSocket> {
  return new Promise((resolve, reject) => {
    const socket = new SeqpacketSocket();
    let dirFd: number | undefined;
    let target = socketPath;
    const cleanup = (): void => {
      if (dirFd !== undefined) closeSync(dirFd);
      dirFd = undefined;
    };
    socket.once('error', (err: Error) => {
      cleanup();
      reject(err);
    });
    try {
      if (Buffer.byteLength(socketPath) > SUN_PATH_MAX) {
        dirFd = openSync(path.dirname(socketPath), constants.O_RDONLY | constants.O_DIRECTORY);
        target = `/proc/self/fd/${dirFd}/${path.basename(socketPath)}`;
      }
      socket.connect(target, () => {
        cleanup();
        resolve(socket);
      });
    } catch (err) {
      cleanup();
      socket.destroy();
      reject(err);
    }
  });
}

/**
 * Attach to the container (or exec session) whose conmon uses `bundleDir`. Attach before
 * `runc start`, or before releasing an exec, to see all of the output.
 */
export async function attach(bundleDir: string, opts: { maxBuffered?: number } = {}): Promise<AttachSession> {
  const socketPath = path.join(bundleDir, 'attach');
  try {
    return new AttachSession(await connectSeqpacket(socketPath), opts.maxBuffered);
  } catch (err) {
    throw new EngineError('FAILED_PRECONDITION', `cannot attach: the container's monitor is not running (${(err as Error).message})`, { cause: err });
  }
}

/** Resize the container's (or exec session's) tty through conmon's control fifo in `bundleDir`. */
export async function resize(bundleDir: string, height: number, width: number): Promise<void> {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0 || height > 1000 || width > 1000) {
    throw new EngineError('INVALID_ARGUMENT', `invalid tty size ${height}x${width}: both must be between 0 and 1000`);
  }
  let handle;
  try {
    handle = await open(path.join(bundleDir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENXIO' || code === 'ENOENT') {
      throw new EngineError('FAILED_PRECONDITION', 'cannot resize a stopped container', { cause: err });
    }
    throw err;
  }
  try {
    await handle.write(`1 ${height} ${width}\n`);
  } finally {
    await handle.close();
  }
}
