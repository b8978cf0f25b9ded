import { randomUUID } from 'node:crypto';
import { RegistryError } from '../errors.js';
import { Prisma } from './generated/sqlite/client.js';
import { connectMetadata, type ConnectOptions, type Connected, type MetadataClient } from './metadata-client.js';
import { databaseError, notFound, prismaCode, RACE_CODES, retrying } from './prisma-errors.js';
import type { BlobRecord, ForgetBlobOptions, ManifestRecord, Page, RegistryMetadata, UploadRecord } from './registry-metadata.js';
import { Serial } from './serial.js';

export type OpenMetadataOptions = ConnectOptions;

/**
 * Opens the registry's metadata: `file:/path/registry.db` or a plain path is a SQLite file (WAL),
 * `postgresql://…` a PostgreSQL database. Applies the migrations it lacks first.
 */
export async function openMetadata(url: string, options: OpenMetadataOptions = {}): Promise<RegistryMetadata> {
  const { provider, client } = await connectMetadata(url, options);
  return new PrismaMetadata(client, provider, provider === 'sqlite' ? new Serial() : undefined);
}

type Tx = Prisma.TransactionClient;
type Db = MetadataClient | Tx;

const TX = { maxWait: 30_000, timeout: 60_000 };

const MANIFEST = {
  digest: true,
  mediaType: true,
  artifactType: true,
  size: true,
  subject: true,
  annotations: true,
  created: true,
  blobs: { select: { digest: true }, orderBy: { position: 'asc' } },
  children: { select: { child: { select: { digest: true } } }, orderBy: { position: 'asc' } },
} as const;

type ManifestRow = {
  digest: string;
  mediaType: string;
  artifactType: string | null;
  size: bigint;
  subject: string | null;
  annotations: string | null;
  created: Date;
  blobs: { digest: string }[];
  children: { child: { digest: string } }[];
};

class PrismaMetadata implements RegistryMetadata {
  constructor(
    private readonly db: MetadataClient,
    private readonly provider: Connected['provider'],
    /** SQLite only: one operation at a time on its one connection. */
    private readonly serial?: Serial,
  ) {}

  /** Runs one operation: in turn on SQLite, again after a lost race, with errors in registry terms. */
  private op<T>(what: string, fn: () => Promise<T>, raceCodes: readonly string[] = []): Promise<T> {
    const once = () => (this.serial ? this.serial.run(fn) : fn());
    return retrying(raceCodes, once).catch((err: unknown) => {
      throw databaseError(err, what);
    });
  }

  private async repoId(db: Db, name: string): Promise<number | undefined> {
    return (await db.repository.findUnique({ where: { name }, select: { id: true } }))?.id;
  }

  private async ensureRepo(db: Db, name: string, now: Date): Promise<number> {
    return (await db.repository.upsert({ where: { name }, create: { name, created: now }, update: {}, select: { id: true } })).id;
  }

  repositories(page: Page): Promise<string[]> {
    return this.op('list repositories', async () => {
      const rows = await this.db.repository.findMany({
        where: page.last !== undefined ? { name: { gt: page.last } } : {},
        orderBy: { name: 'asc' },
        take: page.n,
        select: { name: true },
      });
      return rows.map((r) => r.name);
    });
  }

  linkBlob(repo: string, blob: BlobRecord): Promise<void> {
    return this.op(
      `link blob ${blob.digest} into ${repo}`,
      async () => {
        const now = new Date();
        const repoId = await this.ensureRepo(this.db, repo, now);
        const { digest } = blob;
        await this.db.blob.upsert({ where: { digest }, create: { digest, size: BigInt(blob.size), created: blob.created ?? now }, update: {} });
        await this.db.blobLink.upsert({
          where: { repoId_digest: { repoId, digest } },
          create: { repoId, digest, linked: now },
          update: { linked: now },
        });
      },
      RACE_CODES,
    );
  }

  linkedBlob(repo: string, digest: string): Promise<BlobRecord | null> {
    return this.op(`find blob ${digest} in ${repo}`, async () => {
      const link = await this.db.blobLink.findFirst({
        where: { digest, repo: { name: repo } },
        select: { linked: true, blob: { select: { size: true } } },
      });
      return link ? { digest, size: Number(link.blob.size), created: link.linked } : null;
    });
  }

