/** `berth container prune`, `berth image prune` (volume, network and system prune live with their groups). */
import { flag } from '../args/parse-args.js';
import { parseFilters } from '../args/filters.js';
import { connectEngine } from '../engine/connect.js';
import { confirmed } from '../prune/confirm.js';
import { FILTER, FORCE } from '../prune/prune-flags.js';
import { printReclaimed, pruneContainers, pruneImages } from '../prune/prune-steps.js';
import type { CommandModule } from './command.js';

export const containerPrune: CommandModule = {
  usage: '[OPTIONS]',
  flags: [FILTER, FORCE],
  args: [0, 0],
  async run(session, p) {
    const filters = parseFilters(flag.list(p, 'filter'));
    if (!(await confirmed(session, flag.bool(p, 'force'), 'This will remove all stopped containers.'))) return 0;
    const engine = await connectEngine(session);
    printReclaimed(session, await pruneContainers(session, engine, filters));
    return 0;
  },
};

export const imagePrune: CommandModule = {
  usage: '[OPTIONS]',
  flags: [{ name: 'all', short: 'a', type: 'bool', description: 'Remove all unused images, not just dangling ones' }, FILTER, FORCE],
  args: [0, 0],
  async run(session, p) {
    const all = flag.bool(p, 'all');
    const filters = parseFilters(flag.list(p, 'filter'));
    const warning = all ? 'This will remove all images without at least one container associated to them.' : 'This will remove all dangling images.';
    if (!(await confirmed(session, flag.bool(p, 'force'), warning))) return 0;
    const engine = await connectEngine(session);
    printReclaimed(session, await pruneImages(session, engine, filters, all));
    return 0;
  },
};
