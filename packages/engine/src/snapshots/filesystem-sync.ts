import { runCommand } from '../process/command.js';

/**
 * Flushes a filesystem to disk (syncfs through `sync --file-system`), grouping callers: a request made
 * while a flush runs waits for the next one, which starts when the running one ends and serves every
 * request that arrived meanwhile. Each caller's writes made before its call are on disk when its promise
 * resolves, and ten layers unpacked at once cost two or three flushes instead of ten.
 */
export class FilesystemSync {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  /** `flush` defaults to syncfs of the filesystem holding `dir`. */
  constructor(
    dir: string,
    private readonly flush: () => Promise<unknown> = () => runCommand('sync', ['--file-system', dir]),
  ) {}

  sync(): Promise<void> {
    if (this.running === null) {
      this.running = this.flush().then(
        () => { this.running = null; },
        (err: unknown) => { this.running = null; throw err; },
      );
      return this.running;
    }
    // The running flush may have started before the caller's writes: wait for the next one.
    this.next ??= this.running.catch(() => {}).then(() => {
      this.next = null;
      return this.sync();
    });
    return this.next;
  }
}
