import type { ContainerRecord } from './container-record.js';
import type { OutputChunk, ProcessIO, RuntimePort } from './runtime-port.js';

/** One client attached to a container's stdio (an `attach` hijack). */
export class AttachSession {
  private io: ProcessIO | null = null;
  private readonly stdinQueue: Buffer[] = [];
  private stdinEnded = false;
  private closed = false;

  constructor(
    private readonly opts: {
      stdin: boolean;
      write: (chunk: OutputChunk) => void;
      end: () => void;
    },
  ) {}

  /** Bytes from the client; kept until the process's stdin is connected. */
  pushStdin(data: Buffer): void {
    if (!this.opts.stdin || this.stdinEnded) return;
    if (this.io) this.io.write(data);
    else this.stdinQueue.push(data);
  }

  /** The client half-closed: the process's stdin gets EOF once connected. */
  endStdin(): void {
    if (!this.opts.stdin || this.stdinEnded) return;
    this.stdinEnded = true;
    this.io?.closeStdin();
  }

  /** Connects to the process: flushes buffered stdin and streams output until it ends. */
  async bind(io: ProcessIO): Promise<void> {
    if (this.closed) return io.close();
    this.io = io;
    for (const data of this.stdinQueue.splice(0)) io.write(data);
    if (this.stdinEnded) io.closeStdin();
    try {
      for await (const chunk of io.output) {
        if (this.closed) break;
        this.opts.write(chunk);
      }
    } finally {
      io.close();
      this.finish();
    }
  }

  /** Ends the client side without output (container gone, or never started). */
  finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.opts.end();
  }

  /** The client went away. */
  detach(): void {
    this.closed = true;
    this.io?.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** Holds attach sessions that arrive before a container starts and connects them at start. */
export class AttachHub {
  private readonly pending = new Map<string, Set<AttachSession>>();

  constructor(private readonly runtime: RuntimePort) {}

  /** Connects now if the container runs, else waits for its start. */
  add(record: ContainerRecord, session: AttachSession, running: boolean): void {
    if (running) {
      void this.connect(record.id, session);
      return;
    }
    let set = this.pending.get(record.id);
    if (!set) this.pending.set(record.id, (set = new Set()));
    set.add(session);
  }

  remove(id: string, session: AttachSession): void {
    this.pending.get(id)?.delete(session);
  }

  /** Called between `runc create` and `runc start`, so no output is missed. */
  async connectPending(id: string): Promise<void> {
    const sessions = [...(this.pending.get(id) ?? [])].filter((s) => !s.isClosed);
    this.pending.delete(id);
    await Promise.all(sessions.map((s) => this.connect(id, s, true)));
  }

  /** Ends sessions still waiting for a container that will not start (removed, failed). */
  dropPending(id: string): void {
    for (const session of this.pending.get(id) ?? []) session.finish();
    this.pending.delete(id);
  }

  private async connect(id: string, session: AttachSession, awaitConnect = false): Promise<void> {
    let io: ProcessIO;
    try {
      io = await this.runtime.attach(id);
    } catch {
      session.finish();
      return;
    }
    const streaming = session.bind(io).catch(() => session.finish());
    if (!awaitConnect) await streaming;
  }
}
