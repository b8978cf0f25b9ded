import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Cgroup, openCgroup } from './cgroup.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((r) => fs.rm(r, { recursive: true, force: true }))));

async function tree(files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'cgroup-test-'));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await fs.writeFile(path.join(root, name), text);
  }
  return root;
}

const CG = '/berth-1/c1';

/** The same container state as each hierarchy writes it: 2 s CPU, 64 MiB used of 128 MiB, 3 pids, one OOM kill. */
const layouts: Record<string, () => Promise<Cgroup>> = {
  v1: async () => openCgroup(CG, 'v1', await tree({
    [`cpuacct${CG}/cpuacct.usage`]: '2000000000\n',
    [`cpuacct${CG}/cpuacct.usage_percpu`]: '1500000000 500000000 \n',
    [`cpuacct${CG}/cpuacct.stat`]: 'user 150\nsystem 50\n',
    [`cpu${CG}/cpu.stat`]: 'nr_periods 10\nnr_throttled 2\nthrottled_time 3000\n',
    [`memory${CG}/memory.usage_in_bytes`]: `${64 << 20}\n`,
    [`memory${CG}/memory.max_usage_in_bytes`]: `${70 << 20}\n`,
    [`memory${CG}/memory.limit_in_bytes`]: `${128 << 20}\n`,
    [`memory${CG}/memory.stat`]: 'cache 4096\ntotal_inactive_file 4096\n',
    [`memory${CG}/memory.oom_control`]: 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n',
    [`pids${CG}/pids.current`]: '3\n',
    [`pids${CG}/pids.max`]: 'max\n',
    [`blkio${CG}/blkio.throttle.io_service_bytes_recursive`]: '8:0 Read 4096\n8:0 Write 8192\nTotal 12288\n',
  })),
  v2: async () => openCgroup(CG, 'v2', await tree({
    [`${CG.slice(1)}/cpu.stat`]: 'usage_usec 2000000\nuser_usec 1500000\nsystem_usec 500000\nnr_periods 10\nnr_throttled 2\nthrottled_usec 3\n',
    [`${CG.slice(1)}/memory.current`]: `${64 << 20}\n`,
    [`${CG.slice(1)}/memory.max`]: `${128 << 20}\n`,
    [`${CG.slice(1)}/memory.stat`]: 'file 4096\ninactive_file 4096\n',
    [`${CG.slice(1)}/memory.events`]: 'low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n',
    [`${CG.slice(1)}/pids.current`]: '3\n',
    [`${CG.slice(1)}/pids.max`]: 'max\n',
    [`${CG.slice(1)}/io.stat`]: '8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n',
  })),
};

describe.each(Object.entries(layouts))('cgroup %s', (_name, open) => {
  it('samples CPU, memory, pids and block I/O in Docker units', async () => {
    const s = await (await open()).sample();
    expect(s.cpu.total).toBe(2e9);
    expect(s.cpu.user + s.cpu.kernel).toBe(2e9);
    expect(s.cpu.throttling).toEqual({ periods: 10, throttledPeriods: 2, throttledTime: 3000 });
    expect(s.memory.usage).toBe(64 << 20);
    expect(s.memory.limit).toBe(128 << 20);
    expect(s.memory.stats.total_inactive_file ?? s.memory.stats.inactive_file).toBe(4096);
    expect(s.pids).toEqual({ current: 3, limit: null });
    const sum = (op: RegExp) => s.blkio.serviceBytes.filter((e) => op.test(e.op)).reduce((n, e) => n + e.value, 0);
    expect([sum(/^r/i), sum(/^w/i)]).toEqual([4096, 8192]);
  });

  it('counts OOM kills, and 0 once the cgroup is gone', async () => {
    expect(await (await open()).oomKills()).toBe(1);
    expect(await openCgroup('/berth-1/gone', _name as 'v1' | 'v2', '/nonexistent').oomKills()).toBe(0);
  });
});
