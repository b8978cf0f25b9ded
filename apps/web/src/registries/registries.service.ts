import { EventEmitter } from 'node:events';
import { Inject, Injectable } from '@nestjs/common';
import { isSdkError, RegistryClient, type ImageManifest } from '@berth/sdk';
import type { SessionUser } from '../auth/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { ConsoleError, fromEngineError } from '../common/console-error.js';
import { DB } from '../common/tokens.js';
import type { Db } from '../db/database.js';
import type { RegistryConnection } from './registry-events.js';
import { RegistryStatuses, type RegistryStatus } from './registry-status.js';

const REGISTRY_TIMEOUT_MS = 15_000;

/** A registry as the API shows it; `status` is what its event stream says (`unknown` until followed). */
export interface RegistryView {
  id: number; name: string; url: string; username: string | null;
  status: RegistryStatus; lastError: string | null;
}

interface RegistryRow { id: number; name: string; url: string; username: string | null; password: string | null }

/**
 * Registries the registry browser reads and changes, through the SDK's RegistryClient.
 * Emits 'added' (id) and 'removed' (id), for the event subscriptions that follow every registry.
 */
@Injectable()
export class RegistriesService extends EventEmitter {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(RegistryStatuses) private readonly statuses: RegistryStatuses,
  ) {
    super();
  }

  async list(): Promise<RegistryView[]> {
    return (await this.db.registry.findMany({ orderBy: { id: 'asc' } })).map((r) => this.view(r));
  }

  /** Ids of every registry. */
  async ids(): Promise<number[]> {
    return (await this.db.registry.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id);
  }

  /** A new client for registry `id` (the caller closes it); NOT_FOUND when there is no such registry. */
  async connect(id: number): Promise<RegistryConnection> {
    const r = await this.row(id);
    return { client: clientFor(r), host: r.url };
  }

  add(user: SessionUser, name: string, url: string, username?: string, password?: string): Promise<RegistryView> {
    const host = url.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    if (!/^[a-zA-Z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/.test(host)) {
      throw new ConsoleError('INVALID_ARGUMENT', `registry "${url}" is not HOST[:PORT] (e.g. 127.0.0.1:5000 or registry.example.com)`);
    }
    return this.audit.record(user, 'registry.add', host, null, async () => {
      if (await this.db.registry.findUnique({ where: { name } })) throw new ConsoleError('ALREADY_EXISTS', `a registry named "${name}" exists already`);
      const row = await this.db.registry.create({ data: { name, url: host, username: username ?? null, password: password ?? null, created: new Date() } });
      this.emit('added', row.id);
      return this.view(row);
    });
  }

  async remove(user: SessionUser, id: number): Promise<void> {
    await this.audit.record(user, 'registry.remove', String(id), null, async () => {
      const { count } = await this.db.registry.deleteMany({ where: { id } });
      if (count === 0) throw new ConsoleError('NOT_FOUND', `registry ${id} does not exist`);
      this.statuses.forget(id);
      this.emit('removed', id);
    });
  }

  /** Deletes one tag of a repository (the manifest stays by digest and under its other tags). */
  async deleteTag(user: SessionUser, id: number, repo: string, tag: string): Promise<void> {
    const r = await this.db.registry.findUnique({ where: { id } });
    await this.audit.record(user, 'registry.tag.remove', `${r?.url ?? `registry ${id}`}/${repo}:${tag}`, null, async () => {
      if (!r) throw new ConsoleError('NOT_FOUND', `registry ${id} does not exist: GET /api/registries lists them`);
      await this.call(r, `delete tag ${repo}:${tag}`, (c, host, signal) => c.deleteTag(`${host}/${repo}`, tag, { signal }));
    });
  }

  repositories(id: number) {
    return this.with(id, 'list repositories', (c, host, signal) => c.catalog(host, { signal }));
  }

  tags(id: number, repo: string) {
    return this.with(id, `list tags of "${repo}"`, (c, host, signal) => c.listTags(`${host}/${repo}`, { signal }));
  }

  /** A tag's manifest: its digest, media type, and layers with their sizes. */
  manifest(id: number, repo: string, tag: string) {
    return this.with(id, `read manifest ${repo}:${tag}`, async (c, host, signal) => {
      const { manifest, index } = await c.getImageManifest(`${host}/${repo}:${tag}`, { signal });
      const doc = manifest.document as ImageManifest;
      const layers = (doc.layers ?? []).map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType }));
      return {
        digest: manifest.digest, indexDigest: index?.digest ?? null, mediaType: manifest.mediaType,
        config: doc.config ? { digest: doc.config.digest, size: doc.config.size } : null,
        layers, size: layers.reduce((n, l) => n + l.size, 0) + (doc.config?.size ?? 0),
      };
    });
  }

  private async with<T>(id: number, what: string, fn: (c: RegistryClient, host: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.call(await this.row(id), what, fn);
  }

  private async row(id: number): Promise<RegistryRow> {
    const r = await this.db.registry.findUnique({ where: { id } });
    if (!r) throw new ConsoleError('NOT_FOUND', `registry ${id} does not exist: GET /api/registries lists them`);
    return r;
  }

  private async call<T>(r: RegistryRow, what: string, fn: (c: RegistryClient, host: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    const client = clientFor(r);
    try {
      return await fn(client, r.url, AbortSignal.timeout(REGISTRY_TIMEOUT_MS));
    } catch (err) {
      const where = `${what} on registry "${r.name}"`;
      // The registry understood and refused (it does not delete tags, or deletion is off).
      if (isSdkError(err, 'NOT_IMPLEMENTED')) throw new ConsoleError('FAILED_PRECONDITION', `${where}: ${err.message}`, { cause: err });
      // Refused by the SDK before asking (a malformed repository, tag or digest).
      if (isSdkError(err, 'INVALID_ARGUMENT') && err.status === undefined) throw new ConsoleError('INVALID_ARGUMENT', `${where}: ${err.message}`, { cause: err });
      throw fromEngineError(err, where);
    } finally {
      client.close();
    }
  }

  private view(r: RegistryRow): RegistryView {
    const { status, lastError } = this.statuses.get(r.id);
    return { id: r.id, name: r.name, url: r.url, username: r.username, status, lastError };
  }
}

function clientFor(r: RegistryRow): RegistryClient {
  return new RegistryClient({
    ...(r.username && r.password ? { credentials: { [r.url]: { username: r.username, password: r.password } } } : {}),
    insecureRegistries: [r.url],
  });
}
