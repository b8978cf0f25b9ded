import type { ImageRuntimeConfig, OciImageConfig } from '@berth/sdk';
import type { Image } from '../images/image-index.js';
import { canonicalBytes, chainIdsOf, hostArchitecture, sha256, type Descriptor } from '../images/oci-documents.js';
import type { StepLayer } from './layer-diff.js';

/** Where a stage stands after a step: the image config it would commit (and its ID) and its layers. */
export interface BuildState {
  id: string;
  config: OciImageConfig;
  configText: string;
  layers: Descriptor[];
}

export function stateOf(config: OciImageConfig, layers: Descriptor[], configText?: string): BuildState {
  const text = configText ?? canonicalBytes(config).toString('utf8');
  return { id: sha256(text), config, configText: text, layers };
}

export function imageState(image: Image): BuildState {
  return { id: image.id, config: image.config, configText: image.configText, layers: image.layerBlobs };
}

/** `FROM scratch`: no layers, an empty config. */
export function scratchState(): BuildState {
  return stateOf({ architecture: hostArchitecture(), os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] }, []);
}

export function chainIdsOfState(state: BuildState): string[] {
  return chainIdsOf(state.config.rootfs.diff_ids);
}

export function runtimeOf(state: BuildState): ImageRuntimeConfig {
  return state.config.config ?? {};
}

/**
 * The state after one step: the runtime config changed by `change`, a history entry, and the step's layer if any;
 * `time` (SOURCE_DATE_EPOCH) stands for now in the created times.
 */
export function nextState(prev: BuildState, createdBy: string, runtime: ImageRuntimeConfig, layer?: StepLayer, time?: Date): BuildState {
  const created = time ? time.toISOString().replace(/\.000Z$/, 'Z') : new Date().toISOString();
  const config: OciImageConfig = {
    ...prev.config,
    created,
    config: runtime,
    rootfs: { type: 'layers', diff_ids: layer ? [...prev.config.rootfs.diff_ids, layer.diffId] : prev.config.rootfs.diff_ids },
    history: [...(prev.config.history ?? []), { created, created_by: createdBy, ...(layer ? {} : { empty_layer: true }) }],
  };
  delete config.comment;
  return stateOf(config, layer ? [...prev.layers, layer.descriptor] : prev.layers);
}

/** The 12-character short form of an image ID. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
