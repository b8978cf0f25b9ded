import type { ContainerSummary, ImageSummary, SystemDataUsageResponse, Volume } from '@berth/sdk';
import { diskUsage } from './disk-usage.js';

/** What `docker system df` reads, each from the service that owns it. */
export interface DiskUsageSources {
  /** Every image, with `SharedSize` and `Containers` filled in. */
  images(): ImageSummary[];
  /** Bytes of all unpacked layers, each counted once. */
  layersSize(): number;
  /** Every container, and the directory of its writable layer. */
  containers(): { summary: ContainerSummary; upperDir: string }[];
  /** Every volume with its usage. */
  volumes(): Promise<Volume[]>;
}

/** `GET /system/df`: the CLI adds up TOTAL, ACTIVE, SIZE and RECLAIMABLE from this itself. */
export async function systemDiskUsage(sources: DiskUsageSources): Promise<SystemDataUsageResponse> {
  const images = sources.images();
  const imageSize = new Map(images.map((i) => [i.Id, i.Size]));
  const containers = await Promise.all(
    sources.containers().map(async ({ summary, upperDir }) => {
      const sizeRw = await diskUsage(upperDir);
      return { ...summary, SizeRw: sizeRw, SizeRootFs: sizeRw + (imageSize.get(summary.ImageID) ?? 0) };
    }),
  );
  return {
    LayersSize: sources.layersSize(),
    Images: images,
    Containers: containers,
    Volumes: await sources.volumes(),
    BuildCache: [],
    BuilderSize: 0,
  };
}
