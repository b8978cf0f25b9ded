import type { ContainerStats } from '@berth/sdk';
import type { ContainerRecord } from '../../containers/container-record.js';
import type { EventBus } from '../../events/event-bus.js';
import type { StreamSender } from './stream-sender.js';

/** What the native stream needs of the engine. */
export interface NativeStreamDeps {
  bus: EventBus;
  containers: {
    get(ref: string): ContainerRecord;
    logPath(id: string): string;
    /** Resolves when the container's current run ends. */
    whenStopped(id: string): Promise<unknown>;
    whenRemoved(id: string): Promise<unknown>;
  };
  /** Samples a container's stats about once a second until `signal` aborts. */
  stats?: (record: ContainerRecord, signal: AbortSignal) => AsyncIterable<ContainerStats>;
}

/** One subscription as it runs: resolves when it ends by itself, throws EngineError when it breaks. */
export type StreamRun = (sender: StreamSender, signal: AbortSignal) => Promise<void>;
