import type { LogsStreamRequest } from '@berth/sdk';
import { formatTimestamp } from '../../containers/log-file.js';
import { readContainerLogBatches } from '../../containers/logs.js';
import { EngineError } from '../../errors.js';
import type { NativeStreamDeps, StreamRun } from './stream-deps.js';

/** A logs subscription: the existing log (or its tail), then new lines while following. */
export function openLogStream(deps: NativeStreamDeps, id: string, request: LogsStreamRequest): StreamRun {
  if (typeof request.container !== 'string' || request.container === '') {
    throw new EngineError('INVALID_ARGUMENT', 'a logs subscription needs "container": the id or name of a container');
  }
  const { tail } = request;
  if (tail !== undefined && (!Number.isSafeInteger(tail) || tail < 0)) {
    throw new EngineError('INVALID_ARGUMENT', `invalid tail ${JSON.stringify(tail)}: give a whole number of lines, or leave it out for the whole log`);
  }
  const record = deps.containers.get(request.container);
  const stdout = request.stdout ?? true;
  const stderr = request.stderr ?? true;
  if (!stdout && !stderr) throw new EngineError('INVALID_ARGUMENT', 'a logs subscription needs stdout, stderr or both');
  const running = record.state.status === 'running' || record.state.status === 'paused';
  const stopped = running ? deps.containers.whenStopped(record.id).then(() => {}) : Promise.resolve();
  return async (sender, signal) => {
    for await (const batch of readContainerLogBatches(deps.containers.logPath(record.id), {
      stdout, stderr, follow: request.follow ?? false, stopped, signal,
      ...(tail !== undefined ? { tail } : {}),
    })) {
      if (signal.aborted) return;
      for (const entry of batch) {
        const data = entry.data;
        const end = data.length > 0 && data[data.length - 1] === 0x0a ? data.length - 1 : data.length;
        sender.message({
          type: 'log', id, stream: entry.stream, line: data.toString('utf8', 0, end),
          ...(request.timestamps ? { time: formatTimestamp(entry) } : {}),
        });
      }
    }
  };
}
