import type { Readable } from 'node:stream';

/** One message conmon (API version 1) writes on its sync or attach pipe. */
export interface ConmonMessage {
  /** A pid, an exit code, or -1 (or -status) when the runtime failed. */
  data: number;
  message?: string;
}

/**
 * Reads conmon's newline-delimited JSON messages (`{"data": N, "message": "..."}`) from the
 * parent's end of `_OCI_SYNCPIPE` or `_OCI_ATTACHPIPE`, in order.
 */
export class ConmonPipe {
  private buffer = '';
  private readonly queue: ConmonMessage[] = [];
  private waiter: ((msg: ConmonMessage | null) => void) | undefined;
  private ended = false;

  constructor(private readonly stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (line !== '') this.push(parse(line));
      }
    });
    const end = (): void => {
      if (this.ended) return;
      this.ended = true;
      if (this.buffer.trim() !== '') this.push(parse(this.buffer.trim()));
      this.buffer = '';
      this.wake(null);
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  private push(msg: ConmonMessage): void {
    if (this.waiter) this.wake(msg);
    else this.queue.push(msg);
  }

  private wake(msg: ConmonMessage | null): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(msg);
  }

  /** The next message, or null once conmon closed its end without sending one. */
  next(): Promise<ConmonMessage | null> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Stop reading and close the parent's end. */
  close(): void {
    this.stream.destroy();
  }
}

function parse(line: string): ConmonMessage {
  try {
    const value = JSON.parse(line) as { data?: unknown; pid?: unknown; exit_code?: unknown; message?: unknown };
    const data = Number(value.data ?? value.pid ?? value.exit_code);
    return {
      data: Number.isFinite(data) ? data : -1,
      ...(typeof value.message === 'string' ? { message: value.message } : {}),
    };
  } catch {
    return { data: -1, message: `unreadable message from conmon: ${line}` };
  }
}
