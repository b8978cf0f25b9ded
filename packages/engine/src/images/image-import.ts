import type { OciImageConfig } from '@berth/sdk';
import { applyChanges, parseChanges } from './image-changes.js';
import type { IngestedLayer } from './layer-ingest.js';
import { MEDIA_TYPE_LAYER_GZIP, hostArchitecture, type Descriptor } from './oci-documents.js';
import { familiarString, parseRepoTag } from './reference.js';

/** `POST /images/create?fromSrc=…` options, as the route receives them. */
export interface ImportOptions {
  /** `name[:tag]` to give the image; none leaves it untagged. */
  repo?: string;
  /** Overrides a tag in `repo`. */
  tag?: string;
  /** `--change` lines (Dockerfile instructions). */
  changes?: string[];
  /** `-m`: the history comment; default `Imported from <src>`. */
  message?: string;
  /** Where the archive came from, for the default comment: `-` for the request body. */
  src?: string;
}

/** Import options checked before any byte of the archive is read. */
export interface ImportPlan {
  /** The short reference to tag, if any. */
  target?: string;
  config: Omit<OciImageConfig, 'rootfs' | 'created' | 'history'>;
  comment: string;
}

/** Validates the reference and the changes; throws INVALID_ARGUMENT with the problem. */
export function planImport(opts: ImportOptions): ImportPlan {
  const target = opts.repo ? familiarString(parseRepoTag(opts.repo, opts.tag)) : undefined;
  const runtime = applyChanges({}, parseChanges(opts.changes ?? []));
  const comment = opts.message ? opts.message : `Imported from ${opts.src ?? '-'}`;
  return {
    ...(target !== undefined ? { target } : {}),
    config: { architecture: hostArchitecture(), os: 'linux', config: runtime },
    comment,
  };
}

/** The image config of an imported single-layer image, created now. */
export function importedConfig(plan: ImportPlan, layer: IngestedLayer, now = new Date()): OciImageConfig {
  const created = now.toISOString();
  return {
    created,
    architecture: plan.config.architecture,
    os: plan.config.os,
    config: plan.config.config ?? {},
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created, comment: plan.comment }],
    comment: plan.comment,
  };
}

export function layerDescriptor(layer: IngestedLayer): Descriptor {
  return { mediaType: MEDIA_TYPE_LAYER_GZIP, digest: layer.blob.digest, size: layer.blob.size };
}
