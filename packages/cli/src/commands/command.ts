import type { FlagSpec } from '../args/parse-args.js';
import type { Session } from '../session.js';

/** One verb: its usage line, its flags, and what it does. Returns the process exit status. */
export interface CommandModule {
  usage: string;
  flags: readonly FlagSpec[];
  /** Flags after the first positional belong to the container's command (run, exec, create). */
  stopAtPositional?: boolean;
  /** Lower and upper bounds on positional arguments. */
  args?: [min: number, max?: number];
  run(session: Session, parsed: import('../args/parse-args.js').ParsedArgs): Promise<number>;
}

export const HELP_FLAG: FlagSpec = { name: 'help', type: 'bool', description: 'Print usage' };
