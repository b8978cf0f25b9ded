import type { ImageHistoryEntry, ImageHistoryItem, ImageInspect, ImageInspectConfig, ImageRuntimeConfig, ImageSummary } from '@berth/sdk';
import type { Image, ImageIndex } from './image-index.js';

/** Builds the Docker Engine API shapes of an image from the in-memory index. */

const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface ViewOptions {
  /** API < 1.44 still sends the deprecated `VirtualSize`. */
  virtualSize?: boolean;
  /** API < 1.50 sends `Config` with the container-config fields (Hostname, Attach*, …). */
  legacyConfig?: boolean;
}

export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

export interface SummaryOptions extends ViewOptions {
  /** The references to show (a `reference` filter narrows them); all by default. */
  repoTags?: string[];
  repoDigests?: string[];
  /** Real values for `docker system df`; -1 (not computed) otherwise. */
  sharedSize?: number;
  containers?: number;
}

export function imageSummary(index: ImageIndex, image: Image, opts: SummaryOptions = {}): ImageSummary {
  const summary: ImageSummary = {
    Id: image.id,
    ParentId: '',
    RepoTags: opts.repoTags ?? index.repoTags(image.id),
    RepoDigests: opts.repoDigests ?? index.repoDigests(image.id),
    Created: unixSeconds(image.created),
    Size: image.size,
    SharedSize: opts.sharedSize ?? -1,
    Labels: nonEmpty(image.config.config?.Labels) ?? null,
    Containers: opts.containers ?? -1,
  };
  if (opts.virtualSize) summary.VirtualSize = image.size;
  return summary;
}

export function imageInspect(index: ImageIndex, image: Image, lowerDirs: string[], opts: ViewOptions = {}): ImageInspect {
  const config = image.config;
  const last = index.lastTagTime(image.id);
  const inspect: ImageInspect = {
    Id: image.id,
    RepoTags: index.repoTags(image.id),
    RepoDigests: index.repoDigests(image.id),
    Parent: '',
    Comment: config.comment ?? config.history?.[config.history.length - 1]?.comment ?? '',
    Created: config.created ?? image.created.toISOString(),
    DockerVersion: '',
    Author: config.author ?? '',
    Config: runtimeConfig(config.config ?? {}, opts.legacyConfig ?? false),
    Architecture: config.architecture,
    Os: config.os,
    Size: image.size,
    GraphDriver: graphDriver(lowerDirs),
    RootFS: { Type: 'layers', Layers: [...config.rootfs.diff_ids] },
    Metadata: { LastTagTime: last ? last.toISOString() : ZERO_TIME },
  };
  const variant = (config as { variant?: string }).variant;
  if (variant) inspect.Variant = variant;
  if (opts.virtualSize) inspect.VirtualSize = image.size;
  return inspect;
}

/** Docker's shape of `Config`: unset lists and maps are null, unset strings empty. */
function runtimeConfig(c: ImageRuntimeConfig, legacy: boolean): ImageInspectConfig {
  const legacyFields = legacy
    ? { Hostname: '', Domainname: '', AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false, OpenStdin: false, StdinOnce: false }
    : {};
  const out: ImageInspectConfig = {
    ...legacyFields,
    User: c.User ?? '',
    ...(nonEmpty(c.ExposedPorts) ? { ExposedPorts: c.ExposedPorts } : {}),
    Env: c.Env && c.Env.length > 0 ? c.Env : null,
    Cmd: c.Cmd ?? null,
    ...(c.Healthcheck !== undefined ? { Healthcheck: c.Healthcheck } : {}),
    ...(legacy ? { Image: '' } : {}),
    Volumes: nonEmpty(c.Volumes) ?? null,
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
    OnBuild: c.OnBuild ?? null,
    Labels: nonEmpty(c.Labels) ?? null,
  };
  if (c.StopSignal) out.StopSignal = c.StopSignal;
  if (c.Shell && c.Shell.length > 0) out.Shell = c.Shell;
  return out;
}

function graphDriver(lowerDirs: string[]): ImageInspect['GraphDriver'] {
  const [upper, ...lower] = lowerDirs;
  if (upper === undefined) return { Name: 'overlay2', Data: null };
  const data: Record<string, string> = { UpperDir: upper };
  if (lower.length > 0) data.LowerDir = lower.join(':');
  return { Name: 'overlay2', Data: data };
}

/** `docker history`: newest entry first; only the top one carries the image ID and tags. */
export function imageHistory(index: ImageIndex, image: Image, layerSizes: Map<string, number>): ImageHistoryItem[] {
  const { config } = image;
  const diffIds = config.rootfs.diff_ids;
  const entries: ImageHistoryEntry[] = config.history && config.history.length > 0
    ? config.history
    : diffIds.map(() => ({ created: config.created, created_by: '', comment: '' }));
  const items: ImageHistoryItem[] = [];
  let layer = 0;
  for (const h of entries) {
    let size = 0;
    if (!h.empty_layer) {
      const chainId = image.chainIds[layer];
      if (chainId !== undefined) size = layerSizes.get(chainId) ?? 0;
      layer++;
    }
    const created = h.created ? Date.parse(h.created) : NaN;
    items.unshift({
      Id: '<missing>',
      Created: Number.isNaN(created) ? 0 : Math.floor(created / 1000),
      CreatedBy: h.created_by ?? '',
      Tags: null,
      Size: size,
      Comment: h.comment ?? '',
    });
  }
  const top = items[0];
  if (top) {
    top.Id = image.id;
    const tags = index.repoTags(image.id);
    top.Tags = tags.length > 0 ? tags : null;
  }
  return items;
}

function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  return value && Object.keys(value).length > 0 ? value : undefined;
}
