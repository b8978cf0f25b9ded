import { flag, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { memoryBytes } from '../containers/create-request.js';
import { eachContainer } from './lifecycle.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] CONTAINER [CONTAINER...]';
export const flags: FlagSpec[] = [
  { name: 'memory', short: 'm', type: 'string', description: 'Memory limit' },
  { name: 'memory-swap', type: 'string', description: "Swap limit equal to memory plus swap: -1 to enable unlimited swap" },
  { name: 'cpus', type: 'string', description: 'Number of CPUs' },
  { name: 'cpu-shares', short: 'c', type: 'int', description: 'CPU shares (relative weight)' },
  { name: 'pids-limit', type: 'int', description: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'restart', type: 'string', description: 'Restart policy to apply when a container exits' },
];
export const args: [number] = [1];

export function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const body: Record<string, unknown> = {};
  if (flag.str(parsed, 'memory')) body.Memory = memoryBytes(flag.str(parsed, 'memory')!);
  const swap = flag.str(parsed, 'memory-swap');
  if (swap) body.MemorySwap = swap === '-1' ? -1 : memoryBytes(swap);
  const cpus = flag.str(parsed, 'cpus');
  if (cpus) {
    if (!(Number(cpus) > 0)) throw new UsageError(`invalid --cpus "${cpus}": use a positive number such as 1.5`);
    body.NanoCpus = Math.round(Number(cpus) * 1e9);
  }
  if (flag.int(parsed, 'cpu-shares') !== undefined) body.CpuShares = flag.int(parsed, 'cpu-shares');
  if (flag.int(parsed, 'pids-limit') !== undefined) body.PidsLimit = flag.int(parsed, 'pids-limit');
  const restart = flag.str(parsed, 'restart');
  if (restart) {
    const [name, count] = restart.split(':');
    body.RestartPolicy = { Name: name, ...(count ? { MaximumRetryCount: Number(count) } : {}) };
  }
  if (Object.keys(body).length === 0) throw new UsageError('you must provide one or more flags when using this command');
  return eachContainer(session, parsed.args, async (e, n) => {
    const r = await e.containers.update(n, body);
    for (const w of r.Warnings ?? []) session.err(`WARNING: ${w}\n`);
  });
}
