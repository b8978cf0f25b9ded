import fs from 'node:fs';
import type { Writable } from 'node:stream';

export type OutputStream = Writable & { isTTY?: boolean; columns?: number; rows?: number };

/**
 * Standard output or standard error, whose stream (process.stdout or process.stderr) is opened only
 * when a command needs it: creating it loads node:stream, which on Bun costs more than the rest of a
 * short command. Text bound for a pipe or a file (anything but a character device, so never a
 * terminal) is written with write(2) at once, in order; on a terminal, or once a command has taken
 * the stream, every write goes through the stream.
 */
export class ProcessOutput {
  private opened: OutputStream | undefined;
  private readonly plain: boolean;

  constructor(
    private readonly fd: number,
    private readonly open: () => OutputStream,
    /** Called when the reader has gone (EPIPE) or the write failed otherwise. */
    private readonly onError: (err: NodeJS.ErrnoException) => void,
  ) {
    this.plain = !mayBeTerminal(fd);
  }

  get stream(): OutputStream {
    if (!this.opened) {
      this.opened = this.open();
      this.opened.on('error', this.onError);
    }
    return this.opened;
  }

  get isTTY(): boolean {
    return !this.plain && this.stream.isTTY === true;
  }

  write(text: string): void {
    if (this.opened || !this.plain) {
      this.stream.write(text);
      return;
    }
    let bytes = Buffer.from(text);
    try {
      while (bytes.length > 0) bytes = bytes.subarray(fs.writeSync(this.fd, bytes));
    } catch (err) {
      // A non-blocking pipe that is full: the stream queues the rest and writes it in order.
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

function mayBeTerminal(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isCharacterDevice();
  } catch {
    return true; // closed or unknown: let the stream decide
  }
}
