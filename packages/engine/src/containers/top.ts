import type { ContainerTopResponse } from '@berth/sdk';
import { EngineError } from '../errors.js';
import { runCommand } from '../process/command.js';


/** `docker top`: the host's `ps` output, narrowed to the container's processes. */
export async function topProcesses(pids: number[], psArgs = '-ef'): Promise<ContainerTopResponse> {
  const args = psArgs.trim().split(/\s+/).filter(Boolean);
  let stdout: string;
  try {
    ({ stdout } = await runCommand('ps', args));
  } catch (err) {
    throw new EngineError('INVALID_ARGUMENT', `ps: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
  }
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift() ?? '';
  const titles = header.trim().split(/\s+/);
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) throw new EngineError('INVALID_ARGUMENT', `Couldn't find PID field in ps output`);
  const wanted = new Set(pids);
  const processes: string[][] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (!wanted.has(Number(fields[pidIndex]))) continue;
    // The last column (the command) may contain spaces: keep it whole.
    processes.push([...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')]);
  }
  return { Titles: titles, Processes: processes };
}
