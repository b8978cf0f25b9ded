/**
 * One prune per kind of object, each printing its section as docker does ("Deleted Containers:"
 * and the names). `berth container|image|network|volume prune` run one, `berth system prune`
 * several, so the two always print the same thing.
 */
import type { Engine as EngineClient } from '../engine/connect.js';
import { humanSize } from '../output/humanize.js';
import type { Session } from '../session.js';

export type Filters = Record<string, string[]>;

/** Bytes freed, for the "Total reclaimed space" line. */
type Reclaimed = number;

export async function pruneContainers(session: Session, engine: EngineClient, filters: Filters): Promise<Reclaimed> {
  const r = await engine.containers.prune({ filters });
  section(session, 'Deleted Containers', r.ContainersDeleted);
  return r.SpaceReclaimed ?? 0;
}

export async function pruneNetworks(session: Session, engine: EngineClient, filters: Filters): Promise<Reclaimed> {
  const r = await engine.networks.prune({ filters });
  section(session, 'Deleted Networks', r.NetworksDeleted);
  return 0;
}

/** Anonymous volumes no container uses; with `all`, named ones too. */
export async function pruneVolumes(session: Session, engine: EngineClient, filters: Filters, all: boolean): Promise<Reclaimed> {
  const r = await engine.volumes.prune({ filters: all ? { ...filters, all: ['true'] } : filters });
  section(session, 'Deleted Volumes', r.VolumesDeleted);
  return r.SpaceReclaimed ?? 0;
}

/** Dangling images; with `all`, every image no container uses. */
export async function pruneImages(session: Session, engine: EngineClient, filters: Filters, all: boolean): Promise<Reclaimed> {
  const r = await engine.images.prune({ filters: { ...filters, dangling: [all ? 'false' : 'true'] } });
  section(session, 'Deleted Images', (r.ImagesDeleted ?? []).map((d) => (d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted}`)));
  return r.SpaceReclaimed ?? 0;
}

export async function pruneBuildCache(session: Session, engine: EngineClient): Promise<Reclaimed> {
  const r = await engine.system.pruneBuildCache();
  section(session, 'Deleted build cache objects', r.CachesDeleted);
  return r.SpaceReclaimed ?? 0;
}

export function printReclaimed(session: Session, bytes: Reclaimed): void {
  session.out(`Total reclaimed space: ${humanSize(bytes)}\n`);
}

function section(session: Session, title: string, names: readonly string[] | null | undefined): void {
  if (names && names.length > 0) session.out(`${title}:\n${names.map((n) => `${n}\n`).join('')}\n`);
}
