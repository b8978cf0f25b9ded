import { EngineError } from '../errors.js';

const VALID_OPTIONS = new Set(['type', 'o', 'device', 'size']);
/** An option and the ones it needs (the local driver mounts `device` as `type` with `o`). */
const REQUIRED: Record<string, string[]> = { device: ['type'], type: ['device'], o: ['device', 'type'] };

/**
 * The local driver's `-o` options as dockerd checks them: `type`, `device` and `o` (a mount,
 * e.g. `type=tmpfs device=tmpfs o=size=10m`); `size` needs quotas, which this driver has not.
 */
export function checkLocalOptions(name: string, options: Record<string, string> | null | undefined): Record<string, string> | null {
  if (!options || Object.keys(options).length === 0) return null;
  const fail = (message: string) => new EngineError('INVALID_ARGUMENT', `create ${name}: ${message}`);
  for (const [key, value] of Object.entries(options)) {
    if (!VALID_OPTIONS.has(key)) throw fail(`invalid option: "${key}"`);
    if (typeof value !== 'string' || value.includes('\0')) throw fail(`invalid value for option "${key}"`);
  }
  if ('size' in options) throw fail('quota size requested but no quota support');
  for (const [key, needs] of Object.entries(REQUIRED)) {
    if (!(key in options)) continue;
    const missing = needs.find((n) => !(n in options));
    if (missing) throw fail(`missing required option: "${missing}"`);
  }
  // mount(8) would read a leading dash as one of its own flags.
  if (options.type!.startsWith('-') || options.device!.startsWith('-')) throw fail('type and device may not start with "-"');
  return { ...options };
}

/** mount(8) arguments that mount a volume's device on `target`. */
export function localMountArgs(options: Record<string, string>, target: string): string[] {
  return ['-t', options.type!, ...(options.o ? ['-o', options.o] : []), options.device!, target];
}
