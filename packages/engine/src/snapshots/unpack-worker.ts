import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { extractLayer } from './extract.js';
import { type FromWorker, type ToWorker, toWire } from './unpack-protocol.js';

/*
 * The worker thread side of `UnpackPool`: runs `extractLayer` (the same code and rules as in the daemon's own
 * thread) on the chunks it is sent, several layers at a time if asked, and reports each one's result or error.
 */

/** One layer being unpacked here: chunks wait in `queue` until the unpacker reads them. */
class Job {
  private readonly queue: Buffer[] = [];
  private ended = false;
  private cancelled: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly id: number) {}

  push(chunk: Buffer): void {
    this.queue.push(chunk);
    this.poke();
  }

  end(): void {
    this.ended = true;
    this.poke();
  }

  cancel(): void {
    this.cancelled = new Error('the layer unpack was cancelled');
    this.poke();
  }

  async *chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.cancelled) throw this.cancelled;
      const chunk = this.queue.shift();
      if (chunk) {
        send({ op: 'taken', job: this.id, bytes: chunk.length });
        yield chunk;
      } else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private poke(): void {
    this.wake?.();
    this.wake = null;
  }
}

const port = parentPort;
if (!port) throw new Error('unpack-worker must run in a worker thread');
const jobs = new Map<number, Job>();

function send(message: FromWorker): void {
  port!.postMessage(message);
}

port.on('message', (message: ToWorker) => {
  if (message.op === 'start') {
    const job = new Job(message.job);
    jobs.set(message.job, job);
    // One chunk read ahead at most, so the credit returned is for bytes the unpacker has really taken.
    const source = Readable.from(job.chunks(), { highWaterMark: 1 });
    extractLayer(source, message.dest, message.limits).then(
      (result) => send({ op: 'done', job: message.job, result }),
      (err: unknown) => {
        source.destroy();
        send({ op: 'failed', job: message.job, error: toWire(err) });
      },
    ).finally(() => jobs.delete(message.job));
    return;
  }
  const job = jobs.get(message.job);
  if (message.op === 'data') job?.push(Buffer.from(message.chunk));
  else if (message.op === 'end') job?.end();
  else job?.cancel();
});
