import { UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { COMMANDS } from '../args/command-table.js';
import { bashScript, zshScript } from '../completion/completion-scripts.js';
import type { Session } from '../session.js';

export const usage = 'bash|zsh';
export const flags: FlagSpec[] = [];
export const args: [number, number] = [1, 1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const names = Object.keys(COMMANDS);
  const shell = parsed.args[0];
  if (shell === 'bash') session.out(bashScript(names));
  else if (shell === 'zsh') session.out(zshScript(names));
  else throw new UsageError(`unsupported shell "${shell}": use bash or zsh`);
  return 0;
}
