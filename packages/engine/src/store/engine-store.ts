/**
 * The engine database as the services see it: whole rows, loaded at start with `all()` and
 * written through one at a time. The services keep everything in memory and own the
 * invariants (an image in use is not removed, a tag names an existing image); the store
 * only keeps ids and container names unique.
 */

/** An image by its config digest. */
export interface ImageRow {
  /** "sha256:<hex>" of the config. */
  id: string;
  /** OCI image config JSON text. */
  config: string;
  manifestDigest: string | null;
  /** Bytes; kept exactly up to Number.MAX_SAFE_INTEGER. */
  size: number;
  created: Date;
}

/** A name for an image. */
export interface TagRow {
  /** e.g. "busybox:latest", "localhost:5000/x:1". */
  reference: string;
  imageId: string;
  updated: Date;
}

/** A container: the engine's full record as JSON plus the columns kept unique. */
export interface ContainerRow {
  /** 64 hex digits. */
  id: string;
  /** Without the leading slash; unique. */
  name: string;
  imageId: string;
  created: Date;
  /** JSON of the engine's full container record. */
  data: string;
}

/** A volume of the local driver. */
export interface VolumeRow {
  name: string;
  driver: string;
  created: Date;
  /** JSON object text, or null when the volume was created without labels. */
  labels: string | null;
  /** JSON object text of the driver options (`-o`), or null. */
  options: string | null;
}

/** A network: the engine's full record as JSON plus the name kept unique. */
export interface NetworkRow {
  id: string;
  name: string;
  created: Date;
  /** JSON of the engine's network record. */
  data: string;
}

export interface NetworkTable {
  /** Every network, oldest first. */
  all(): Promise<NetworkRow[]>;
  /** Throws EngineError CONFLICT when the id or the name is taken. */
  insert(row: NetworkRow): Promise<void>;
  /** Replaces the row with `row.id`; NOT_FOUND if absent. */
  update(row: NetworkRow): Promise<void>;
  /** Throws EngineError NOT_FOUND when there is no such network. */
  delete(id: string): Promise<void>;
}

export interface ImageTable {
  /** Every image, oldest first. */
  all(): Promise<ImageRow[]>;
  /** Insert, or replace the row with the same id. */
  upsert(row: ImageRow): Promise<void>;
  /** Throws EngineError NOT_FOUND when there is no such image. */
  delete(id: string): Promise<void>;
}

export interface TagTable {
  /** Every tag, by reference. */
  all(): Promise<TagRow[]>;
  /** Insert, or point an existing reference at `row.imageId`. */
  upsert(row: TagRow): Promise<void>;
  /** Throws EngineError NOT_FOUND when there is no such tag. */
  delete(reference: string): Promise<void>;
}

export interface ContainerTable {
  /** Every container, oldest first. */
  all(): Promise<ContainerRow[]>;
  /** Throws EngineError CONFLICT when the id or the name is taken. */
  insert(row: ContainerRow): Promise<void>;
  /** Replaces the row with `row.id` (a rename too). NOT_FOUND if absent, CONFLICT if the new name is taken. */
  update(row: ContainerRow): Promise<void>;
  /** Throws EngineError NOT_FOUND when there is no such container. */
  delete(id: string): Promise<void>;
}

export interface VolumeTable {
  /** Every volume, by name. */
  all(): Promise<VolumeRow[]>;
  /** Throws EngineError CONFLICT when the name is taken. */
  insert(row: VolumeRow): Promise<void>;
  /** Throws EngineError NOT_FOUND when there is no such volume. */
  delete(name: string): Promise<void>;
}

export interface EngineStore {
  readonly images: ImageTable;
  readonly tags: TagTable;
  readonly containers: ContainerTable;
  readonly volumes: VolumeTable;
  readonly networks: NetworkTable;
  /** Closes the database; the store is unusable afterwards. */
  close(): Promise<void>;
}