  blob(digest: string): Promise<BlobRecord | null> {
    return this.op(`find blob ${digest}`, async () => {
      const row = await this.db.blob.findUnique({ where: { digest } });
      return row ? { digest, size: Number(row.size), created: row.created } : null;
    });
  }

  unlinkBlob(repo: string, digest: string): Promise<boolean> {
    return this.op(`unlink blob ${digest} from ${repo}`, async () => {
      const { count } = await this.db.blobLink.deleteMany({ where: { digest, repo: { name: repo } } });
      return count > 0;
    });
  }

  putManifest(repo: string, manifest: ManifestRecord, tag?: string): Promise<void> {
    const what = `put manifest ${manifest.digest} in ${repo}${tag !== undefined ? ` as ${tag}` : ''}`;
    return this.op(
      what,
      async () => {
        try {
          await this.db.$transaction(async (tx) => {
            const now = new Date();
            const repoId = await this.ensureRepo(tx, repo, now);
            const id = await putManifestRow(tx, repoId, manifest, now);
            if (tag !== undefined) {
              await tx.tag.upsert({
                where: { repoId_name: { repoId, name: tag } },
                create: { repoId, name: tag, manifestId: id, updated: now },
                update: { manifestId: id, updated: now },
              });
            }
          }, TX);
        } catch (err) {
          // A referenced blob is gone (forgotten by the collector since the API checked it).
          if (prismaCode(err) === 'P2003') {
            throw notFound(`manifest ${manifest.digest} references a blob unknown to ${repo}; push its blobs again`, 'MANIFEST_BLOB_UNKNOWN', err);
          }
          throw err;
        }
      },
      ['P2002', 'P2034'],
    );
  }

  manifest(repo: string, reference: string): Promise<ManifestRecord | null> {
    return this.op(`find manifest ${reference} in ${repo}`, async () => {
      if (isDigest(reference)) {
        const row = await this.db.manifest.findFirst({ where: { digest: reference, repo: { name: repo } }, select: MANIFEST });
        return row ? toRecord(row) : null;
      }
      const tag = await this.db.tag.findFirst({ where: { name: reference, repo: { name: repo } }, select: { manifest: { select: MANIFEST } } });
      return tag ? toRecord(tag.manifest) : null;
    });
  }

  hasManifest(repo: string, digest: string): Promise<boolean> {
    return this.op(`find manifest ${digest} in ${repo}`, async () => {
      return (await this.db.manifest.findFirst({ where: { digest, repo: { name: repo } }, select: { id: true } })) !== null;
    });
  }

  deleteManifest(repo: string, digest: string, onlyIf?: { unreferencedBefore: Date }): Promise<boolean> {
    return this.op(`delete manifest ${digest} from ${repo}`, async () => {
      try {
        return await this.db.$transaction(async (tx) => {
          const row = await tx.manifest.findFirst({ where: { digest, repo: { name: repo } }, select: { id: true, repoId: true, subject: true } });
          if (!row) return false;
          if (onlyIf) {
            const subject = row.subject && (await tx.manifest.findUnique({ where: { repoId_digest: { repoId: row.repoId, digest: row.subject } }, select: { id: true } }));
            if (subject) return false;
            const { count } = await tx.manifest.deleteMany({
              where: { id: row.id, updated: { lt: onlyIf.unreferencedBefore }, tags: { none: {} }, parents: { none: {} } },
            });
            return count > 0;
          }
          await tx.tag.deleteMany({ where: { manifestId: row.id } });
          await tx.manifest.delete({ where: { id: row.id } });
          return true;
        }, TX);
      } catch (err) {
        if (prismaCode(err) !== 'P2003') throw err;
        // An index lists it, or (collecting) a tag or an index came to point at it meanwhile.
        if (onlyIf) return false;
        throw new RegistryError('FAILED_PRECONDITION', `manifest ${digest} is listed by an index of ${repo}; delete the index first`, { cause: err });
      }
    });
  }

  deleteTag(repo: string, tag: string): Promise<boolean> {
    return this.op(`delete tag ${tag} from ${repo}`, async () => {
      const { count } = await this.db.tag.deleteMany({ where: { name: tag, repo: { name: repo } } });
      return count > 0;
    });
  }

