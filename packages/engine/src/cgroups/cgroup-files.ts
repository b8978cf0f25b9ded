/** Parsers for the text formats of cgroup and /proc files (pure, so both hierarchies share them). */

/** `key value` per line (memory.stat, cpu.stat, memory.events, v1 memory.oom_control). */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (!key || value === undefined) continue;
    const n = Number(value);
    if (Number.isFinite(n)) out[key] = n;
  }
  return out;
}

/** A single number, or null for `max` (v2's "no limit") and empty files. */
export function parseLimit(text: string): number | null {
  const value = text.trim();
  if (value === '' || value === 'max') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Space-separated numbers (v1 cpuacct.usage_percpu). */
export function parseNumberList(text: string): number[] {
  return text.trim().split(/\s+/).filter(Boolean).map(Number).filter(Number.isFinite);
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** v1 blkio `MAJ:MIN Op value` lines; the device-less `Total` line is left out. */
export function parseBlkioV1(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):(\d+)\s+(\S+)\s+(\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

/** v2 io.stat: `MAJ:MIN rbytes=N wbytes=N rios=N wios=N ...` as bytes and operations, ops lower-case like dockerd. */
export function parseIoStatV2(text: string): { bytes: BlkioEntry[]; ios: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const [device, ...pairs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(device ?? '');
    if (!m) continue;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    const fields = Object.fromEntries(pairs.map((p) => p.split('=')).map(([k, v]) => [k, Number(v)]));
    bytes.push({ major, minor, op: 'read', value: fields.rbytes ?? 0 }, { major, minor, op: 'write', value: fields.wbytes ?? 0 });
    ios.push({ major, minor, op: 'read', value: fields.rios ?? 0 }, { major, minor, op: 'write', value: fields.wios ?? 0 });
  }
  return { bytes, ios };
}

/** A cpuset list (`0-3,6`) as CPU numbers; throws on anything else. */
export function parseCpuList(list: string): number[] {
  const cpus = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`"${list}" is not a CPU list like 0-3,6`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new Error(`"${part}" is an empty range`);
    for (let cpu = from; cpu <= to; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}
