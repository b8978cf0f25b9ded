import { Worker } from 'node:worker_threads';
import type { WorkerEntry } from './unpack-pool.js';

/** One worker thread of a pool and the jobs it has in hand, by job id. */
export interface PoolWorker<Job> {
  worker: Worker;
  jobs: Map<number, Job>;
}

/**
 * The least busy of `workers`, or a new one from `start` while there are fewer than `size` and all are busy
 * (how UnpackPool and GzipPool spread their jobs).
 */
export function pickWorker<Job>(workers: Array<PoolWorker<Job>>, size: number, start: () => PoolWorker<Job>): PoolWorker<Job> {
  const idle = workers.reduce<PoolWorker<Job> | null>((best, w) => (best === null || w.jobs.size < best.jobs.size ? w : best), null);
  if (idle && (idle.jobs.size === 0 || workers.length >= size)) return idle;
  return start();
}

/** Starts a worker thread from `entry`, unref'd (an idle worker never keeps the process alive), added to `workers`. */
export function spawnWorker<Job>(entry: WorkerEntry, workers: Array<PoolWorker<Job>>): PoolWorker<Job> {
  const worker = new Worker(entry.url, { execArgv: entry.execArgv });
  worker.unref();
  const slot: PoolWorker<Job> = { worker, jobs: new Map() };
  workers.push(slot);
  return slot;
}