  tags(repo: string, page: Page): Promise<string[] | null> {
    return this.op(`list tags of ${repo}`, async () => {
      // A 10,000-tag list is read on every `tags/list`: the database hands it over as one JSON
      // array, which costs a fraction of mapping one row per tag.
      const selected = Prisma.sql`
        SELECT t."name" AS "name" FROM "Tag" t JOIN "Repository" r ON r."id" = t."repoId"
        WHERE r."name" = ${repo} AND t."name" > ${page.last ?? ''}
        ORDER BY t."name"${page.n === undefined ? Prisma.empty : Prisma.sql` LIMIT ${page.n}`}`;
      const [row] = await this.db.$queryRaw<{ names: string | null }[]>(
        this.provider === 'sqlite'
          ? Prisma.sql`SELECT json_group_array(s."name") AS "names" FROM (${selected}) s`
          : Prisma.sql`SELECT json_agg(s."name" ORDER BY s."name")::text AS "names" FROM (${selected}) s`,
      );
      const names = JSON.parse(row?.names ?? '[]') as string[];
      if (names.length === 0 && (await this.repoId(this.db, repo)) === undefined) return null;
      return names;
    });
  }

  referrers(repo: string, digest: string, artifactType?: string): Promise<ManifestRecord[]> {
    return this.op(`list referrers of ${digest} in ${repo}`, async () => {
      const repoId = await this.repoId(this.db, repo);
      if (repoId === undefined) return [];
      const rows = await this.db.manifest.findMany({
        where: { repoId, subject: digest, ...(artifactType !== undefined ? { artifactType } : {}) },
        orderBy: { digest: 'asc' },
        select: MANIFEST,
      });
      return rows.map(toRecord);
    });
  }

  createUpload(repo: string): Promise<UploadRecord> {
    return this.op(
      `start an upload to ${repo}`,
      async () => {
        const now = new Date();
        const repoId = await this.ensureRepo(this.db, repo, now);
        const row = await this.db.upload.create({ data: { id: randomUUID(), repoId, size: 0n, started: now, updated: now } });
        return { id: row.id, repo, size: 0, started: row.started, updated: row.updated };
      },
      RACE_CODES,
    );
  }

  upload(repo: string, id: string): Promise<UploadRecord | null> {
    return this.op(`find upload ${id} in ${repo}`, async () => {
      const row = await this.db.upload.findFirst({ where: { id, repo: { name: repo } } });
      return row ? { id, repo, size: Number(row.size), started: row.started, updated: row.updated } : null;
    });
  }

  updateUpload(id: string, size: number): Promise<void> {
    return this.op(`record progress of upload ${id}`, async () => {
      const { count } = await this.db.upload.updateMany({ where: { id }, data: { size: BigInt(size), updated: new Date() } });
      if (count === 0) throw notFound(`upload ${id} is unknown or was purged; start it again`, 'BLOB_UPLOAD_UNKNOWN');
    });
  }

  deleteUpload(id: string): Promise<void> {
    return this.op(`forget upload ${id}`, async () => {
      await this.db.upload.deleteMany({ where: { id } });
    });
  }

  staleUploads(before: Date): Promise<UploadRecord[]> {
    return this.op('list stale uploads', async () => {
      const rows = await this.db.upload.findMany({
        where: { updated: { lt: before } },
        orderBy: { updated: 'asc' },
        include: { repo: { select: { name: true } } },
      });
      return rows.map((r) => ({ id: r.id, repo: r.repo.name, size: Number(r.size), started: r.started, updated: r.updated }));
    });
  }

  unreferencedManifests(before: Date): Promise<{ repo: string; digest: string }[]> {
    return this.op('list unreferenced manifests', () =>
      this.db.$queryRaw<{ repo: string; digest: string }[]>`
        SELECT r."name" AS "repo", m."digest" AS "digest"
        FROM "Manifest" m JOIN "Repository" r ON r."id" = m."repoId"
        WHERE m."updated" < ${before}
          AND NOT EXISTS (SELECT 1 FROM "Tag" t WHERE t."manifestId" = m."id")
          AND NOT EXISTS (SELECT 1 FROM "ManifestChild" c WHERE c."childId" = m."id")
          AND (m."subject" IS NULL
               OR NOT EXISTS (SELECT 1 FROM "Manifest" s WHERE s."repoId" = m."repoId" AND s."digest" = m."subject"))
        ORDER BY r."name", m."digest"`,
    );
  }

