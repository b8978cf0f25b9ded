// A snapshot of /proc: every process with its parent, name, command line and resident memory.
import { readdirSync, readFileSync } from 'node:fs';

export function readProcTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      table.set(pid, {
        pid,
        ppid: Number(field(status, 'PPid') ?? 0),
        comm: field(status, 'Name') ?? '',
        rssKiB: Number((field(status, 'VmRSS') ?? '0 kB').split(/\s+/)[0]),
        cmdline,
      });
    } catch {
      // The process exited while we were reading it.
    }
  }
  return table;
}

function field(status, name) {
  const m = status.match(new RegExp(`^${name}:\\s*(.*)$`, 'm'));
  return m ? m[1].trim() : undefined;
}

/** pid and all its descendants, not descending below processes for which stop(proc) is true. */
export function descendants(table, pid, stop = () => false) {
  const children = new Map();
  for (const p of table.values()) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(p);
  }
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift();
    for (const child of children.get(current) ?? []) {
      out.push(child);
      if (!stop(child)) queue.push(child.pid);
    }
  }
  return out;
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
