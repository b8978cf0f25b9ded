import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, readdir, readlink, statfs } from 'node:fs/promises';
import { PassThrough, Readable, pipeline as pipe } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { EngineError } from '../errors.js';
import { deviceMajor, deviceMinor } from '../system/device-number.js';
import { type KnownDigests, digesting } from './content-digests.js';
import { DEFAULT_EXTRACT_LIMITS } from './extract-limits.js';
import { OPEN_DIRECTORY, at } from './fd-path.js';

/** O_NONBLOCK: a fifo swapped in for a file while the walk runs must not hang the open. */
const OPEN_FILE = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CHUNK = 256 * 1024;
/** The largest owner id tar-stream fits in a ustar header; larger ones go in PAX records. */
const MAX_USTAR_ID = 0o777777;
/**
 * How deep the walk goes (it holds one handle per level): as deep as the engine unpacks, so an export
 * always imports back. A deeper tree fails the export rather than leave files out.
 */
const MAX_DEPTH = DEFAULT_EXTRACT_LIMITS.maxDepth;
/** What an entry that changed or vanished while it was read fails with (a running container); it is left out. */
const GONE = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);

/**
 * Kernel filesystems (proc, sysfs, devpts, mqueue, cgroup v1/v2, debugfs, securityfs, tracefs, bpf, pstore): views of
 * the kernel rather than files. A running container's /proc and /sys are archived as empty directories, as
 * Docker's own view of a container has them.
 */
const KERNEL_FS = new Set([0x9fa0, 0x62656572, 0x1cd1, 0x19800202, 0x27e0eb, 0x63677270, 0x64626720, 0x73636673, 0x74726163, 0xcafe4a11, 0x6165676c]);

type Header = Partial<tar.Header> & Pick<tar.Header, 'name'>;

/**
 * The tree under the directory `root` as a tar stream, as `docker export` writes a root filesystem: names
 * relative to the root (directories end in `/`), numeric owners, permission bits, times, symlinks as they
 * are, hard links to the first name of a file, devices and fifos; sockets are left out. Each entry is
 * reached from an open handle on its parent directory and opened with O_NOFOLLOW, so no symlink is ever
 * followed, not even one swapped in while the walk runs. The stream owns `root` and closes it when the
 * walk ends, fails or is cut short by destroying the stream.
 */
export function packTree(root: FileHandle, opts: PackOptions = {}): Readable {
  return walkToTar(root, (walk) => walk.directory(root, ''), opts);
}

/** How a tree is archived beyond what {@link packTree} always does. */
export interface PackOptions {
  /**
   * The tree is an overlayfs upper dir, archived as an OCI layer diff: whiteouts (char devices 0/0) become
   * `.wh.<name>` entries and the directories named in `opaque` (archive names without the trailing `/`)
   * get a `.wh..wh..opq` entry.
   */
  overlay?: { opaque: ReadonlySet<string> };
  /** Times later than this are archived as this time (SOURCE_DATE_EPOCH: reproducible layers). */
  clampMtime?: Date;
  /** Called with the size of each regular file archived with its content (not hard links to one already archived). */
  onFile?: (size: number) => void;
  /**
   * A summary of the tree rather than an archive to unpack (a cache key): each regular file's content is
   * archived as the text of its `sha256:` digest, taken from `summary` when it knows the file, else read.
   */
  summary?: KnownDigests;
}

/**
 * One entry as `docker cp` archives it, under `archiveName`: the directory `dir` itself with everything in it
 * (names `archiveName/...`), or, given `name`, the entry of that name in `dir` as {@link packTree} would add it
 * (a symlink stays a symlink). An empty `archiveName` for a directory gives the names `/` and `/...`, as
 * Docker's archive of a container's `/`. The stream owns `dir`.
 */
export function packEntry(dir: FileHandle, name: string | null, archiveName: string, opts: PackOptions = {}): Readable {
  return walkToTar(dir, (walk) => (name === null ? walk.self(dir, archiveName) : walk.entry(dir, name, archiveName, 0)), opts);
}

