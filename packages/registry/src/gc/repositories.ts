import type { RegistryMetadata } from '../metadata/registry-metadata.js';

const PAGE = 1000;

/** Every repository name, a page at a time. */
export async function* repositoryNames(metadata: Pick<RegistryMetadata, 'repositories'>): AsyncIterable<string> {
  for (let last: string | undefined; ; ) {
    const page = await metadata.repositories({ ...(last !== undefined && { last }), n: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    last = page[page.length - 1];
  }
}

/**
 * Whether `digest` is a manifest of any repository now (a lookup per repository). A manifest's
 * document is stored as a blob by its digest but has no blob record: this is what keeps it.
 */
export async function isManifestAnywhere(metadata: Pick<RegistryMetadata, 'repositories' | 'hasManifest'>, digest: string): Promise<boolean> {
  for await (const repo of repositoryNames(metadata)) {
    if (await metadata.hasManifest(repo, digest)) return true;
  }
  return false;
}
