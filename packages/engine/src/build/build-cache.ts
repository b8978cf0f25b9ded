import { readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Descriptor } from '../images/oci-documents.js';
import { parseConfig, sha256 } from '../images/oci-documents.js';
import { type BuildState, stateOf } from './build-state.js';

/** Whether the content a cached state refers to is still stored (an image holds its layers and blobs). */
export type StateCheck = (state: BuildState) => Promise<boolean>;

/**
 * The build cache: the state a step led to, by (parent state ID, instruction with its inputs). Entries are small
 * files under `dir`; one whose layers have since been removed (with the last image using them) is a miss.
 */
export class BuildCache {
  constructor(
    private readonly dir: string,
    private readonly check: StateCheck,
  ) {}

  static key(parentId: string, step: string, inputs = ''): string {
    return sha256(JSON.stringify([parentId, step, inputs]));
  }

  async get(key: string): Promise<BuildState | null> {
    let entry: { configText: string; layers: Descriptor[] };
    try {
      // A few hundred bytes, read once per step of every build: synchronously, without a trip through the thread pool.
      entry = JSON.parse(readFileSync(this.file(key), 'utf8')) as typeof entry;
    } catch {
      return null;
    }
    try {
      const state = stateOf(parseConfig(entry.configText, sha256(entry.configText)), entry.layers, entry.configText);
      return (await this.check(state)) ? state : null;
    } catch {
      return null;
    }
  }

  async put(key: string, state: BuildState): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.file(key)}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ configText: state.configText, layers: state.layers }));
    await rename(tmp, this.file(key));
  }

  /** `docker builder prune`: forgets every entry (the layers stay with the images that use them); returns how many. */
  async prune(): Promise<number> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.map((name) => rm(path.join(this.dir, name), { force: true })));
    return names.length;
  }

  private file(key: string): string {
    return path.join(this.dir, key.replace(/^sha256:/, ''));
  }
}
