import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { EngineClient, parseEngineHost, type EngineTlsOptions } from '@berth/sdk';
import { ConsoleError, fromEngineError } from '../common/console-error.js';
import { CONFIG, DB } from '../common/tokens.js';
import type { ConsoleConfig } from '../config/console-config.js';
import type { Db } from '../db/database.js';
import { defaultHostName, hostView, type HostRow, type HostView } from './host-view.js';

/** Every engine call ends by then; a host that does not answer a probe in PROBE_TIMEOUT_MS is unreachable. */
export const CALL_TIMEOUT_MS = 15_000;
export const PROBE_TIMEOUT_MS = 3_000;
export const PROBE_INTERVAL_MS = 5_000;

export interface HostInput { name?: string; url: string; tls?: { ca?: string | null; cert?: string | null; key?: string | null } }
export interface Merged<T> { items: (T & { hostId: number })[]; errors: { hostId: number; host: string; message: string }[] }

interface Connection { row: HostRow; client: EngineClient }

/**
 * The engines: one EngineClient per host, probed every PROBE_INTERVAL_MS; a host that stops
 * answering is marked unreachable (and its error kept) and comes back by itself. Emits
 * 'status' (HostView) when a host's status changes, 'added' (id) and 'removed' (id).
 */
@Injectable()
export class HostsService extends EventEmitter implements OnModuleDestroy {
  private readonly log = new Logger('hosts');
  private readonly conns = new Map<number, Connection>();
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(DB) private readonly db: Db, @Inject(CONFIG) private readonly config: ConsoleConfig) {
    super();
  }

  /** Loads the hosts, registers the --engine ones not known yet, probes them all and starts probing. */
  async start(): Promise<void> {
    for (const row of await this.db.host.findMany()) this.conns.set(row.id, { row, client: this.clientFor(row) });
    // Each --engine is registered once (its first start with it): a host an admin removed stays removed.
    for (const url of this.config.engines) {
      const key = `engine-registered:${url}`;
      if (await this.db.setting.findUnique({ where: { key } })) continue;
      if (![...this.conns.values()].some((c) => c.row.url === url)) {
        await this.add({ url }).catch((err) => this.log.error(`cannot register --engine ${url}: ${(err as Error).message}`));
      }
      await this.db.setting.create({ data: { key, value: new Date().toISOString() } });
    }
    await this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.config.probeIntervalMs ?? PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    for (const c of this.conns.values()) c.client.stream.close();
  }

  list(): HostView[] {
    return [...this.conns.values()].map((c) => hostView(c.row)).sort((a, b) => a.id - b.id);
  }

  get(id: number): HostView {
    return hostView(this.conn(id).row);
  }

  async add(input: HostInput): Promise<HostView> {
    const data = this.validate(input);
    const name = input.name ?? (await this.freeName(defaultHostName(input.url)));
    if (await this.db.host.findUnique({ where: { name } })) throw new ConsoleError('ALREADY_EXISTS', `a host named "${name}" exists already: choose another name`);
    const row = await this.db.host.create({ data: { ...data, name, created: new Date() } });
    this.conns.set(row.id, { row, client: this.clientFor(row) });
    this.emit('added', row.id);
    await this.probe(row.id);
    return this.get(row.id);
  }

  async update(id: number, input: Partial<HostInput>): Promise<HostView> {
    const old = this.conn(id);
    const data = this.validate({ url: input.url ?? old.row.url, tls: input.tls ?? { ca: old.row.tlsCa, cert: old.row.tlsCert, key: old.row.tlsKey } });
    if (input.name && input.name !== old.row.name && (await this.db.host.findUnique({ where: { name: input.name } }))) {
      throw new ConsoleError('ALREADY_EXISTS', `a host named "${input.name}" exists already: choose another name`);
    }
    const row = await this.db.host.update({ where: { id }, data: { ...data, ...(input.name ? { name: input.name } : {}) } });
    old.client.stream.close();
    this.conns.set(id, { row, client: this.clientFor(row) });
    this.emit('reconnect', id);
    await this.probe(id);
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    const c = this.conn(id);
    await this.db.host.delete({ where: { id } });
    this.conns.delete(id);
    c.client.stream.close();
    this.emit('removed', id);
  }

  /** The client of a host, for streams (which have no deadline). */
  client(id: number): EngineClient {
    return this.conn(id).client;
  }

  /** One engine call with a deadline; engine errors come back with the engine's message. */
  async call<T>(id: number, what: string, fn: (client: EngineClient, signal: AbortSignal) => Promise<T>, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    const c = this.conn(id);
    try {
      return await fn(c.client, AbortSignal.timeout(timeoutMs));
    } catch (err) {
      const e = fromEngineError(err, `${what} on host "${c.row.name}"`);
      if (e.code === 'UNAVAILABLE' || e.code === 'DEADLINE_EXCEEDED') void this.probe(id);
      throw e;
    }
  }

  /** The same call on every reachable host, merged; each item carries its hostId, each failing host an error. */
  async merged<T extends object>(what: string, fn: (client: EngineClient, signal: AbortSignal) => Promise<T[]>): Promise<Merged<T>> {
    const out: Merged<T> = { items: [], errors: [] };
    await Promise.all([...this.conns.values()].map(async ({ row }) => {
      if (row.status === 'unreachable') return void out.errors.push({ hostId: row.id, host: row.name, message: row.lastError ?? 'unreachable' });
      try {
        for (const item of await this.call(row.id, what, fn, PROBE_TIMEOUT_MS * 2)) out.items.push({ ...item, hostId: row.id });
      } catch (err) {
        out.errors.push({ hostId: row.id, host: row.name, message: (err as Error).message });
      }
    }));
    return out;
  }

  async probeAll(): Promise<void> {
    await Promise.all([...this.conns.keys()].map((id) => this.probe(id)));
  }

  /** Pings a host and records whether it answered. */
  async probe(id: number): Promise<void> {
    const c = this.conns.get(id);
    if (!c) return;
    let status = 'up';
    let lastError: string | null = null;
    try {
      await c.client.system.ping({ signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    } catch (err) {
      status = 'unreachable';
      lastError = fromEngineError(err, `cannot reach ${c.row.url}`).message;
    }
    const current = this.conns.get(id);
    if (current !== c) return;
    const changed = c.row.status !== status || c.row.lastError !== lastError;
    c.row = { ...c.row, status, lastError, checkedAt: new Date() };
    if (!changed) return;
    await this.db.host.update({ where: { id }, data: { status, lastError, checkedAt: c.row.checkedAt } }).catch(() => {});
    this.emit('status', hostView(c.row));
  }

  private conn(id: number): Connection {
    const c = this.conns.get(id);
    if (!c) throw new ConsoleError('NOT_FOUND', `host ${id} does not exist: GET /api/hosts lists them`);
    return c;
  }

  private validate(input: HostInput) {
    if (typeof input.url !== 'string' || !/^(unix|tcp):\/\/./.test(input.url)) {
      throw new ConsoleError('INVALID_ARGUMENT', `engine URL "${String(input.url)}" is not unix:///path/to.sock or tcp://host:port`);
    }
    try {
      parseEngineHost(input.url);
    } catch (err) {
      throw new ConsoleError('INVALID_ARGUMENT', `engine URL "${input.url}": ${(err as Error).message}`);
    }
    const tls = input.tls ?? {};
    for (const [k, v] of Object.entries(tls)) {
      if (v !== undefined && v !== null && typeof v !== 'string') throw new ConsoleError('INVALID_ARGUMENT', `tls.${k} must be a file path`);
    }
    return { url: input.url, tlsCa: tls.ca ?? null, tlsCert: tls.cert ?? null, tlsKey: tls.key ?? null };
  }

  private clientFor(row: HostRow): EngineClient {
    let tls: EngineTlsOptions | undefined;
    try {
      if (row.tlsCa || row.tlsCert || row.tlsKey) {
        tls = {
          ...(row.tlsCa ? { ca: readFileSync(row.tlsCa) } : {}),
          ...(row.tlsCert ? { cert: readFileSync(row.tlsCert) } : {}),
          ...(row.tlsKey ? { key: readFileSync(row.tlsKey) } : {}),
        };
      }
    } catch (err) {
      row.status = 'unreachable';
      row.lastError = `cannot read the TLS files of host "${row.name}": ${(err as Error).message}`;
    }
    return new EngineClient({ host: row.url, ...(tls ? { tls } : {}) });
  }

  private async freeName(base: string): Promise<string> {
    for (let i = 1; ; i++) {
      const name = i === 1 ? base : `${base}-${i}`;
      if (!(await this.db.host.findUnique({ where: { name } }))) return name;
    }
  }
}
