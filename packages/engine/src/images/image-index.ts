import type { OciImageConfig } from '@berth/sdk';
import { EngineError } from '../errors.js';
import type { Descriptor } from './oci-documents.js';
import { FULL_ID, familiarString, isDigest, parseReference, withDefaultTag } from './reference.js';

/** An image as the engine keeps it in memory. */
export interface Image {
  /** `sha256:<hex>` of the config blob. */
  id: string;
  config: OciImageConfig;
  /** The config JSON exactly as stored in its blob. */
  configText: string;
  manifestDigest: string | null;
  /** Layer blobs from the manifest, bottom-most first ([] when there is no manifest). */
  layerBlobs: Descriptor[];
  /** Chain IDs of the unpacked layers, bottom-most first. */
  chainIds: string[];
  /** Sum of the unpacked layer sizes. */
  size: number;
  /** When the image was created (the config's `created`, else when it was recorded). */
  created: Date;
}

export interface TagEntry {
  imageId: string;
  updated: Date;
}

/** Images and their references in memory, with Docker's lookup rules. */
export class ImageIndex {
  readonly images = new Map<string, Image>();
  /** Short-form reference (`name:tag` or `name@digest`) → image. */
  readonly tags = new Map<string, TagEntry>();

  /** References pointing at an image, sorted. */
  referencesOf(id: string): string[] {
    const refs: string[] = [];
    for (const [ref, entry] of this.tags) if (entry.imageId === id) refs.push(ref);
    return refs.sort();
  }

  repoTags(id: string): string[] {
    return this.referencesOf(id).filter((r) => !r.includes('@'));
  }

  repoDigests(id: string): string[] {
    return this.referencesOf(id).filter((r) => r.includes('@'));
  }

  /** The most recent time a reference was pointed at the image, if any. */
  lastTagTime(id: string): Date | undefined {
    let last: Date | undefined;
    for (const entry of this.tags.values()) {
      if (entry.imageId === id && (!last || entry.updated > last)) last = entry.updated;
    }
    return last;
  }

  isDangling(id: string): boolean {
    return this.repoTags(id).length === 0;
  }

  /**
   * Finds an image the way dockerd does: a full ID (with or without `sha256:`), then a
   * reference (`name` means `name:latest`), then a unique ID prefix.
   */
  resolve(input: string): Image {
    const found = this.find(input);
    if (found) return found;
    throw new EngineError('NOT_FOUND', `No such image: ${displayRef(input)}`);
  }

  /** Like {@link resolve} but returns undefined when nothing matches. */
  find(input: string): Image | undefined {
    if (FULL_ID.test(input)) return this.images.get(`sha256:${input}`);
    if (isDigest(input)) return this.images.get(input);
    const key = familiarString(withDefaultTag(parseReference(input)));
    const tagged = this.tags.get(key);
    if (tagged) return this.images.get(tagged.imageId);
    const prefix = /^(?:sha256:)?([a-f0-9]+)$/.exec(input)?.[1];
    if (prefix === undefined) return undefined;
    let match: Image | undefined;
    for (const [id, image] of this.images) {
      if (!id.startsWith(`sha256:${prefix}`)) continue;
      if (match) return undefined; // ambiguous: dockerd reports no such image
      match = image;
    }
    return match;
  }

  /** True when `input` names the image by its ID (full or prefix) rather than by a reference. */
  isIdReference(input: string, id: string): boolean {
    const hex = id.slice('sha256:'.length);
    const bare = input.startsWith('sha256:') ? input.slice('sha256:'.length) : input;
    return bare.length > 0 && hex.startsWith(bare) && !this.tags.has(keyOf(input));
  }

  /** True when some image other than `except` uses the layer. */
  layerInUse(chainId: string, except?: string): boolean {
    for (const image of this.images.values()) {
      if (image.id !== except && image.chainIds.includes(chainId)) return true;
    }
    return false;
  }

  /** True when some image other than `except` refers to the blob (config, manifest or layer). */
  blobInUse(digest: string, except?: string): boolean {
    for (const image of this.images.values()) {
      if (image.id === except) continue;
      if (image.id === digest || image.manifestDigest === digest) return true;
      if (image.layerBlobs.some((d) => d.digest === digest)) return true;
    }
    return false;
  }
}

function keyOf(input: string): string {
  try {
    return familiarString(withDefaultTag(parseReference(input)));
  } catch {
    return '';
  }
}

/** How dockerd names a missing image: the short reference with its default tag, or the ID as given. */
export function displayRef(input: string): string {
  if (FULL_ID.test(input)) return `sha256:${input}`;
  if (isDigest(input)) return input;
  return keyOf(input) || input;
}
