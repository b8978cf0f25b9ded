import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { EngineError } from '../errors.js';
import type { ContainerRow, ContainerTable, EngineStore, ImageRow, ImageTable, TagRow, TagTable, VolumeRow, VolumeTable, NetworkRow, NetworkTable } from './engine-store.js';
import { Prisma, PrismaClient } from './generated/client.js';
import { migrate, type MigrateOptions } from './migrate.js';

export const DB_FILE = 'berth.db';

/**
 * Opens `<dataRoot>/berth.db`, creating the folder and the file if needed and applying the
 * migrations it lacks first.
 */
export async function openStore(dataRoot: string, options: MigrateOptions = {}): Promise<EngineStore> {
  await mkdir(dataRoot, { recursive: true, mode: 0o711 });
  const file = join(dataRoot, DB_FILE);
  await migrate(file, options);
  await chmod(file, 0o600); // container records hold their environment, secrets included
  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }) });
  try {
    // WAL (set by migrate, kept in the file) with NORMAL syncs on checkpoints, not every commit:
    // a power cut may lose the last writes but never corrupts the file.
    await prisma.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  } catch (err) {
    await prisma.$disconnect();
    throw wrap(err, `open ${file}`);
  }
  return new PrismaStore(prisma);
}

class PrismaStore implements EngineStore {
  readonly images: ImageTable;
  readonly tags: TagTable;
  readonly containers: ContainerTable;
  readonly volumes: VolumeTable;
  readonly networks: NetworkTable;

  constructor(private readonly prisma: PrismaClient) {
    this.images = imageTable(prisma);
    this.tags = tagTable(prisma);
    this.containers = containerTable(prisma);
    this.volumes = volumeTable(prisma);
    this.networks = networkTable(prisma);
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
  }
}

function imageTable(prisma: PrismaClient): ImageTable {
  return {
    all: () =>
      run('list images', async () =>
        (await prisma.image.findMany({ orderBy: [{ created: 'asc' }, { id: 'asc' }] })).map((r) => ({ ...r, size: Number(r.size) })),
      ),
    upsert: (row: ImageRow) =>
      run(`save image ${row.id}`, async () => {
        const data = { ...row, size: BigInt(row.size) };
        await prisma.image.upsert({ where: { id: row.id }, create: data, update: data });
      }),
    delete: (id: string) =>
      run(`delete image ${id}`, async () => {
        await notFound(prisma.image.delete({ where: { id } }), `no such image: ${id}`);
      }),
  };
}

function tagTable(prisma: PrismaClient): TagTable {
  return {
    all: () => run('list tags', () => prisma.tag.findMany({ orderBy: { reference: 'asc' } })),
    upsert: (row: TagRow) =>
      run(`save tag ${row.reference}`, async () => {
        await prisma.tag.upsert({ where: { reference: row.reference }, create: row, update: row });
      }),
    delete: (reference: string) =>
      run(`delete tag ${reference}`, async () => {
        await notFound(prisma.tag.delete({ where: { reference } }), `no such tag: ${reference}`);
      }),
  };
}

function containerTable(prisma: PrismaClient): ContainerTable {
  const nameConflict = async (row: ContainerRow): Promise<EngineError> => {
    const holder = await prisma.container.findUnique({ where: { name: row.name }, select: { id: true } });
    return new EngineError(
      'CONFLICT',
      `Conflict. The container name "/${row.name}" is already in use by container "${holder?.id ?? '?'}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
  };
  return {
    all: () => run('list containers', () => prisma.container.findMany({ orderBy: [{ created: 'asc' }, { id: 'asc' }] })),
    insert: (row: ContainerRow) =>
      run(`create container ${row.name}`, async () => {
        try {
          await prisma.container.create({ data: row });
        } catch (err) {
          if (!isCode(err, 'P2002')) throw err;
          if (await prisma.container.findUnique({ where: { id: row.id }, select: { id: true } })) {
            throw new EngineError('CONFLICT', `container id ${row.id} is already in use`, { cause: err });
          }
          throw await nameConflict(row);
        }
      }),
    update: (row: ContainerRow) =>
      run(`save container ${row.id}`, async () => {
        try {
          await notFound(prisma.container.update({ where: { id: row.id }, data: row }), `no such container: ${row.id}`);
        } catch (err) {
          if (!isCode(err, 'P2002')) throw err;
          throw await nameConflict(row);
        }
      }),
    delete: (id: string) =>
      run(`delete container ${id}`, async () => {
        await notFound(prisma.container.delete({ where: { id } }), `no such container: ${id}`);
      }),
  };
}

function volumeTable(prisma: PrismaClient): VolumeTable {
  return {
    all: () => run('list volumes', () => prisma.volume.findMany({ orderBy: { name: 'asc' } })),
    insert: (row: VolumeRow) =>
      run(`create volume ${row.name}`, async () => {
        try {
          await prisma.volume.create({ data: row });
        } catch (err) {
          if (!isCode(err, 'P2002')) throw err;
          throw new EngineError('CONFLICT', `volume ${row.name} already exists`, { cause: err });
        }
      }),
    delete: (name: string) =>
      run(`delete volume ${name}`, async () => {
        await notFound(prisma.volume.delete({ where: { name } }), `get ${name}: no such volume`);
      }),
  };
}

function networkTable(prisma: PrismaClient): NetworkTable {
  return {
    all: () => run('list networks', () => prisma.network.findMany({ orderBy: [{ created: 'asc' }, { id: 'asc' }] })),
    insert: (row: NetworkRow) =>
      run(`create network ${row.name}`, async () => {
        await unique(prisma.network.create({ data: row }), `network with name ${row.name} already exists`);
      }),
    update: (row: NetworkRow) =>
      run(`save network ${row.name}`, async () => {
        await notFound(prisma.network.update({ where: { id: row.id }, data: row }), `network ${row.name} not found`);
      }),
    delete: (id: string) =>
      run(`delete network ${id}`, async () => {
        await notFound(prisma.network.delete({ where: { id } }), `network ${id} not found`);
      }),
  };
}

/** P2002 is Prisma's "unique constraint failed". */
async function unique<T>(query: Promise<T>, message: string): Promise<T> {
  try {
    return await query;
  } catch (err) {
    throw isCode(err, 'P2002') ? new EngineError('CONFLICT', message, { cause: err }) : err;
  }
}

/** P2025 is Prisma's "the record to update or delete does not exist". */
async function notFound<T>(query: Promise<T>, message: string): Promise<T> {
  try {
    return await query;
  } catch (err) {
    throw isCode(err, 'P2025') ? new EngineError('NOT_FOUND', message, { cause: err }) : err;
  }
}

function isCode(err: unknown, code: string): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;
}

async function run<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrap(err, what);
  }
}

function wrap(err: unknown, what: string): EngineError {
  if (err instanceof EngineError) return err;
  return new EngineError('INTERNAL', `engine database: ${what} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}