/** Runs `fill` on a fresh walk into a tar stream; `owned` is closed when the walk ends, fails or is cut short. */
function walkToTar(owned: FileHandle, fill: (walk: TreeWalk) => Promise<void>, opts: PackOptions = {}): Readable {
  const pack = tar.pack();
  // tar-stream waits for the reader inside file contents only; the walk itself waits whenever `out` is full.
  const out = new PassThrough();
  pipe(pack as unknown as Readable, out, () => undefined);
  void fill(new TreeWalk(pack, out, opts))
    .then(
      () => pack.finalize(),
      (err: unknown) => pack.destroy(err as Error),
    )
    .finally(() => owned.close().catch(() => undefined));
  return out;
}

class TreeWalk {
  /** First archive name of each file with more than one link, by device and inode. */
  private readonly links = new Map<string, string>();

  constructor(
    private readonly pack: tar.Pack,
    private readonly out: PassThrough,
    private readonly opts: PackOptions = {},
  ) {}

  /** Adds what is in `dir`, in name order, under the archive prefix `prefix`. */
  async directory(dir: FileHandle, prefix: string, depth = 0): Promise<void> {
    if (depth >= MAX_DEPTH) {
      throw new EngineError('INVALID_ARGUMENT', `cannot archive ${JSON.stringify(prefix)}: it is nested more than ${MAX_DEPTH} directories deep`);
    }
    const names = (await readdir(at(dir), { encoding: 'buffer' })).map((raw) => nameOf(raw, prefix)).sort();
    for (const name of names) await this.entry(dir, name, prefix + name, depth);
  }

  /** Adds the open directory `dir` itself as `archiveName/`, then what is in it (nothing on a kernel filesystem). */
  async self(dir: FileHandle, archiveName: string, depth = 0): Promise<void> {
    const info = await dir.stat();
    await this.add(header(`${archiveName}/`, info, 'directory'));
    if (this.opts.overlay?.opaque.has(archiveName)) await this.marker(`${archiveName}/.wh..wh..opq`, info);
    if (!KERNEL_FS.has((await statfs(at(dir))).type)) await this.directory(dir, `${archiveName}/`, depth);
  }

  async entry(dir: FileHandle, name: string, archiveName: string, depth: number): Promise<void> {
    const where = at(dir, name);
    const info = await gone(lstat(where));
    if (info === null) return;
    if (info.isDirectory()) {
      const child = await gone(open(where, OPEN_DIRECTORY));
      if (child === null) return;
      try {
        await this.self(child, archiveName, depth + 1);
      } finally {
        await child.close();
      }
    } else if (info.isFile()) {
      const first = info.nlink > 1 ? this.links.get(inode(info)) : undefined;
      if (first !== undefined) return this.add({ ...header(archiveName, info, 'link'), linkname: first });
      await this.file(where, archiveName);
    } else if (info.isSymbolicLink()) {
      const target = await gone(readlink(where));
      if (target !== null) await this.add({ ...header(archiveName, info, 'symlink'), linkname: target });
    } else if (this.opts.overlay && info.isCharacterDevice() && info.rdev === 0) {
      await this.marker(`${archiveName.slice(0, archiveName.length - name.length)}.wh.${name}`, info);
    } else if (info.isCharacterDevice() || info.isBlockDevice() || info.isFIFO()) {
      const type = info.isFIFO() ? 'fifo' : info.isCharacterDevice() ? 'character-device' : 'block-device';
      await this.add({ ...header(archiveName, info, type), devmajor: deviceMajor(info.rdev), devminor: deviceMinor(info.rdev) });
    }
  }

