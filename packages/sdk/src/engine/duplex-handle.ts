import type { Socket } from 'node:net';
import { abortable } from './call-options.js';
import { demultiplex, rawFrames, type OutputFrame } from './frame-demux.js';

/** A running attach or exec: stdin in, demultiplexed frames out, resizable, with the exit code at the end. */
export interface DuplexHandle {
  /** stdout/stderr frames until the process (or the attachment) ends. Iterate it once. */
  output: AsyncIterable<OutputFrame>;
  /** Writes to the process's stdin. */
  write(data: Buffer | string): void;
  /** Closes stdin (half-close): the process sees EOF while its output keeps coming. */
  closeWrite(): void;
  /** Resizes the TTY. */
  resize(rows: number, cols: number): Promise<void>;
  /** Drops the connection (the container keeps running). */
  close(): void;
  /** The process's exit code, once the output has ended. */
  exitCode: Promise<number | null>;
}

export interface DuplexParts {
  socket: Socket;
  head: Buffer;
  multiplexed: boolean;
  signal: AbortSignal | undefined;
  resize(rows: number, cols: number): Promise<void>;
  exitCode(): Promise<number | null>;
}

export function duplexHandle(parts: DuplexParts): DuplexHandle {
  const { socket, head, signal } = parts;
  const onAbort = (): void => void socket.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const chunks = (async function* (): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    yield* socket as AsyncIterable<Buffer>;
  })();
  const frames = parts.multiplexed ? demultiplex(chunks) : rawFrames(chunks);
  const output = abortable(frames, signal);
  const exitCode = ended.then(() => {
    signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) throw signal.reason;
    return parts.exitCode();
  });
  exitCode.catch(() => {});
  return {
    output,
    write: (data) => void socket.write(data),
    closeWrite: () => void socket.end(),
    resize: (rows, cols) => parts.resize(rows, cols),
    close: () => void socket.destroy(),
    exitCode,
  };
}

/** Adapts a string, bytes, a Readable or any byte iterable into what request bodies take. */
export function bytesOf(source: AsyncIterable<Uint8Array> | Buffer | string): AsyncIterable<Uint8Array> | Buffer {
  return typeof source === 'string' ? Buffer.from(source) : source;
}
