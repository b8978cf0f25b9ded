import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { nativeTerminal, type NativeTerminal } from './native-terminal.js';

export type OutputStream = Writable & { isTTY?: boolean; columns?: number; rows?: number };

/**
 * Standard output or standard error, whose stream (process.stdout or process.stderr) is opened only
 * when a command needs it: creating it loads node:stream, and on a terminal node:tty, which on Bun
 * cost more than the rest of a short command. Until then text is written with write(2) at once, in
 * order, and whether it is a terminal and how wide is asked of the C library (on Bun) or of the
 * stream (on Node). Once a command has taken the stream, every write goes through it.
 */
export class ProcessOutput {
  private opened: OutputStream | undefined;
  private readonly charDevice: boolean;

  constructor(
    private readonly fd: number,
    private readonly open: () => OutputStream,
    /** Called when the reader has gone (EPIPE) or the write failed otherwise. */
    private readonly onError: (err: NodeJS.ErrnoException) => void,
    /** The C library's answers on Bun, loaded on first use (see native-terminal.ts). */
    private readonly native: () => NativeTerminal | undefined = nativeTerminal,
  ) {
    this.charDevice = isCharacterDevice(fd);
  }

  get stream(): OutputStream {
    if (!this.opened) {
      this.opened = this.open();
      this.opened.on('error', this.onError);
    }
    return this.opened;
  }

  get isTTY(): boolean {
    if (!this.charDevice) return false; // a pipe or a file: no need to ask
    const native = this.native();
    return native ? native.isTerminal(this.fd) : this.stream.isTTY === true;
  }

  /** The terminal's width, or undefined when this is not a terminal. */
  get columns(): number | undefined {
    if (!this.isTTY) return undefined;
    const native = this.native();
    return native ? native.size(this.fd)?.columns : this.stream.columns;
  }

  write(text: string): void {
    if (this.opened) {
      this.opened.write(text);
      return;
    }
    let bytes = Buffer.from(text);
    try {
      while (bytes.length > 0) bytes = bytes.subarray(fs.writeSync(this.fd, bytes));
    } catch (err) {
      // A non-blocking pipe or terminal that is full: the stream queues the rest and writes it in order.
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') this.stream.write(bytes);
      else this.onError(err as NodeJS.ErrnoException);
    }
  }

  /** Calls `done` once everything written has left the process. */
  flush(done: () => void): void {
    if (this.opened) this.opened.write('', done);
    else done();
  }
}

function isCharacterDevice(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isCharacterDevice();
  } catch {
    return true; // closed or unknown: let the stream decide
  }
}
