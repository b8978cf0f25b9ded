import { readdir, lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { EngineError } from '../errors.js';
import type { ContentDigests } from './content-digests.js';
import { entryComponents, entryError, whiteoutMarker } from './entry-name.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './extract-limits.js';
import { LayerStream } from './layer-stream.js';
import { LayerTree, type EntryMeta, type SpecialKind } from './layer-tree.js';

export { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './extract-limits.js';

/** What unpacking a layer found out about it. */
export interface ExtractResult {
  /** `sha256:` of the uncompressed tar stream (the OCI diff ID). */
  diffId: string;
  /** Bytes of regular-file content written. */
  size: number;
  /** True when the blob was gzip-compressed. */
  compressed: boolean;
}

/** A tar-stream header as it is at run time: unknown type flags give a null type, and two fields are untyped. */
type TarHeader = Omit<tar.Header, 'type' | 'pax'> & {
  type: tar.Header['type'] | null;
  pax?: Record<string, string> | null;
  byteOffset?: number;
};

type EntryContent = AsyncIterable<Buffer>;

const MAX_ID = 0xfffffffe;
const SYSTEM_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EMFILE', 'ENFILE', 'ENOMEM', 'EROFS']);

/**
 * Unpacks a layer (plain tar or gzip) into `dest`, a fresh empty directory, following SECURITY.md:
 * every name stays inside `dest`, nothing is written through a symlink, hard links stay inside the layer,
 * OCI whiteouts become overlayfs whiteouts, and the limits bound size, entries, paths and headers.
 * Bad archives fail with INVALID_ARGUMENT naming the entry.
 */
export async function extractLayer(source: Readable, dest: string, limits: Partial<ExtractLimits> = {}): Promise<ExtractResult> {
  const { layer, tree } = await extractFresh(source, dest, limits, true);
  return { diffId: layer.diffId(), size: tree.bytes, compressed: layer.compressed };
}

/**
 * {@link extractLayer} for a tree that is not a layer (a build context): the same rules, no diff ID computed.
 * With `digests`, the content digest of each regular file is recorded there as it is written.
 */
export async function extractTree(source: Readable, dest: string, limits: Partial<ExtractLimits> = {}, digests?: ContentDigests): Promise<{ size: number }> {
  const { tree } = await extractFresh(source, dest, limits, false, digests);
  return { size: tree.bytes };
}

async function extractFresh(
  source: Readable,
  dest: string,
  limits: Partial<ExtractLimits>,
  digest: boolean,
  digests?: ContentDigests,
): Promise<{ layer: LayerStream; tree: LayerTree }> {
  const root = path.resolve(dest);
  await assertFreshDir(root);
  const tree = new LayerTree(root, digests);
  return { layer: await unpackTar(source, tree, limits, { digest }), tree };
}

/**
 * Where unpacked entries are written: a fresh layer directory ({@link LayerTree}) or an existing directory
 * reached through a handle (`docker cp`). Names arrive checked and split into components; a writer without
 * `whiteout` takes OCI whiteout markers as the ordinary files they are outside layers.
 */
export interface EntryWriter {
  file(parts: string[], label: string, meta: EntryMeta, content: AsyncIterable<Buffer>): Promise<number>;
  directory(parts: string[], label: string, meta: EntryMeta): Promise<void>;
  symlink(parts: string[], label: string, target: string, meta: EntryMeta): Promise<void>;
  hardlink(parts: string[], label: string, target: string[]): Promise<void>;
  special(parts: string[], label: string, kind: SpecialKind, dev: [number, number], meta: EntryMeta): Promise<void>;
  whiteout?(parts: string[], label: string): Promise<void>;
  opaque?(markerParts: string[], label: string): Promise<void>;
  /** Called once every entry is written. */
  finish(): Promise<void>;
}

/**
 * Reads a tar stream (plain or gzip) entry by entry into `writer`, under the rules of SECURITY.md: names are
 * checked (no `..`, NUL or absolute escapes), the limits bound size, entries, paths and extended headers.
 * Bad archives fail with INVALID_ARGUMENT naming the entry. Returns the stream, which knows its digest.
 */
export async function unpackTar(source: Readable, writer: EntryWriter, limits: Partial<ExtractLimits> = {}, opts: { digest?: boolean } = {}): Promise<LayerStream> {
  const max: ExtractLimits = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
  const layer = new LayerStream(source, max.maxBytes, opts.digest ?? true);
  const parser = tar.extract();
  let entries = 0;
  let headerEnd = 0;
  parser.on('entry', (raw, content, next) => {
    const header = raw as TarHeader;
    const label = header.name;
    const unpack = async (): Promise<void> => {
      entries += 1;
      if (entries > max.maxEntries) throw entryError(label, `is one more than the limit of ${max.maxEntries} entries`);
      headerEnd = checkExtendedHeaders(header, headerEnd, max.maxPaxHeaderBytes);
      await unpackEntry(writer, header, content as unknown as EntryContent, max);
    };
    unpack().then(
      () => next(),
      (err: unknown) => next(asEntryError(err, label)),
    );
  });
  try {
    await pipeline(layer.tar, parser as unknown as NodeJS.WritableStream);
  } catch (err) {
    if (err instanceof EngineError || layer.isSourceError(err)) throw err;
    throw new EngineError('INVALID_ARGUMENT', `layer is not a valid tar archive: ${(err as Error).message}`, { cause: err });
  }
  await writer.finish();
  return layer;
}

async function unpackEntry(tree: EntryWriter, header: TarHeader, content: EntryContent, max: ExtractLimits): Promise<void> {
  const label = header.name;
  const parts = entryComponents(header.name, max);
  const type = header.type;
  const isFile = type === 'file' || type === 'contiguous-file';
  const marking = marksWhiteouts(tree) ? tree : null;
  const marker = marking ? whiteoutMarker(parts, label) : null;
  if (!isFile || marker) await drain(content);
  if (marker?.kind === 'aufs-meta') return;
  if (marker && marking) {
    if (!isFile) throw entryError(label, 'is a whiteout marker but not a regular file');
    if (marker.kind === 'opaque') return marking.opaque(parts, label);
    return marking.whiteout([...parts.slice(0, -1), marker.target], label);
  }
  if (parts.length === 0 && type !== 'directory') throw entryError(label, 'would replace the layer root');
  const meta = entryMeta(header, label);
  switch (type) {
    case 'file':
    case 'contiguous-file':
      await tree.file(parts, label, meta, content);
      return;
    case 'directory':
      return tree.directory(parts, label, meta);
    case 'symlink':
      return tree.symlink(parts, label, linkTarget(header, max), meta);
    case 'link': {
      const target = linkTarget(header, max);
      return tree.hardlink(parts, label, entryComponents(target, max, `${label} -> ${target}`));
    }
    case 'character-device':
    case 'block-device':
    case 'fifo':
      return tree.special(parts, label, type, [header.devmajor ?? 0, header.devminor ?? 0], meta);
    default:
      throw entryError(label, `has an unsupported type (${type ?? 'unknown'})`);
  }
}

function marksWhiteouts(writer: EntryWriter): writer is EntryWriter & Required<Pick<EntryWriter, 'whiteout' | 'opaque'>> {
  return writer.whiteout !== undefined && writer.opaque !== undefined;
}

/** Checks the bytes of PAX / GNU long-name headers in front of this entry; returns where the next header starts. */
function checkExtendedHeaders(header: TarHeader, headerEnd: number, limit: number): number {
  const dataSize = header.type === 'directory' ? 0 : (header.size ?? 0);
  let extended: number;
  let end = headerEnd;
  if (typeof header.byteOffset === 'number') {
    extended = header.byteOffset - 512 - headerEnd;
    end = header.byteOffset + Math.ceil(dataSize / 512) * 512;
  } else {
    extended = Object.entries(header.pax ?? {}).reduce((sum, [key, value]) => sum + Buffer.byteLength(`${key}=${value}\n`) + 8, 0);
  }
  if (extended > limit) {
    throw entryError(header.name, `has ${extended} bytes of extended headers, over the limit of ${limit}`);
  }
  return end;
}

function linkTarget(header: TarHeader, max: ExtractLimits): string {
  const target = header.linkname ?? '';
  if (target === '') throw entryError(header.name, 'is a link without a target');
  if (target.includes('\0')) throw entryError(header.name, 'has a link target with a NUL byte');
  if (Buffer.byteLength(target) > max.maxPathLength) {
    throw entryError(header.name, `has a link target over the limit of ${max.maxPathLength} bytes`);
  }
  return target;
}

function entryMeta(header: TarHeader, label: string): EntryMeta {
  const pax = header.pax ?? {};
  const id = (key: 'uid' | 'gid'): number => {
    const value = pax[key] !== undefined ? Number(pax[key]) : (header[key] ?? 0);
    if (!Number.isSafeInteger(value) || value < 0 || value > MAX_ID) throw entryError(label, `has an invalid ${key} (${value})`);
    return value;
  };
  const time = (key: 'mtime' | 'atime', fallback: Date): Date => {
    const seconds = pax[key] !== undefined ? Number(pax[key]) : NaN;
    return Number.isFinite(seconds) ? new Date(seconds * 1000) : fallback;
  };
  const defaultMode = header.type === 'directory' ? 0o755 : 0o644;
  const mtime = time('mtime', header.mtime ?? new Date(0));
  return { mode: (header.mode ?? defaultMode) & 0o7777, uid: id('uid'), gid: id('gid'), mtime, atime: time('atime', mtime) };
}

async function drain(content: EntryContent): Promise<void> {
  for await (const chunk of content) void chunk;
}

function asEntryError(err: unknown, label: string): Error {
  if (err instanceof EngineError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code !== undefined && SYSTEM_ERRORS.has(code)) {
    return new EngineError('INTERNAL', `unpacking layer entry ${JSON.stringify(label.slice(0, 160))} failed: ${message}`, { cause: err });
  }
  return entryError(label, `cannot be unpacked: ${message}`, err);
}

async function assertFreshDir(root: string): Promise<void> {
  const info = await lstat(root).catch(() => null);
  if (!info?.isDirectory() || (await readdir(root)).length > 0) {
    throw new EngineError('FAILED_PRECONDITION', `layer destination ${root} must be an existing, empty directory`);
  }
}
