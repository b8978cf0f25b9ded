import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { EngineError } from '../errors.js';
import type { ExtractLimits, ExtractResult } from './extract.js';
import { type FromWorker, type ToWorker, fromWire } from './unpack-protocol.js';
import { type PoolWorker as Slot, pickWorker, spawnWorker } from './worker-slots.js';

/** The source is sent on in blocks of this size (each a fresh buffer, transferred to the worker without a copy). */
const BLOCK_BYTES = 1024 * 1024;
/** Bytes of one layer sent to its worker and not yet read by the unpacker there; past it, reading the source waits. */
const MAX_IN_FLIGHT = 4 * BLOCK_BYTES;

/** Where the worker's code is: built next to this module (dist), or the TypeScript source when run from source (tests). */
export interface WorkerEntry {
  url: URL;
  execArgv: string[];
}

export function defaultWorkerEntry(): WorkerEntry {
  return workerEntry('unpack-worker');
}

/** The worker module `name` of this folder (its own entry in tsup.config.ts). */
export function workerEntry(name: string): WorkerEntry {
  const built = new URL(`./${name}.js`, import.meta.url);
  if (existsSync(built)) return { url: built, execArgv: [] };
  const hooks = new URL('../../test/support/ts-hooks.mjs', import.meta.url);
  return { url: new URL(`./${name}.ts`, import.meta.url), execArgv: ['--import', hooks.href] };
}

type Outcome = Extract<FromWorker, { op: 'done' | 'failed' }> | { op: 'crashed'; error: Error };

interface Job {
  /** Credit the worker has returned; the reader waits on it. */
  inFlight: number;
  wake: (() => void) | null;
  settle(outcome: Outcome): void;
}

type PoolWorker = Slot<Job>;

/**
 * Unpacks layers (`extractLayer`, the same code and rules) in worker threads, so gunzip, the diff-ID hash, tar
 * parsing and file writes run beside the daemon's own thread (downloads, the blob digest). Up to `size` workers
 * are started when first needed and kept; each takes several layers at a time. The compressed bytes go over in
 * blocks transferred without a copy, at most `MAX_IN_FLIGHT` ahead of the unpacker. Errors come back as the same
 * EngineErrors. A worker that dies fails its layers (INTERNAL), never the daemon; the next layer starts a new one.
 */
export class UnpackPool {
  private readonly workers: PoolWorker[] = [];
  private nextJob = 1;
  private closed = false;

  constructor(
    private readonly size = Math.min(2, availableParallelism()),
    private readonly entry: WorkerEntry = defaultWorkerEntry(),
  ) {}

