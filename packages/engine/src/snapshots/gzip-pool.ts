import { availableParallelism } from 'node:os';
import { EngineError } from '../errors.js';
import type { MemberOptions } from '../images/parallel-gzip.js';
import { type WorkerEntry, ownBuffer, workerEntry } from './unpack-pool.js';
import { type PoolWorker as Slot, pickWorker, spawnWorker } from './worker-slots.js';

/** A block to compress; `block` is transferred, not copied. */
export interface GzipRequest {
  job: number;
  block: ArrayBuffer;
  opts: MemberOptions;
}

export type GzipReply = { job: number; member: Uint8Array } | { job: number; error: string };

interface Pending {
  resolve(member: Buffer): void;
  reject(err: Error): void;
}

type PoolWorker = Slot<Pending>;

/**
 * Compresses blocks into gzip members in worker threads, for `ParallelGzip`'s `compress`: zlib runs there
 * instead of on libuv's thread pool, where it would hold up the file reads of the tar being packed (four
 * threads, shared with every fs call). Up to `size` workers are started when first needed and kept, unref'd
 * while idle so they never keep the daemon alive; each block goes to the least busy one. A worker that dies
 * fails its blocks (INTERNAL); the next block starts a new one.
 */
export class GzipPool {
  private readonly workers: PoolWorker[] = [];
  private nextJob = 1;
  private closed = false;

  constructor(
    private readonly size = availableParallelism(),
    private readonly entry: WorkerEntry = workerEntry('gzip-worker'),
  ) {}

  /** `block` as one gzip member (`gzipMember`'s result). The block's memory is handed over: do not use it afterwards. */
  compress(block: Buffer, opts: MemberOptions): Promise<Buffer> {
    if (this.closed) return Promise.reject(new EngineError('UNAVAILABLE', 'the gzip pool is closed'));
    const target = this.pick();
    const job = this.nextJob++;
    return new Promise<Buffer>((resolve, reject) => {
      target.jobs.set(job, { resolve, reject });
      target.worker.ref();
      try {
        const request: GzipRequest = { job, block: ownBuffer(block), opts };
        target.worker.postMessage(request, [request.block]);
      } catch (err) {
        target.jobs.delete(job);
        if (target.jobs.size === 0) target.worker.unref();
        reject(new EngineError('INTERNAL', `handing a layer block to the gzip worker failed: ${(err as Error).message}`, { cause: err }));
      }
    });
  }

  /** Stops every worker; blocks still compressing fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.splice(0).map(async (w) => {
      this.fail(w, new EngineError('UNAVAILABLE', 'the daemon is shutting down'));
      await w.worker.terminate();
    }));
  }

  /** The least busy worker, starting another while there are fewer than `size` and all are busy. */
  private pick(): PoolWorker {
    return pickWorker(this.workers, this.size, () => this.start());
  }

  private start(): PoolWorker {
    const entry = spawnWorker<Pending>(this.entry, this.workers);
    const { worker } = entry;
    worker.on('message', (reply: GzipReply) => {
      const job = entry.jobs.get(reply.job);
      if (!job) return;
      entry.jobs.delete(reply.job);
      if (entry.jobs.size === 0) worker.unref();
      if ('error' in reply) job.reject(new EngineError('INTERNAL', `compressing a layer block failed: ${reply.error}`));
      else job.resolve(Buffer.from(reply.member.buffer, reply.member.byteOffset, reply.member.byteLength));
    });
    let why = 'exited';
    worker.on('error', (err) => {
      why = err.message;
      void worker.terminate();
    });
    worker.on('exit', (code) => {
      const at = this.workers.indexOf(entry);
      if (at >= 0) this.workers.splice(at, 1);
      this.fail(entry, new EngineError('INTERNAL', `the gzip worker stopped (${why}, exit code ${code}); build again`));
    });
    return entry;
  }

  private fail(entry: PoolWorker, error: Error): void {
    for (const job of entry.jobs.values()) job.reject(error);
    entry.jobs.clear();
  }
}
