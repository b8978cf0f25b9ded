import { describe, expect, it } from 'vitest';
import { parseBlkioV1, parseCpuList, parseFlatKeyed, parseIoStatV2, parseLimit } from './cgroup-files.js';
import { parseProcStat } from './host-cpu.js';

describe('cgroup file parsers', () => {
  it('reads key-value files and limits', () => {
    expect(parseFlatKeyed('cache 4096\ntotal_inactive_file 12\n\nbad\n')).toEqual({ cache: 4096, total_inactive_file: 12 });
    expect(parseLimit('max\n')).toBeNull();
    expect(parseLimit('67108864\n')).toBe(67108864);
  });

  it('reads v1 blkio without the Total line and v2 io.stat with lower-case ops', () => {
    expect(parseBlkioV1('8:0 Read 4096\n8:0 Write 512\nTotal 4608\n')).toEqual([
      { major: 8, minor: 0, op: 'Read', value: 4096 }, { major: 8, minor: 0, op: 'Write', value: 512 },
    ]);
    const io = parseIoStatV2('259:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n');
    expect(io.bytes).toEqual([{ major: 259, minor: 0, op: 'read', value: 100 }, { major: 259, minor: 0, op: 'write', value: 200 }]);
    expect(io.ios.map((e) => e.value)).toEqual([1, 2]);
  });

  it('reads CPU lists and rejects what is not one', () => {
    expect(parseCpuList('0-2,5')).toEqual([0, 1, 2, 5]);
    expect(() => parseCpuList('1-a')).toThrow('not a CPU list');
    expect(() => parseCpuList('3-1')).toThrow('empty range');
  });

  it('sums host CPU time in ns and counts online CPUs from /proc/stat', () => {
    const stat = 'cpu  100 0 50 800 10 0 5 7 0 0\ncpu0 50 0 25 400 5 0 2 3 0 0\ncpu1 50 0 25 400 5 0 3 4 0 0\nintr 1\n';
    expect(parseProcStat(stat)).toEqual({ systemUsage: 965 * 1e7, onlineCpus: 2 });
  });
});
