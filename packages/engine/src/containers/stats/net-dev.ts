import fs from 'node:fs/promises';

/** One interface's counters as Docker's stats `networks` report them. */
export interface InterfaceStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** /proc/<pid>/net/dev of a process in the container's network namespace; loopback is left out, as dockerd does. */
export function parseNetDev(text: string): Record<string, InterfaceStats> {
  const out: Record<string, InterfaceStats> = {};
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo' || name === '') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    out[name] = {
      rx_bytes: f[0] ?? 0, rx_packets: f[1] ?? 0, rx_errors: f[2] ?? 0, rx_dropped: f[3] ?? 0,
      tx_bytes: f[8] ?? 0, tx_packets: f[9] ?? 0, tx_errors: f[10] ?? 0, tx_dropped: f[11] ?? 0,
    };
  }
  return out;
}

/** The container's interfaces, or null when the process is gone or it has none but loopback. */
export async function readNetDev(pid: number): Promise<Record<string, InterfaceStats> | null> {
  if (pid <= 0) return null;
  const text = await fs.readFile(`/proc/${pid}/net/dev`, 'utf8').catch(() => null);
  if (text === null) return null;
  const stats = parseNetDev(text);
  return Object.keys(stats).length > 0 ? stats : null;
}