  /**
   * Same contract as `extractLayer`. When `source` fails or `signal` aborts, the worker's job is stopped and this
   * rejects (with the source's error or the abort reason) only once the worker writes nothing more into `dest`,
   * which is left to the caller to remove. The source is consumed, or destroyed when the unpack fails.
   */
  async extract(source: Readable, dest: string, limits: Partial<ExtractLimits> = {}, signal?: AbortSignal): Promise<ExtractResult> {
    if (this.closed) throw new EngineError('UNAVAILABLE', 'the layer unpack pool is closed');
    signal?.throwIfAborted();
    const target = this.pick();
    const id = this.nextJob++;
    const state: { outcome: Outcome | null } = { outcome: null };
    let onSettled: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (onSettled = resolve));
    const job: Job = {
      inFlight: 0,
      wake: null,
      settle: (outcome) => {
        target.jobs.delete(id);
        if (target.jobs.size === 0) target.worker.unref();
        state.outcome = outcome;
        // A failed unpack stops reading its source at once, as it does in the daemon's own thread.
        if (outcome.op !== 'done') source.destroy();
        job.wake?.();
        onSettled();
      },
    };
    target.jobs.set(id, job);
    // An idle worker does not keep the process alive; one with layers to unpack does.
    target.worker.ref();
    const post = (message: ToWorker, transfer: ArrayBuffer[] = []): void => target.worker.postMessage(message, transfer);
    const cancel = (): void => {
      if (state.outcome === null) post({ op: 'cancel', job: id });
    };
    const onAbort = (): void => {
      cancel();
      source.destroy();
    };
    post({ op: 'start', job: id, dest, limits });
    signal?.addEventListener('abort', onAbort, { once: true });
    let stopped: { error: unknown } | null = null;
    try {
      await this.feed(source, job, (block) => post({ op: 'data', job: id, chunk: block }, [block]), () => state.outcome !== null);
      if (state.outcome === null) post({ op: 'end', job: id });
    } catch (error) {
      // The source failed first (a download that broke off): the worker stops, and the source's error is the answer.
      if (state.outcome === null) {
        stopped = { error };
        cancel();
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    await finished;
    if (signal?.aborted) stopped = { error: signal.reason };
    const outcome = state.outcome as Outcome | null;
    if (outcome === null) throw new EngineError('INTERNAL', 'the layer unpack ended without an outcome');
    if (outcome.op === 'crashed') throw outcome.error;
    if (stopped) throw stopped.error;
    if (outcome.op === 'failed') throw fromWire(outcome.error);
    return outcome.result;
  }

  /** Stops every worker; layers still unpacking fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.splice(0).map(async (w) => {
      this.fail(w, new EngineError('UNAVAILABLE', 'the daemon is shutting down'));
      await w.worker.terminate();
    }));
  }

  /** Reads the source into blocks and sends them, waiting while too many bytes are in flight; stops early once the job is over. */
  private async feed(source: Readable, job: Job, send: (block: ArrayBuffer) => void, over: () => boolean): Promise<void> {
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      // Buffer.concat of a block this size makes a buffer of its own (not a slice of a shared pool): safe to transfer.
      const block = Buffer.concat(pending, pendingBytes);
      pending.length = 0;
      pendingBytes = 0;
      while (job.inFlight >= MAX_IN_FLIGHT && !over()) await new Promise<void>((resolve) => (job.wake = resolve));
      if (over()) return;
      job.inFlight += block.length;
      send(ownBuffer(block));
    };
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (over()) return;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= BLOCK_BYTES) await flush();
    }
    if (pendingBytes > 0 && !over()) await flush();
  }

  /** The least busy worker, starting another while there are fewer than `size` and all are busy. */
  private pick(): PoolWorker {
    return pickWorker(this.workers, this.size, () => this.start());
  }

  private start(): PoolWorker {
    const entry = spawnWorker<Job>(this.entry, this.workers);
    const { worker } = entry;
    worker.on('message', (message: FromWorker) => {
      const job = entry.jobs.get(message.job);
      if (!job) return;
      if (message.op === 'taken') {
        job.inFlight -= message.bytes;
        job.wake?.();
        job.wake = null;
      } else job.settle(message);
    });
    // A worker that fails is stopped; its layers fail once it has exited, so nothing writes into them any more.
    let why = 'exited';
    const stop = (err: Error): void => {
      why = err.message;
      void worker.terminate();
    };
    worker.on('error', stop);
    worker.on('messageerror', stop);
    worker.on('exit', (code) => {
      const at = this.workers.indexOf(entry);
      if (at >= 0) this.workers.splice(at, 1);
      this.fail(entry, new EngineError('INTERNAL', `the layer unpack worker stopped (${why}, exit code ${code}); pull or load the image again`));
    });
    return entry;
  }

  private fail(entry: PoolWorker, error: Error): void {
    for (const job of [...entry.jobs.values()]) job.settle({ op: 'crashed', error });
  }
}

/** The block's memory as a transferable ArrayBuffer (copied only if the block is a slice of a larger one). */
export function ownBuffer(block: Buffer): ArrayBuffer {
  const whole = block.byteOffset === 0 && block.byteLength === block.buffer.byteLength && block.buffer instanceof ArrayBuffer;
  return whole ? (block.buffer as ArrayBuffer) : (new Uint8Array(block).buffer as ArrayBuffer);
}
