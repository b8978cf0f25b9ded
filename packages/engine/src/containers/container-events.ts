import { EventEmitter } from 'node:events';

/** In-process notifications of container state changes (waiters, log followers, attach). */
export class ContainerSignals {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly stopped = new Map<string, { promise: Promise<number>; resolve: (code: number) => void }>();

  /** A promise that resolves with the exit code when the container's current run ends. */
  whenStopped(id: string): Promise<number> {
    let entry = this.stopped.get(id);
    if (!entry) {
      let resolve!: (code: number) => void;
      const promise = new Promise<number>((r) => (resolve = r));
      entry = { promise, resolve };
      this.stopped.set(id, entry);
    }
    return entry.promise;
  }

  /** The container's run ended (or a start failed) with `code`. */
  exited(id: string, code: number): void {
    const entry = this.stopped.get(id);
    this.stopped.delete(id);
    entry?.resolve(code);
    this.emitter.emit(`exit:${id}`, code);
  }

  whenRemoved(id: string): Promise<number> {
    return new Promise((resolve) => this.emitter.once(`removed:${id}`, resolve));
  }

  removed(id: string, code: number): void {
    this.emitter.emit(`removed:${id}`, code);
  }
}
