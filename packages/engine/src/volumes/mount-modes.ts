/** The mode suffix of `-v src:dst:mode` and `--volumes-from c:mode`, as dockerd's Linux parser reads it. */

const RW_MODES = new Set(['rw', 'ro']);
const LABEL_MODES = new Set(['z', 'Z']);
export const PROPAGATION_MODES = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);
const COPY_MODES = new Set(['nocopy']);
const CONSISTENCY_MODES = new Set(['consistent', 'cached', 'delegated', 'default']);

/** The propagation of a bind mount nobody asked about. */
export const DEFAULT_PROPAGATION = 'rprivate';

/** Every option known and at most one of each kind (`ro,z,rshared,nocopy`); `''` is valid. */
export function validMountMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = [0, 0, 0, 0, 0];
  for (const option of mode.split(',')) {
    const kind = [RW_MODES, LABEL_MODES, PROPAGATION_MODES, COPY_MODES, CONSISTENCY_MODES].findIndex((set) => set.has(option));
    if (kind < 0) return false;
    counts[kind]! += 1;
  }
  return counts.every((n) => n <= 1);
}

/** False when the mode says `ro`. */
export function readWrite(mode: string): boolean {
  return !mode.split(',').includes('ro');
}

/** The propagation option in a mode, or `''`. */
export function propagationOf(mode: string): string {
  return mode.split(',').find((o) => PROPAGATION_MODES.has(o)) ?? '';
}

/** Whether the mode says `nocopy`. */
export function hasNoCopy(mode: string): boolean {
  return mode.split(',').includes('nocopy');
}
