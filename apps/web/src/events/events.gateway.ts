import type { IncomingMessage } from 'node:http';
import { Inject, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type WebSocket from 'ws';
import { AuthService } from '../auth/auth.service.js';
import { readCookie, SESSION_COOKIE } from '../auth/cookies.js';
import { roleAtLeast } from '../auth/roles.js';
import type { HostView } from '../hosts/host-view.js';
import { HostsService } from '../hosts/hosts.service.js';
import { ExecSessions } from './exec-sessions.js';
import { ProgressBus } from './progress-bus.js';
import { RegistryTopic } from './registry-topic.js';
import { StreamHub, type Listener, type Payload } from './stream-hub.js';
import { containerLogs, containerStats, hostEvents, topicKey } from './topic-streams.js';
import { WS_PATH, type WsServerMessage, type WsSubscribe } from './ws-messages.js';
import { WsPeer } from './ws-peer.js';
import { parseClientMessage } from './ws-validate.js';

const MAX_SUBSCRIPTIONS = 256;

/** The browser's WebSocket: subscriptions to events, logs, stats, host status, progress and registry events; exec sessions. */
@WebSocketGateway({ path: WS_PATH })
export class EventsGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('ws');
  private readonly peers = new Map<WebSocket, WsPeer>();
  private readonly hostWatchers = new Map<string, (p: Payload) => void>();
  private readonly allHostEvents = new Set<{ listener: Listener; stops: Map<number, () => void> }>();

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(HostsService) private readonly hosts: HostsService,
    @Inject(StreamHub) private readonly hub: StreamHub,
    @Inject(ProgressBus) private readonly progress: ProgressBus,
    @Inject(ExecSessions) private readonly exec: ExecSessions,
    @Inject(RegistryTopic) private readonly registryTopic: RegistryTopic,
  ) {}

  onModuleInit(): void {
    // Subscriptions to the events of every host follow hosts added later too.
    this.hosts.on('added', (id: number) => {
      for (const all of this.allHostEvents) all.stops.set(id, this.hub.subscribe(topicKey.events(id), hostEvents(this.hosts.client(id), id), all.listener, true));
    });
    this.hosts.on('status', (host: HostView) => this.hostChange({ type: 'host', host }));
    this.hosts.on('removed', (id: number) => {
      for (const all of this.allHostEvents) all.stops.delete(id);
      this.hub.closeAll(`events:${id}`);
      for (const kind of ['logs', 'stats']) this.hub.closeAll(`${kind}:${id}:`, { type: 'end' });
      this.hostChange({ type: 'host', host: { id, removed: true } });
    });
  }

  onModuleDestroy(): void {
    for (const [ws, peer] of this.peers) {
      peer.closeAll();
      ws.terminate();
    }
    this.peers.clear();
  }

  async handleConnection(ws: WebSocket, req: IncomingMessage): Promise<void> {
    const pending: string[] = [];
    const early = (data: WebSocket.RawData) => pending.push(data.toString());
    ws.on('message', early);
    ws.on('error', () => ws.terminate());
    // A page of another site must not use the browser's session: its Origin must be this host.
    const origin = req.headers.origin;
    let sameOrigin = true;
    try {
      sameOrigin = origin === undefined || new URL(origin).host === req.headers.host;
    } catch {
      sameOrigin = false;
    }
    const user = sameOrigin ? await this.auth.sessionUser(readCookie(req, SESSION_COOKIE)).catch(() => undefined) : undefined;
    ws.off('message', early);
    if (!user) {
      const message = sameOrigin ? 'not logged in: POST /api/auth/login first' : `origin ${origin} is not this console's`;
      ws.send(JSON.stringify({ type: 'error', code: 'UNAUTHENTICATED', message } satisfies WsServerMessage));
      return void ws.close(4401, 'not logged in');
    }
    if (ws.readyState !== ws.OPEN) return;
    const peer = new WsPeer(ws, user);
    this.peers.set(ws, peer);
    ws.on('message', (data) => this.onMessage(peer, data.toString()));
    for (const m of pending) this.onMessage(peer, m);
  }

  handleDisconnect(ws: WebSocket): void {
    const peer = this.peers.get(ws);
    if (!peer) return;
    this.peers.delete(ws);
    peer.closeAll();
  }

  private onMessage(peer: WsPeer, raw: string): void {
    const m = parseClientMessage(raw);
    if (typeof m === 'string') return peer.send({ type: 'error', code: 'INVALID_ARGUMENT', message: m });
    try {
      switch (m.type) {
        case 'subscribe': return this.subscribe(peer, m);
        case 'unsubscribe': {
          const stop = peer.subs.get(m.id);
          if (!stop) return peer.send({ type: 'error', id: m.id, code: 'NOT_FOUND', message: `no subscription "${m.id}"` });
          stop();
          peer.subs.delete(m.id);
          return peer.send({ type: 'unsubscribed', id: m.id });
        }
        default:
          if (!roleAtLeast(peer.user.role, 'operator')) {
            return peer.send({ type: 'error', id: m.id, code: 'PERMISSION_DENIED', message: `user "${peer.user.username}" is ${peer.user.role}; exec needs operator` });
          }
          return this.exec.handle(peer, m);
      }
    } catch (err) {
      peer.send({ type: 'error', id: m.id, code: (err as { code?: string }).code ?? 'INTERNAL', message: (err as Error).message });
    }
  }

  private subscribe(peer: WsPeer, m: WsSubscribe): void {
    const { id, topic } = m;
    if (peer.subs.has(id)) return peer.send({ type: 'error', id, code: 'ALREADY_EXISTS', message: `subscription "${id}" is open already` });
    if (peer.subs.size >= MAX_SUBSCRIPTIONS) return peer.send({ type: 'error', id, code: 'FAILED_PRECONDITION', message: `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection` });
    const listener = {
      push: (p: Payload) => {
        const msg = { ...p, id } as unknown as WsServerMessage;
        if (p.type === 'end' || p.type === 'error') {
          peer.subs.delete(id);
          peer.send(msg);
        } else peer.data(id, msg);
      },
    };
    let stops: (() => void)[];
    switch (topic.kind) {
      case 'events': {
        const open = (h: number) => this.hub.subscribe(topicKey.events(h), hostEvents(this.hosts.client(h), h), listener, true);
        if (topic.hostId !== undefined) {
          stops = [open(this.hosts.get(topic.hostId).id)];
          break;
        }
        const all = { listener, stops: new Map(this.hosts.list().map((h) => [h.id, open(h.id)] as const)) };
        this.allHostEvents.add(all);
        stops = [() => { this.allHostEvents.delete(all); all.stops.forEach((s) => s()); }];
        break;
      }
      case 'logs':
        stops = [this.hub.subscribe(topicKey.logs(topic), containerLogs(this.hosts.client(topic.hostId), topic), listener, false, Math.min(topic.tail ?? 100, 1000))];
        break;
      case 'stats':
        stops = [this.hub.subscribe(topicKey.stats(topic), containerStats(this.hosts.client(topic.hostId), topic), listener, false)];
        break;
      case 'hosts': {
        const key = `${Math.random()}`;
        this.hostWatchers.set(key, listener.push);
        stops = [() => this.hostWatchers.delete(key)];
        break;
      }
      case 'progress':
        stops = [this.progress.follow(topic.operationId, listener)];
        break;
      case 'registry-events':
        stops = [this.registryTopic.follow(topic, listener)];
        break;
    }
    peer.subs.set(id, () => stops.forEach((s) => s()));
    peer.send({ type: 'subscribed', id });
  }

  private hostChange(p: Payload): void {
    for (const push of this.hostWatchers.values()) push(p);
  }
}
