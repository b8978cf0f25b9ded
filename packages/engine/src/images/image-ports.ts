import type { Readable } from 'node:stream';

/**
 * The roles the image service needs from the content store, the layer store and the engine
 * database. `BlobStore`, `LayerStore` and `EngineStore` satisfy them; tests may fake them.
 */
export interface BlobRole {
  has(digest: string): Promise<boolean>;
  ingest(source: AsyncIterable<Uint8Array>, expected?: { digest?: string; size?: number; sourceVerifies?: boolean }): Promise<{ digest: string; size: number }>;
  putBytes(data: Uint8Array, expected?: { digest?: string; size?: number }): Promise<{ digest: string; size: number }>;
  readBytes(digest: string): Promise<Buffer>;
  /** A stored blob's bytes from `start`, streamed. */
  open(digest: string, start?: number): Readable;
  delete(digest: string): Promise<void>;
  list(): Promise<string[]>;
}

export interface LayerInfoView {
  chainId: string;
  diffId: string;
  parent: string | null;
  size: number;
}

/** A layer unpacked but not committed: its own directory, invisible to everything else. */
export interface UnpackedLayerView {
  readonly dir: string;
  readonly diffId: string;
  readonly size: number;
}

export interface LayerRole {
  has(chainId: string): Promise<boolean>;
  get(chainId: string): Promise<LayerInfoView | null>;
  diffDir(chainId: string): string;
  create(parentChainId: string | null, source: Readable, expectedDiffId?: string): Promise<LayerInfoView>;
  /** Unpacks a layer out of sight, before its parent is there; it must then be committed or abandoned. */
  unpack(source: Readable): Promise<UnpackedLayerView>;
  commit(layer: UnpackedLayerView, parentChainId: string | null, expectedDiffId?: string): Promise<LayerInfoView>;
  abandon(layer: UnpackedLayerView): Promise<void>;
  remove(chainId: string): Promise<unknown>;
  list(): Promise<{ chainId: string }[]>;
}

export interface ImageRecord {
  /** `sha256:<hex>` of the config blob. */
  id: string;
  /** The config JSON text, byte-identical to the config blob. */
  config: string;
  manifestDigest: string | null;
  size: number;
  created: Date;
}

export interface TagRecord {
  /** Short form: `name:tag` or `name@digest`. */
  reference: string;
  imageId: string;
  updated: Date;
}

export interface ImageRecordsRole {
  images: {
    all(): Promise<ImageRecord[]>;
    upsert(row: ImageRecord): Promise<unknown>;
    delete(id: string): Promise<unknown>;
  };
  tags: {
    all(): Promise<TagRecord[]>;
    upsert(row: TagRecord): Promise<unknown>;
    delete(reference: string): Promise<unknown>;
  };
}

/** A container that refers to an image, as the image service needs to know it. */
export interface ImageUser {
  id: string;
  running: boolean;
}

/** Image events for the event bus. */
export interface ImageEvent {
  action: 'import' | 'load' | 'save' | 'pull' | 'push' | 'tag' | 'untag' | 'delete';
  /** The image ID, `sha256:<hex>`. */
  id: string;
  /** The reference the event is about (`name:tag`), when there is one. */
  name?: string;
}
