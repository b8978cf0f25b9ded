import { EngineError } from '../errors.js';
import type { ImageIndex } from './image-index.js';
import type { ImageUser } from './image-ports.js';
import { normalizeReference } from './reference.js';

/** What `docker rmi` will do, decided before anything changes (dockerd's ImageDelete rules). */
export interface RemovalPlan {
  imageId: string;
  /** References to remove, in order; each is reported as `Untagged`. */
  untag: string[];
  /** True when the image itself goes (reported as `Deleted`, with its freed layers). */
  deleteImage: boolean;
}

const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** The repository part of a short reference: `name` of `name:tag` or `name@digest`. */
export function repositoryOf(reference: string): string {
  const at = reference.indexOf('@');
  if (at !== -1) return reference.slice(0, at);
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference;
}

const isDigestRef = (reference: string): boolean => reference.includes('@');

interface Conflict {
  message: string;
  /** A container uses the image (as opposed to the image being referenced elsewhere). */
  used: boolean;
}

function conflict(
  index: ImageIndex,
  imageId: string,
  users: readonly ImageUser[],
  check: { running: boolean; references: boolean; stopped: boolean },
): Conflict | null {
  const running = users.find((u) => u.running);
  if (check.running && running) {
    return { used: true, message: `conflict: unable to delete ${short(imageId)} (cannot be forced) - image is being used by running container ${short(running.id)}` };
  }
  if (check.references && index.referencesOf(imageId).length > 0) {
    return { used: false, message: `conflict: unable to delete ${short(imageId)} (must be forced) - image is referenced in multiple repositories` };
  }
  const stopped = users.find((u) => !u.running);
  if (check.stopped && stopped) {
    return { used: true, message: `conflict: unable to delete ${short(imageId)} (must be forced) - image is being used by stopped container ${short(stopped.id)}` };
  }
  return null;
}

/** Docker's `isSingleReference`: one tag at most, and every reference in that one repository. */
function isSingleReference(refs: readonly string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const canonical = new Set<string>();
  let single: string | undefined;
  for (const ref of refs) {
    if (isDigestRef(ref)) canonical.add(repositoryOf(ref));
    else if (single === undefined) single = ref;
    else return false;
  }
  return canonical.size === 1 && canonical.has(repositoryOf(single ?? refs[0]!));
}

/**
 * Plans `DELETE /images/{name}`. By reference: untag it, and delete the image only when
 * that was its last reference. By ID: remove the image with all its references. An image a
 * container uses is never deleted, only untagged (with `force`). Throws NOT_FOUND, or
 * CONFLICT with dockerd's wording.
 */
export function planRemoval(index: ImageIndex, input: string, force: boolean, users: readonly ImageUser[]): RemovalPlan {
  const image = index.resolve(input);
  const id = image.id;
  const refs = index.referencesOf(id);
  const untag: string[] = [];
  const remaining = new Set(refs);
  const drop = (ref: string): void => {
    untag.push(ref);
    remaining.delete(ref);
  };

  if (!index.isIdReference(input, id)) {
    const ref = normalizeReference(input);
    const user = users[0];
    if (!force && user && refs.length === 1) {
      throw new EngineError(
        'CONFLICT',
        `conflict: unable to remove repository reference "${input}" (must force) - container ${short(user.id)} is using its referenced image ${short(id)}`,
      );
    }
    drop(ref);
    // Removing the last tag of a repository also removes that repository's digest references.
    const repo = repositoryOf(ref);
    if (!isDigestRef(ref) && ![...remaining].some((r) => !isDigestRef(r) && repositoryOf(r) === repo)) {
      for (const r of [...remaining]) if (isDigestRef(r) && repositoryOf(r) === repo) drop(r);
    }
    // Untagged now; an image a container still uses stays (dangling) so the container can start.
    return { imageId: id, untag, deleteImage: remaining.size === 0 && users.length === 0 };
  }

  if (isSingleReference(refs)) {
    const c = conflict(index, id, users, { running: true, references: false, stopped: !force });
    if (c) throw new EngineError('CONFLICT', c.message);
    for (const r of refs) drop(r);
  } else {
    const c = conflict(index, id, users, { running: true, references: !force && refs.length > 0, stopped: !force });
    if (c) throw new EngineError('CONFLICT', c.message);
    for (const r of refs) drop(r);
  }
  // Forced past a stopped container: dockerd deletes the image and leaves the container on a
  // bare ID; Berth keeps the image, untagged, so the container still starts and prune frees it later.
  return { imageId: id, untag, deleteImage: users.length === 0 };
}
