import type { ExecCreateRequest, ExecInspect } from '../protocol/containers.js';
import type { CallOptions } from './call-options.js';
import { enc } from './containers-api.js';
import { duplexHandle, type DuplexHandle } from './duplex-handle.js';
import type { EngineTransport } from './engine-transport.js';

/** `client.exec`: processes run inside a running container. */
export class ExecApi {
  constructor(private readonly t: EngineTransport) {}

  create(container: string, body: ExecCreateRequest, opts: CallOptions = {}): Promise<{ Id: string }> {
    return this.t.json({ method: 'POST', path: `/containers/${enc(container)}/exec`, body, signal: opts.signal });
  }

  /** Starts an exec and hands back its stdio; `exitCode` settles from exec inspect once the output has ended. */
  async start(id: string, q: { tty?: boolean; stdin?: boolean; consoleSize?: [number, number] } = {}, opts: CallOptions = {}): Promise<DuplexHandle> {
    const body = { Detach: false, Tty: q.tty ?? false, ...(q.consoleSize ? { ConsoleSize: q.consoleSize } : {}) };
    const hijack = await this.t.upgrade({ method: 'POST', path: `/exec/${enc(id)}/start`, body, signal: opts.signal });
    return duplexHandle({
      ...hijack,
      signal: opts.signal,
      resize: (rows, cols) => this.resize(id, { h: rows, w: cols }),
      exitCode: async () => (await this.inspect(id)).ExitCode,
    });
  }

  /** Starts an exec without attaching to it. */
  startDetached(id: string, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/exec/${enc(id)}/start`, body: { Detach: true }, signal: opts.signal });
  }

  resize(id: string, size: { h: number; w: number }, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/exec/${enc(id)}/resize`, query: size, signal: opts.signal });
  }

  inspect(id: string, opts: CallOptions = {}): Promise<ExecInspect> {
    return this.t.json({ method: 'GET', path: `/exec/${enc(id)}/json`, signal: opts.signal });
  }
}
