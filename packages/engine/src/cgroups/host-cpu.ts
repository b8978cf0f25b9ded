import fs from 'node:fs/promises';

/** Linux counts /proc/stat in USER_HZ ticks, 100 a second. */
const NS_PER_TICK = 1e9 / 100;

/**
 * The host's CPU time and online CPUs from /proc/stat, as dockerd computes `system_cpu_usage`
 * (user+nice+system+idle+iowait+irq+softirq, in ns) and `online_cpus`.
 */
export function parseProcStat(text: string): { systemUsage: number; onlineCpus: number } {
  let systemUsage = 0;
  let onlineCpus = 0;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'cpu') {
      systemUsage = fields.slice(1, 8).reduce((sum, f) => sum + Number(f), 0) * NS_PER_TICK;
    } else if (/^cpu\d+$/.test(fields[0] ?? '')) onlineCpus++;
  }
  return { systemUsage, onlineCpus };
}

export async function readHostCpu(): Promise<{ systemUsage: number; onlineCpus: number }> {
  return parseProcStat(await fs.readFile('/proc/stat', 'utf8'));
}