  /** A regular file: its header as the open file reports it, then exactly that many bytes of content. */
  private async file(where: string, archiveName: string): Promise<void> {
    const handle = await gone(open(where, OPEN_FILE));
    if (handle === null) return;
    try {
      const info = await handle.stat();
      if (!info.isFile()) return;
      await this.room();
      const entry = this.clamped({ ...header(archiveName, info, 'file'), size: info.size });
      if (this.opts.summary) {
        const digest = Buffer.from(this.opts.summary.known(info) ?? (await digestOf(handle, info.size)));
        await this.put({ ...entry, size: digest.length }, digest);
      } else if (info.size > CHUNK) await pipeline(Readable.from(contents(handle, info.size)), this.pack.entry(entry));
      else {
        // A small file in one buffer: a stream per file costs more than reading it.
        const parts: Buffer[] = [];
        for await (const part of contents(handle, info.size)) parts.push(part);
        await this.put(entry, Buffer.concat(parts, info.size));
      }
      this.opts.onFile?.(info.size);
      if (info.nlink > 1) this.links.set(inode(info), archiveName);
    } finally {
      await handle.close();
    }
  }

  /** An OCI whiteout marker: an empty regular file. */
  private async marker(name: string, info: Stats): Promise<void> {
    await this.room();
    await this.put(this.clamped({ ...header(name, info, 'file'), mode: 0o100644, size: 0 }), Buffer.alloc(0));
  }

  /** Adds an entry with its whole content in one buffer. */
  private put(entry: Header, body: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => this.pack.entry(entry, body, (err) => (err ? reject(err) : resolve())));
  }

  /** Adds an entry without content, once the reader has room for it. */
  private async add(entry: Header): Promise<void> {
    await this.room();
    await new Promise<void>((resolve, reject) => this.pack.entry(this.clamped(entry), (err) => (err ? reject(err) : resolve())));
  }

  private clamped<T extends Header>(entry: T): T {
    const limit = this.opts.clampMtime;
    return limit && entry.mtime && entry.mtime > limit ? { ...entry, mtime: limit } : entry;
  }

  private async room(): Promise<void> {
    if (!this.out.writableNeedDrain || this.out.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.out.off('drain', done).off('close', done);
        resolve();
      };
      this.out.on('drain', done).on('close', done);
    });
  }
}

function nameOf(raw: Buffer, prefix: string): string {
  const name = raw.toString('utf8');
  if (!Buffer.from(name, 'utf8').equals(raw)) {
    throw new EngineError('NOT_IMPLEMENTED', `cannot archive ${JSON.stringify(prefix + name)}: its name is not valid UTF-8`);
  }
  return name;
}

function header(name: string, info: Stats, type: tar.Header['type']): Header {
  const big = info.uid > MAX_USTAR_ID || info.gid > MAX_USTAR_ID;
  return {
    name,
    type,
    // With the type bits, so that mode 0 stays 0 (tar-stream replaces a zero mode with a default).
    mode: info.mode,
    uid: info.uid,
    gid: info.gid,
    mtime: info.mtime,
    ...(big && { pax: { uid: String(info.uid), gid: String(info.gid) } }),
  };
}

function inode(info: Stats): string {
  return `${info.dev}:${info.ino}`;
}

/** `size` bytes of the file: cut there if it grew since its header was written, padded with zeros if it shrank. */
async function* contents(handle: FileHandle, size: number): AsyncGenerator<Buffer> {
  let left = size;
  while (left > 0) {
    const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(Math.min(left, CHUNK)), 0, Math.min(left, CHUNK), null);
    if (bytesRead === 0) {
      yield Buffer.alloc(left);
      return;
    }
    left -= bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

/** The `sha256:` digest of `size` bytes of the file. */
async function digestOf(handle: FileHandle, size: number): Promise<string> {
  let digest = '';
  for await (const part of digesting(contents(handle, size), (d) => (digest = d))) void part;
  return digest;
}

/** `op`'s result, or null when the entry changed or vanished under the walk. */
async function gone<T>(op: Promise<T>): Promise<T | null> {
  try {
    return await op;
  } catch (err) {
    if (GONE.has((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  }
}
