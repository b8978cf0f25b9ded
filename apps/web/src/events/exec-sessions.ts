import { Inject, Injectable } from '@nestjs/common';
import type { DuplexHandle } from '@berth/sdk';
import { AuditService } from '../audit/audit.service.js';
import { HostsService } from '../hosts/hosts.service.js';
import type { WsClientMessage } from './ws-messages.js';
import type { WsPeer } from './ws-peer.js';

type ExecMessage = Exclude<WsClientMessage, { type: 'subscribe' | 'unsubscribe' }>;

/** Exec sessions over the browser's WebSocket: a TTY process in a container, its output streamed back. */
@Injectable()
export class ExecSessions {
  private readonly sessions = new WeakMap<WsPeer, Map<string, DuplexHandle>>();

  constructor(@Inject(HostsService) private readonly hosts: HostsService, @Inject(AuditService) private readonly audit: AuditService) {}

  handle(peer: WsPeer, m: ExecMessage): void {
    let mine = this.sessions.get(peer);
    if (!mine) this.sessions.set(peer, (mine = new Map()));
    const session = mine.get(m.id);
    switch (m.type) {
      case 'exec.start':
        if (session || peer.subs.has(m.id)) return peer.send({ type: 'error', id: m.id, code: 'ALREADY_EXISTS', message: `"${m.id}" is in use` });
        return void this.start(peer, mine, m).catch((err) => {
          mine.delete(m.id);
          peer.subs.delete(m.id);
          peer.send({ type: 'error', id: m.id, code: (err as { code?: string }).code ?? 'UNAVAILABLE', message: (err as Error).message });
        });
      case 'exec.input':
        return session ? session.write(m.data) : this.unknown(peer, m.id);
      case 'exec.resize':
        return session ? void session.resize(m.rows, m.cols).catch(() => {}) : this.unknown(peer, m.id);
      case 'exec.close':
        return session ? session.close() : this.unknown(peer, m.id);
    }
  }

  private unknown(peer: WsPeer, id: string): void {
    peer.send({ type: 'error', id, code: 'NOT_FOUND', message: `no exec session "${id}"` });
  }

  private async start(peer: WsPeer, mine: Map<string, DuplexHandle>, m: Extract<ExecMessage, { type: 'exec.start' }>): Promise<void> {
    peer.subs.set(m.id, () => mine.get(m.id)?.close());
    const handle = await this.audit.record(peer.user, 'container.exec', `${m.container}: ${m.cmd.join(' ')}`.slice(0, 500), m.hostId, () =>
      this.hosts.call(m.hostId, `exec in container "${m.container}"`, async (c, signal) => {
        const { Id } = await c.exec.create(m.container, { Cmd: m.cmd, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true }, { signal });
        // No deadline on the session itself: it lasts as long as the browser keeps it.
        return c.exec.start(Id, { tty: true, stdin: true, ...(m.cols && m.rows ? { consoleSize: [m.rows, m.cols] as [number, number] } : {}) });
      }));
    mine.set(m.id, handle);
    peer.send({ type: 'subscribed', id: m.id });
    try {
      for await (const frame of handle.output) peer.data(m.id, { type: 'exec.output', id: m.id, data: frame.data.toString('utf8') });
    } finally {
      mine.delete(m.id);
      peer.subs.delete(m.id);
      const exitCode = await handle.exitCode.catch(() => null);
      peer.send({ type: 'exec.exit', id: m.id, exitCode });
    }
  }
}
