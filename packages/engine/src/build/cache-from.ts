import type { ImageHistoryEntry, OciImageConfig } from '@berth/sdk';
import { type BuildState, stateOf } from './build-state.js';

/**
 * `--cache-from`: local images whose history can stand in for the build cache, as dockerd's classic builder uses
 * them. A step matches when an image's history and layers up to this point are the state's and its next history
 * entry is this step. RUN, COPY and ADD keep the runtime config, so the state takes the image's layer (`state`);
 * a step without a layer is made again, cheaply, and only its history entry comes from the image (`entry`).
 */
export function cacheFromMatch(sources: BuildState[], state: BuildState, createdBy: string): { state: BuildState } | { entry: ImageHistoryEntry } | null {
  const metadata = createdBy.startsWith('/bin/sh -c #(nop) ') && !/^\/bin\/sh -c #\(nop\) (COPY|ADD) /.test(createdBy);
  const history = state.config.history ?? [];
  const diffIds = state.config.rootfs.diff_ids;
  for (const source of sources) {
    const theirs = source.config.history ?? [];
    const next = theirs[history.length];
    if (!next || next.created_by !== createdBy || Boolean(next.empty_layer) !== metadata) continue;
    if (!history.every((h, i) => theirs[i]?.created_by === h.created_by && Boolean(theirs[i]?.empty_layer) === Boolean(h.empty_layer))) continue;
    const their = source.config.rootfs.diff_ids;
    if (their.length < diffIds.length || !diffIds.every((d, i) => their[i] === d)) continue;
    if (metadata) return { entry: next };
    if (their.length === diffIds.length) continue;
    const layer = source.layers[diffIds.length];
    if (!layer) continue;
    const config: OciImageConfig = {
      ...state.config,
      ...(next.created !== undefined ? { created: next.created } : {}),
      rootfs: { type: 'layers', diff_ids: [...diffIds, their[diffIds.length]!] },
      history: [...history, next],
    };
    return { state: stateOf(config, [...state.layers, layer]) };
  }
  return null;
}

/** The state with its last step dated `created` (the time a --cache-from image gives it). */
export function withCreated(state: BuildState, created: string | undefined): BuildState {
  if (created === undefined) return state;
  const history = [...(state.config.history ?? [])];
  const last = history.at(-1);
  if (last) history[history.length - 1] = { ...last, created };
  return stateOf({ ...state.config, created, history }, state.layers);
}
