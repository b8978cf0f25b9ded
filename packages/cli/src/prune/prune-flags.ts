import type { FlagSpec } from '../args/parse-args.js';

/** The flags every prune command takes, as docker names them. */
export const FORCE: FlagSpec = { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' };
export const FILTER: FlagSpec = { name: 'filter', type: 'list', description: 'Provide filter values (e.g. "until=<timestamp>")' };