  unreferencedBlobs(before: Date): Promise<string[]> {
    return this.op('list unreferenced blobs', async () => {
      const rows = await this.db.blob.findMany({
        where: { created: { lt: before }, referenced: { none: {} }, links: { none: { linked: { gte: before } } } },
        orderBy: { digest: 'asc' },
        select: { digest: true },
      });
      return rows.map((r) => r.digest);
    });
  }

  forgetBlob(digest: string, options: ForgetBlobOptions = {}): Promise<void> {
    const before = options.unreferencedBefore;
    return this.op(`forget blob ${digest}`, async () => {
      try {
        await this.db.$transaction(async (tx) => {
          const blob = await tx.blob.findUnique({
            where: { digest },
            select: {
              created: true,
              referenced: { select: { manifestId: true }, take: 1 },
              links: { where: before ? { linked: { gte: before } } : { digest: '' }, select: { repoId: true }, take: 1 },
            },
          });
          if (!blob || blob.referenced.length > 0 || blob.links.length > 0 || (before && blob.created >= before)) return;
          // Young links and new references make these fail on the foreign keys (P2003): the blob stays.
          await tx.blobLink.deleteMany({ where: { digest, ...(before ? { linked: { lt: before } } : {}) } });
          await tx.blob.delete({ where: { digest } });
          await options.deleteBytes?.(digest);
        }, TX);
      } catch (err) {
        if (prismaCode(err) !== 'P2003') throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.db.$disconnect();
  }
}

/** Creates the manifest with its references, or marks an existing one as put again; its id. */
async function putManifestRow(tx: Tx, repoId: number, m: ManifestRecord, now: Date): Promise<number> {
  const existing = await tx.manifest.findUnique({ where: { repoId_digest: { repoId, digest: m.digest } }, select: { id: true } });
  if (existing) {
    await tx.manifest.update({ where: { id: existing.id }, data: { updated: now } });
    return existing.id;
  }
  const childDigests = unique(m.children);
  const children = await tx.manifest.findMany({ where: { repoId, digest: { in: childDigests } }, select: { id: true, digest: true } });
  if (children.length !== childDigests.length) {
    const known = new Set(children.map((c) => c.digest));
    const missing = childDigests.find((d) => !known.has(d));
    throw notFound(`manifest ${m.digest} lists manifest ${missing}, which is not in the repository; push it first`, 'MANIFEST_BLOB_UNKNOWN');
  }
  const childId = new Map(children.map((c) => [c.digest, c.id]));
  const row = await tx.manifest.create({
    data: {
      repoId,
      digest: m.digest,
      mediaType: m.mediaType,
      artifactType: m.artifactType ?? null,
      size: BigInt(m.size),
      subject: m.subject ?? null,
      annotations: m.annotations ? JSON.stringify(m.annotations) : null,
      created: m.created ?? now,
      updated: now,
      blobs: { createMany: { data: unique(m.blobs).map((digest, position) => ({ digest, position })) } },
      children: { createMany: { data: childDigests.map((digest, position) => ({ childId: childId.get(digest)!, position })) } },
    },
    select: { id: true },
  });
  // The API saw every blob linked here, but the collector may have forgotten one since (and another
  // repository linked it again): the links are checked again now that the references hold the blobs.
  const blobs = unique(m.blobs);
  if (blobs.length > 0 && (await tx.blobLink.count({ where: { repoId, digest: { in: blobs } } })) !== blobs.length) {
    throw notFound(`manifest ${m.digest} references a blob no longer in the repository; push its blobs again`, 'MANIFEST_BLOB_UNKNOWN');
  }
  return row.id;
}

function toRecord(row: ManifestRow): ManifestRecord {
  return {
    digest: row.digest,
    mediaType: row.mediaType,
    artifactType: row.artifactType,
    size: Number(row.size),
    subject: row.subject,
    blobs: row.blobs.map((b) => b.digest),
    children: row.children.map((c) => c.child.digest),
    annotations: row.annotations ? (JSON.parse(row.annotations) as Record<string, string>) : null,
    created: row.created,
  };
}

function isDigest(reference: string): boolean {
  return reference.includes(':');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
