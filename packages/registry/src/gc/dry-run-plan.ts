import type { RegistryMetadata } from '../metadata/registry-metadata.js';
import type { ManifestRef } from './garbage-report.js';
import { repositoryGraphs, type RepositoryGraph } from './manifest-graph.js';

type PlanMetadata = Pick<RegistryMetadata, 'repositories' | 'tags' | 'manifest' | 'referrers' | 'unreferencedManifests' | 'unreferencedBlobs' | 'blob' | 'linkedBlob'>;

/** What a collection would remove from the metadata, worked out without removing anything. */
export interface CollectionPlan {
  manifests: ManifestRef[];
  /** Blobs whose records would be forgotten. */
  blobs: string[];
  /** Digests that would still be manifests of some repository. */
  keptManifests: Set<string>;
}

/**
 * A dry run cannot delete an index to see what that frees, so it marks and sweeps instead: in
 * each repository, what is tagged or young is kept, and so is every manifest a kept one lists
 * and every referrer of a kept subject; the rest would go, and with it the blobs only it
 * referenced. "Young" is exact for manifests nothing references (from the metadata's own
 * query) and, for the others, judged by when they were first put (the metadata does not say
 * when they were last put), so the plan may list a manifest or blob that a collection keeps
 * because it was pushed again lately; it never leaves out one that a collection removes.
 */
export async function planCollection(metadata: PlanMetadata, cutoff: Date, signal?: AbortSignal): Promise<CollectionPlan> {
  const oldRoots = new Set((await metadata.unreferencedManifests(cutoff)).map((r) => `${r.repo}\n${r.digest}`));
  const plan: CollectionPlan = { manifests: [], blobs: [], keptManifests: new Set() };
  const keptBlobs = new Set<string>();
  const freedBlobs = new Map<string, Set<string>>(); // digest → repositories whose removed manifests referenced it
  for await (const { repo, graph } of repositoryGraphs(metadata, signal)) {
    const kept = keptManifests(graph, (digest, root) => (root ? !oldRoots.has(`${repo}\n${digest}`) : isYoung(graph, digest, cutoff)));
    for (const [digest, m] of graph.nodes) {
      if (kept.has(digest)) {
        plan.keptManifests.add(digest);
        for (const b of m.blobs) keptBlobs.add(b);
      } else {
        plan.manifests.push({ repo, digest });
        for (const b of m.blobs) freedBlobs.set(b, (freedBlobs.get(b) ?? new Set()).add(repo));
      }
    }
  }
  const blobs = new Set(await metadata.unreferencedBlobs(cutoff));
  for (const [digest, repos] of freedBlobs) {
    if (!keptBlobs.has(digest) && (await isOldBlob(metadata, digest, repos, cutoff))) blobs.add(digest);
  }
  plan.blobs = [...blobs].sort();
  return plan;
}

/** Tagged and young manifests, and all they keep. `young(digest, root)`: root is true for a manifest nothing references. */
function keptManifests(graph: RepositoryGraph, young: (digest: string, root: boolean) => boolean): Set<string> {
  const referenced = new Set([...graph.keeps.values()].flat());
  const seeds = [...graph.nodes.keys()].filter((d) => graph.tagged.has(d) || young(d, !referenced.has(d)));
  const kept = new Set<string>();
  for (let d = seeds.pop(); d !== undefined; d = seeds.pop()) {
    if (kept.has(d)) continue;
    kept.add(d);
    seeds.push(...(graph.keeps.get(d) ?? []));
  }
  return kept;
}

function isYoung(graph: RepositoryGraph, digest: string, cutoff: Date): boolean {
  return (graph.nodes.get(digest)?.created?.getTime() ?? 0) >= cutoff.getTime();
}

/** Created before the cut-off and not linked since in the repositories that referenced it. */
async function isOldBlob(metadata: PlanMetadata, digest: string, repos: Set<string>, cutoff: Date): Promise<boolean> {
  const blob = await metadata.blob(digest);
  if (blob === null || (blob.created?.getTime() ?? 0) >= cutoff.getTime()) return false;
  for (const repo of repos) {
    const link = await metadata.linkedBlob(repo, digest);
    if (link !== null && (link.created?.getTime() ?? 0) >= cutoff.getTime()) return false;
  }
  return true;
}
