import type { OciImageConfig } from '@berth/sdk';
import { EngineError } from '../errors.js';
import type { StagedArchive } from './archive-staging.js';
import { parseConfig, sha256 } from './oci-documents.js';
import { familiarString, parseReference, parseRepoTag } from './reference.js';

/** One image of an archive, as `docker load` takes it in. */
export interface LoadPlan {
  /** The config's exact text: its digest is the image ID. */
  configText: string;
  config: OciImageConfig;
  /** Archive names of the layer tars (plain or gzip), bottom first. */
  layers: string[];
  /** Short references to tag (`name:tag`). */
  tags: string[];
}

interface LegacyManifestEntry {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

interface OciDescriptor {
  mediaType?: string;
  digest?: string;
  annotations?: Record<string, string>;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const IMAGE_NAME = 'io.containerd.image.name';

/**
 * The images of a `docker save` archive (`manifest.json`, in both the legacy layout and the
 * OCI layout Docker 25+ writes) or of a plain OCI layout (`index.json`, as skopeo and podman
 * write it). INVALID_ARGUMENT names what is missing or malformed.
 */
export async function planLoad(archive: StagedArchive): Promise<LoadPlan[]> {
  if (archive.has('manifest.json')) return planLegacy(archive);
  if (archive.has('index.json')) return planOci(archive);
  throw invalid('the archive has neither manifest.json nor index.json: it is not an image archive (docker save or OCI layout)');
}

async function planLegacy(archive: StagedArchive): Promise<LoadPlan[]> {
  const entries = await archive.json<LegacyManifestEntry[]>('manifest.json');
  if (!Array.isArray(entries) || entries.length === 0) throw invalid('manifest.json in the archive lists no images');
  return Promise.all(entries.map(async (entry, i) => {
    if (typeof entry?.Config !== 'string' || !Array.isArray(entry.Layers) || !entry.Layers.every((l) => typeof l === 'string')) {
      throw invalid(`manifest.json entry ${i + 1} needs a Config file name and a Layers list`);
    }
    const tags = Array.isArray(entry.RepoTags) ? entry.RepoTags.filter((t): t is string => typeof t === 'string').map(shortTag) : [];
    return plan(archive, entry.Config, entry.Layers as string[], tags);
  }));
}

async function planOci(archive: StagedArchive): Promise<LoadPlan[]> {
  const plans: LoadPlan[] = [];
  const visit = async (descriptor: OciDescriptor, name: string | undefined, depth: number): Promise<void> => {
    if (depth > 4) throw invalid('index.json nests indexes more than 4 deep');
    const doc = await archive.json<{ mediaType?: string; manifests?: OciDescriptor[]; config?: OciDescriptor; layers?: OciDescriptor[] }>(blobName(descriptor.digest));
    const mediaType = doc.mediaType ?? descriptor.mediaType;
    if (Array.isArray(doc.manifests) || (mediaType !== undefined && INDEX_TYPES.has(mediaType))) {
      for (const child of doc.manifests ?? []) await visit(child, child.annotations?.[IMAGE_NAME] ?? name, depth + 1);
      return;
    }
    if (!doc.config || !Array.isArray(doc.layers)) throw invalid(`manifest ${descriptor.digest} in the archive has no config or layers`);
    if (isForeignPlatform(descriptor)) return;
    plans.push(await plan(archive, blobName(doc.config.digest), doc.layers.map((l) => blobName(l.digest)), name ? [shortName(name)] : []));
  };
  const index = await archive.json<{ manifests?: OciDescriptor[] }>('index.json');
  for (const descriptor of index.manifests ?? []) await visit(descriptor, descriptor.annotations?.[IMAGE_NAME], 0);
  if (plans.length === 0) throw invalid('index.json in the archive lists no image for this platform');
  return plans;
}

async function plan(archive: StagedArchive, configName: string, layers: string[], tags: string[]): Promise<LoadPlan> {
  const configText = await archive.text(configName);
  const config = parseConfig(configText, sha256(configText));
  if (config.rootfs.diff_ids.length !== layers.length) {
    throw invalid(`image config ${configName} names ${config.rootfs.diff_ids.length} layers but the archive lists ${layers.length}`);
  }
  for (const layer of layers) archive.file(layer);
  return { configText, config, layers, tags };
}

function blobName(digest: unknown): string {
  if (typeof digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(digest)) throw invalid(`invalid digest ${JSON.stringify(digest)} in the archive`);
  return `blobs/sha256/${digest.slice(7)}`;
}

function isForeignPlatform(descriptor: OciDescriptor & { platform?: { os?: string } }): boolean {
  return descriptor.platform?.os !== undefined && descriptor.platform.os !== 'linux';
}

function shortTag(repoTag: string): string {
  return familiarString(parseRepoTag(repoTag));
}

/** A full reference from `io.containerd.image.name` (`docker.io/library/busybox:latest`) in its short form. */
function shortName(name: string): string {
  return familiarString(parseReference(name));
}

function invalid(message: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', message);
}
