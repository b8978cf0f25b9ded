import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { EngineError } from '../errors.js';

/**
 * The regular files of an image archive (`docker save` output, an OCI layout tar), written to
 * a private scratch folder under names of our own: an archive's entry names only ever become
 * keys of a map, never paths. Symlinks between entries (the legacy format links repeated
 * layers) are followed inside the archive.
 */
export interface StagedArchive {
  /** Whether the archive holds `name` (after following links). */
  has(name: string): boolean;
  /** The scratch file holding entry `name`; NOT_FOUND naming it when the archive lacks it. */
  file(name: string): string;
  /** A JSON entry, at most 16 MiB, parsed; INVALID_ARGUMENT naming it when it is not JSON. */
  json<T>(name: string): Promise<T>;
  /** A JSON entry's exact text. */
  text(name: string): Promise<string>;
  /** Removes the scratch folder. */
  close(): Promise<void>;
}

const MAX_ENTRIES = 100_000;
const MAX_JSON_BYTES = 16 * 1024 * 1024;
const MAX_LINK_HOPS = 16;

/** `./a/b` and `a//b/` → `a/b`; null for names that climb out (`..`) or carry NUL bytes. */
export function archiveName(name: string, from = ''): string | null {
  if (name.includes('\0')) return null;
  const joined = name.startsWith('/') ? name : `${from}/${name}`;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.length > 0 ? parts.join('/') : null;
}

/** Reads the whole archive into `scratchRoot/<random>/`; on failure nothing stays behind. */
export async function stageArchive(source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, scratchRoot: string): Promise<StagedArchive> {
  const dir = await mkdtemp(path.join(scratchRoot, 'load-'));
  const files = new Map<string, string>();
  const links = new Map<string, string>();
  try {
    const extract = tar.extract();
    const done = pipeline(source as NodeJS.ReadableStream, extract);
    let count = 0;
    for await (const entry of extract) {
      if (++count > MAX_ENTRIES) throw invalid(`the archive has more than ${MAX_ENTRIES} entries`);
      const name = archiveName(entry.header.name);
      if (name !== null && entry.header.type === 'file') {
        const file = path.join(dir, String(files.size));
        await pipeline(entry, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
        files.set(name, file);
        continue;
      }
      if (name !== null && (entry.header.type === 'symlink' || entry.header.type === 'link') && entry.header.linkname) {
        const target = archiveName(entry.header.linkname, entry.header.type === 'symlink' ? path.posix.dirname(name) : '');
        if (target !== null) links.set(name, target);
      }
      entry.resume();
    }
    await done;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if (err instanceof EngineError) throw err;
    throw invalid(`not a valid image archive: ${(err as Error).message}`, err);
  }

  const resolve = (name: string): string | undefined => {
    let current = archiveName(name) ?? name;
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const file = files.get(current);
      if (file !== undefined) return file;
      const next = links.get(current);
      if (next === undefined) return undefined;
      current = next;
    }
    return undefined;
  };
  const file = (name: string): string => {
    const found = resolve(name);
    if (found === undefined) throw new EngineError('NOT_FOUND', `the archive has no file ${JSON.stringify(name)}`);
    return found;
  };
  const text = async (name: string): Promise<string> => {
    const at = file(name);
    if ((await stat(at)).size > MAX_JSON_BYTES) throw invalid(`${name} in the archive is larger than ${MAX_JSON_BYTES} bytes`);
    return readFile(at, 'utf8');
  };
  return {
    has: (name) => resolve(name) !== undefined,
    file,
    text,
    async json<T>(name: string): Promise<T> {
      const body = await text(name);
      try {
        return JSON.parse(body) as T;
      } catch (err) {
        throw invalid(`${name} in the archive is not valid JSON: ${(err as Error).message}`, err);
      }
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

function invalid(message: string, cause?: unknown): EngineError {
  return new EngineError('INVALID_ARGUMENT', message, cause === undefined ? undefined : { cause });
}
