import type { FlagSpec, ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import { renderTable } from '../output/table.js';
import type { Session } from '../session.js';

export const usage = 'CONTAINER [ps OPTIONS]';
export const flags: FlagSpec[] = [];
export const stopAtPositional = true;
export const args: [number] = [1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const [name, ...psArgs] = parsed.args as [string, ...string[]];
  const top = await (await connectEngine(session)).containers.top(name, psArgs.length > 0 ? { ps_args: psArgs.join(' ') } : {});
  session.out(renderTable(top.Titles.map((t) => ({ header: t })), top.Processes, session.width));
  return 0;
}
