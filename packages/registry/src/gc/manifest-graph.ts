import type { ManifestRecord, RegistryMetadata } from '../metadata/registry-metadata.js';
import { repositoryNames } from './repositories.js';

type GraphMetadata = Pick<RegistryMetadata, 'repositories' | 'tags' | 'manifest' | 'referrers' | 'unreferencedManifests'>;

/** Later than anything the metadata holds (and still a date every database compares as one). */
export const FOREVER = new Date('9999-12-31T23:59:59.999Z');
const PAGE = 1000;

/** The manifests of one repository and what keeps what. */
export interface RepositoryGraph {
  nodes: Map<string, ManifestRecord>;
  /** A manifest → the manifests it keeps: the children it lists and its referrers. */
  keeps: Map<string, string[]>;
  tagged: Set<string>;
}

/**
 * Every manifest of `repo`: the tagged ones and `roots` (those nothing references), and all
 * that these reach through index children and referrers. Every manifest is one of those or
 * reached from one, since what references a manifest is itself a manifest.
 */
export async function loadRepositoryGraph(metadata: GraphMetadata, repo: string, roots: readonly string[]): Promise<RepositoryGraph> {
  const graph: RepositoryGraph = { nodes: new Map(), keeps: new Map(), tagged: new Set() };
  const queue: ManifestRecord[] = [];
  const add = (m: ManifestRecord | null): void => {
    if (m === null || graph.nodes.has(m.digest)) return;
    graph.nodes.set(m.digest, m);
    queue.push(m);
  };
  for await (const tag of tagNames(metadata, repo)) {
    const m = await metadata.manifest(repo, tag);
    if (m !== null) graph.tagged.add(m.digest);
    add(m);
  }
  for (const digest of roots) add(await metadata.manifest(repo, digest));
  for (let m = queue.pop(); m !== undefined; m = queue.pop()) {
    const referrers = await metadata.referrers(repo, m.digest);
    graph.keeps.set(m.digest, [...m.children, ...referrers.map((r) => r.digest)]);
    for (const child of m.children) if (!graph.nodes.has(child)) add(await metadata.manifest(repo, child));
    for (const r of referrers) add(r);
  }
  return graph;
}

/** Every repository's graph, in turn. */
export async function* repositoryGraphs(metadata: GraphMetadata, signal?: AbortSignal): AsyncIterable<{ repo: string; graph: RepositoryGraph }> {
  const roots = new Map<string, string[]>();
  for (const r of await metadata.unreferencedManifests(FOREVER)) roots.set(r.repo, [...(roots.get(r.repo) ?? []), r.digest]);
  for await (const repo of repositoryNames(metadata)) {
    signal?.throwIfAborted();
    yield { repo, graph: await loadRepositoryGraph(metadata, repo, roots.get(repo) ?? []) };
  }
}

/** The digests of every manifest of every repository. */
export async function manifestDigests(metadata: GraphMetadata, signal?: AbortSignal): Promise<Set<string>> {
  const digests = new Set<string>();
  for await (const { graph } of repositoryGraphs(metadata, signal)) for (const d of graph.nodes.keys()) digests.add(d);
  return digests;
}

async function* tagNames(metadata: GraphMetadata, repo: string): AsyncIterable<string> {
  for (let last: string | undefined; ; ) {
    const page = (await metadata.tags(repo, { ...(last !== undefined && { last }), n: PAGE })) ?? [];
    yield* page;
    if (page.length < PAGE) return;
    last = page[page.length - 1];
  }
}
