import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';

/** Digests of file contents already computed, looked up by the file's stat (the role a tree walk needs). */
export interface KnownDigests {
  /** `sha256:<hex>` of the file's content, or undefined when it is not known or the file changed since. */
  known(info: Stats): string | undefined;
}

interface Recorded {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  digest: string;
}

/**
 * Content digests of files as they were written (a build context while it was unpacked), so a later hash of
 * the tree need not read them again, as dockerd hashes a context while extracting it. A digest is keyed by
 * device and inode and holds only while size, mtime and ctime are what they were when it was recorded: a file
 * changed afterwards (ctime moves with every write, chmod or utimes) is read again.
 */
export class ContentDigests implements KnownDigests {
  private readonly byInode = new Map<string, Recorded>();

  /** Records `digest` for the file `info` describes (its stat once it is complete: content, owner, mode, times). */
  record(info: Stats, digest: string): void {
    this.byInode.set(inodeKey(info), { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, digest });
  }

  known(info: Stats): string | undefined {
    const hit = this.byInode.get(inodeKey(info));
    if (!hit || hit.size !== info.size || hit.mtimeMs !== info.mtimeMs || hit.ctimeMs !== info.ctimeMs) return undefined;
    return hit.digest;
  }
}

/** Nothing known: every file is read. */
export const NO_DIGESTS: KnownDigests = { known: () => undefined };

/** Passes `content` through, hashing it on the way; `done` gets the `sha256:` digest once it is all read. */
export async function* digesting(content: AsyncIterable<Buffer>, done: (digest: string) => void): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  for await (const chunk of content) {
    hash.update(chunk);
    yield chunk;
  }
  done(`sha256:${hash.digest('hex')}`);
}

function inodeKey(info: Stats): string {
  return `${info.dev}:${info.ino}`;
}
