import { Inject, Injectable } from '@nestjs/common';
import { RegistryClient, type ImageManifest } from '@berth/sdk';
import type { SessionUser } from '../auth/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { ConsoleError, fromEngineError } from '../common/console-error.js';
import { DB } from '../common/tokens.js';
import type { Db } from '../db/database.js';

const REGISTRY_TIMEOUT_MS = 15_000;

export interface RegistryView { id: number; name: string; url: string; username: string | null }

/** Registries the registry browser reads, through the SDK's RegistryClient. */
@Injectable()
export class RegistriesService {
  constructor(@Inject(DB) private readonly db: Db, @Inject(AuditService) private readonly audit: AuditService) {}

  async list(): Promise<RegistryView[]> {
    return (await this.db.registry.findMany({ orderBy: { id: 'asc' } })).map(view);
  }

  add(user: SessionUser, name: string, url: string, username?: string, password?: string): Promise<RegistryView> {
    const host = url.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    if (!/^[a-zA-Z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/.test(host)) {
      throw new ConsoleError('INVALID_ARGUMENT', `registry "${url}" is not HOST[:PORT] (e.g. 127.0.0.1:5000 or registry.example.com)`);
    }
    return this.audit.record(user, 'registry.add', host, null, async () => {
      if (await this.db.registry.findUnique({ where: { name } })) throw new ConsoleError('ALREADY_EXISTS', `a registry named "${name}" exists already`);
      return view(await this.db.registry.create({ data: { name, url: host, username: username ?? null, password: password ?? null, created: new Date() } }));
    });
  }

  async remove(user: SessionUser, id: number): Promise<void> {
    await this.audit.record(user, 'registry.remove', String(id), null, async () => {
      const { count } = await this.db.registry.deleteMany({ where: { id } });
      if (count === 0) throw new ConsoleError('NOT_FOUND', `registry ${id} does not exist`);
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
    const r = await this.db.registry.findUnique({ where: { id } });
    if (!r) throw new ConsoleError('NOT_FOUND', `registry ${id} does not exist: GET /api/registries lists them`);
    const client = new RegistryClient({
      ...(r.username && r.password ? { credentials: { [r.url]: { username: r.username, password: r.password } } } : {}),
      insecureRegistries: [r.url],
    });
    try {
      return await fn(client, r.url, AbortSignal.timeout(REGISTRY_TIMEOUT_MS));
    } catch (err) {
      throw fromEngineError(err, `${what} on registry "${r.name}"`);
    } finally {
      client.close();
    }
  }
}

function view(r: { id: number; name: string; url: string; username: string | null }): RegistryView {
  return { id: r.id, name: r.name, url: r.url, username: r.username };
}
