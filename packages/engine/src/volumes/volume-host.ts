import { EngineError } from '../errors.js';
import { runCommand } from '../process/command.js';
import { isMounted } from '../snapshots/rootfs.js';

/** The host side of volumes with mount options: mount(8) and umount(8). Tests may fake it. */
export interface VolumeHost {
  mount(args: string[]): Promise<void>;
  unmount(target: string): Promise<void>;
  isMounted(target: string): Promise<boolean>;
}

export const systemVolumeHost: VolumeHost = {
  async mount(args) {
    try {
      await runCommand('mount', args);
    } catch (err) {
      const detail = ((err as { stderr?: string }).stderr || (err as Error).message).trim();
      throw new EngineError('INVALID_ARGUMENT', `failed to mount local volume: mount ${args.join(' ')}: ${detail}`, { cause: err });
    }
  },
  async unmount(target) {
    try {
      await runCommand('umount', [target]);
    } catch {
      await runCommand('umount', ['--lazy', target]).catch(() => undefined);
    }
    if (await isMounted(target)) throw new EngineError('INTERNAL', `cannot unmount the volume at ${target}`);
  },
  isMounted,
};
