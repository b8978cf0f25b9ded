import type { StatsStreamRequest } from '@berth/sdk';
import { EngineError } from '../../errors.js';
import type { NativeStreamDeps, StreamRun } from './stream-deps.js';

/** A stats subscription: a sample per container about every second, until unsubscribed or all are removed. */
export function openStatsStream(deps: NativeStreamDeps, id: string, request: StatsStreamRequest): StreamRun {
  const sample = deps.stats;
  if (!sample) throw new EngineError('NOT_IMPLEMENTED', 'stats subscriptions are not available on this engine');
  if (!Array.isArray(request.containers) || request.containers.length === 0 || !request.containers.every((c) => typeof c === 'string')) {
    throw new EngineError('INVALID_ARGUMENT', 'a stats subscription needs "containers": a list of container ids or names');
  }
  const records = [...new Map(request.containers.map((ref) => deps.containers.get(ref)).map((r) => [r.id, r])).values()];
  return async (sender, signal) => {
    await Promise.all(records.map(async (record) => {
      const own = new AbortController();
      const stop = (): void => own.abort();
      signal.addEventListener('abort', stop, { once: true });
      void deps.containers.whenRemoved(record.id).then(stop);
      try {
        for await (const stats of sample(record, own.signal)) {
          if (own.signal.aborted) return;
          sender.message({ type: 'stats', id, container: record.id, stats });
        }
      } finally {
        signal.removeEventListener('abort', stop);
      }
    }));
  };
}
