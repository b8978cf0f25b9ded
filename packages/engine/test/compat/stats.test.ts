import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox, startDocker } from '../support/berthd.js';

let d: TestDaemon;
const run = (args: string[]) => docker(d, args);
const MiB = 1024 * 1024;

beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
}, 60_000);
afterAll(() => d?.destroy());

/** Polls `check` until it returns a value, or fails after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A file of the container's cgroup for one controller, read on the host (v1 or v2). */
async function cgroupFile(name: string, controller: string, file: string): Promise<string> {
  const pid = (await run(['inspect', '-f', '{{.State.Pid}}', name])).stdout.trim();
  const lines = (await fs.readFile(`/proc/${pid}/cgroup`, 'utf8')).trim().split('\n');
  const v1 = lines.find((l) => l.split(':')[1]!.split(',').includes(controller));
  const dir = v1 ? `/sys/fs/cgroup/${controller}${v1.split(':')[2]}` : `/sys/fs/cgroup${lines.find((l) => l.startsWith('0::'))!.slice(3)}`;
  return (await fs.readFile(`${dir}/${file}`, 'utf8')).trim();
}

/** `1.5GiB`, `40.45MiB`, `596KiB` → bytes. */
function bytes(text: string): number {
  const m = /^([\d.]+)([KMGT]?i?B)$/.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text}`);
  const unit = { B: 1, KiB: 1024, MiB: MiB, GiB: 1024 * MiB, TiB: 1024 * 1024 * MiB }[m[2]!] ?? NaN;
  return Number(m[1]) * unit;
}

describe('docker stats', () => {
  it('shows a known amount of memory, a busy loop near 100% CPU and the PIDs of each container', async () => {
    await run(['run', '-d', '--name', 'st-mem', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=40 2>/dev/null; echo filled; sleep 600']);
    await run(['run', '-d', '--name', 'st-busy', 'busybox', 'sh', '-c', 'while :; do :; done']);
    await run(['run', '-d', '--name', 'st-pids', 'busybox', 'sh', '-c', 'sleep 600 & sleep 600 & sleep 600 & wait']);
    await until('the memory container to fill its 40 MiB', async () => ((await run(['logs', 'st-mem'])).stdout.includes('filled') ? true : undefined));
    const r = await run(['stats', '--no-stream', '--format', '{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.NetIO}}|{{.PIDs}}']);
    expect(r.code, r.stderr).toBe(0);
    const rows = new Map(r.stdout.trim().split('\n').map((l) => l.split('|')).map((f) => [f[0], f]));
    const mem = rows.get('st-mem')!;
    const [usage, limit] = mem[2]!.split(' / ');
    expect(bytes(usage!)).toBeGreaterThanOrEqual(40 * MiB);
    expect(bytes(usage!)).toBeLessThan(46 * MiB);
    expect(bytes(limit!)).toBeGreaterThan(100 * MiB); // no limit: the host's memory
    expect(mem[3]).toMatch(/^[\d.]+k?B \/ [\d.]+k?B$/);
    expect(Number(rows.get('st-busy')![1]!.replace('%', ''))).toBeGreaterThan(50);
    expect(Number(rows.get('st-busy')![1]!.replace('%', ''))).toBeLessThan(110);
    expect(rows.get('st-pids')![4]).toBe('4');
  }, 30_000);

  it('streams a sample a second with CPU computed between them', async () => {
    const p = startDocker(d, ['stats', '--format', '{{.Name}} {{.CPUPerc}}', 'st-busy'], { timeoutMs: 15_000 });
    // The first sample has no previous one to compare with (as with dockerd); a later one shows the loop.
    const busy = await until('a streamed sample showing the busy loop', async () => {
      const cpu = p.stdout().split('\n').map((l) => /st-busy ([\d.]+)%/.exec(l)).filter((m) => m !== null).map((m) => Number(m[1]));
      return cpu.find((c) => c > 50);
    });
    p.child.kill('SIGKILL');
    await p.done;
    expect(busy).toBeLessThan(110);
  }, 20_000);

  it('answers the raw API with the fields the CLI computes from', async () => {
    const res = await fetchUnix(d.socket, '/v1.50/containers/st-mem/stats?stream=0');
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s.id).toMatch(/^[0-9a-f]{64}$/);
    expect(s.name).toBe('/st-mem');
    expect(s.preread).not.toBe('0001-01-01T00:00:00Z');
    expect(s.cpu_stats.system_cpu_usage).toBeGreaterThan(s.precpu_stats.system_cpu_usage);
    expect(s.cpu_stats.online_cpus).toBeGreaterThan(0);
    expect(s.memory_stats.usage).toBeGreaterThan(40 * MiB);
    expect(s.networks.eth0.rx_bytes).toBeGreaterThanOrEqual(0);
    expect(Array.isArray(s.blkio_stats.io_service_bytes_recursive)).toBe(true);
    expect(s.pids_stats.current).toBeGreaterThanOrEqual(1);
    const oneShot = await fetchUnix(d.socket, '/v1.50/containers/st-mem/stats?stream=0&one-shot=1');
    expect(oneShot.body.preread).toBe('0001-01-01T00:00:00Z');
    expect((await fetchUnix(d.socket, '/v1.50/containers/nope/stats?stream=0')).status).toBe(404);
  });

  it('gives zeroes for a stopped container', async () => {
    await run(['rm', '-f', 'st-mem', 'st-busy', 'st-pids']);
    await run(['create', '--name', 'st-stopped', 'busybox', 'true']);
    const r = await run(['stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}', 'st-stopped']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('st-stopped 0.00% 0B / 0B 0');
    await run(['rm', 'st-stopped']);
  });
});

describe('limits', () => {
  it('applies run flags to the cgroup and rlimits, and shows them in inspect', async () => {
    const r = await run(['run', '-d', '--name', 'lim', '--memory', '64m', '--memory-reservation', '32m', '--cpus', '0.5',
      '--cpu-shares', '512', '--cpuset-cpus', '0', '--pids-limit', '20', '--ulimit', 'nofile=100:200', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn; sleep 600']);
    expect(r.code, r.stderr).toBe(0);
    expect(await cgroupFile('lim', 'pids', 'pids.max')).toBe('20');
    expect(await cgroupFile('lim', 'cpuset', 'cpuset.cpus')).toBe('0');
    const memory = await cgroupFile('lim', 'memory', 'memory.limit_in_bytes').catch(() => cgroupFile('lim', 'memory', 'memory.max'));
    expect(Number(memory)).toBe(64 * MiB);
    const quota = await cgroupFile('lim', 'cpu', 'cpu.cfs_quota_us').catch(() => cgroupFile('lim', 'cpu', 'cpu.max'));
    expect(quota).toMatch(/^50000( 100000)?$/);
    const inspect = JSON.parse((await run(['inspect', '-f', '{{json .HostConfig}}', 'lim'])).stdout);
    expect(inspect).toMatchObject({
      Memory: 64 * MiB, MemorySwap: 128 * MiB, MemoryReservation: 32 * MiB, NanoCpus: 5e8, CpuShares: 512, CpusetCpus: '0',
      PidsLimit: 20, OomKillDisable: false, Ulimits: [{ Name: 'nofile', Soft: 100, Hard: 200 }],
    });
    await until('the ulimits in the log', async () => ((await run(['logs', 'lim'])).stdout === '100\n200\n' ? true : undefined));
    const stats = await run(['stats', '--no-stream', '--format', '{{.MemUsage}}', 'lim']);
    expect(stats.stdout.trim()).toMatch(/ \/ 64MiB$/);
  });

  it('docker update changes a running container live and the record, and stores a restart policy', async () => {
    const r = await run(['update', '--memory', '128m', '--memory-swap', '256m', '--cpus', '1', '--pids-limit', '50', '--restart', 'on-failure:3', 'lim']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('lim');
    expect(await cgroupFile('lim', 'pids', 'pids.max')).toBe('50');
    const memory = await cgroupFile('lim', 'memory', 'memory.limit_in_bytes').catch(() => cgroupFile('lim', 'memory', 'memory.max'));
    expect(Number(memory)).toBe(128 * MiB);
    const hc = JSON.parse((await run(['inspect', '-f', '{{json .HostConfig}}', 'lim'])).stdout);
    expect(hc).toMatchObject({ Memory: 128 * MiB, MemorySwap: 256 * MiB, NanoCpus: 1e9, PidsLimit: 50, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } });
    expect((await run(['update', '--pids-limit', '-1', 'lim'])).code).toBe(0);
    expect(await cgroupFile('lim', 'pids', 'pids.max')).toBe('max');

    const tooBig = await run(['update', '--memory', '512m', 'lim']);
    expect(tooBig.stderr).toContain('Memory limit should be smaller than already set memoryswap limit');
    const conflict = await run(['update', '--cpu-quota', '5000', 'lim']);
    expect(conflict.stderr).toContain('CPU Quota cannot be updated as NanoCPUs has already been set');
    expect((await run(['update', '--cpuset-cpus', '0-63', 'lim'])).stderr).toMatch(/Requested CPUs are not available - requested 0-63/);
    expect((await run(['update', '--memory', '4m', 'nope'])).stderr).toContain('No such container: nope');
    await run(['rm', '-f', 'lim']);
  });

  it('rejects bad values with dockerd messages and creates nothing', async () => {
    const before = (await run(['ps', '-aq'])).stdout;
    const cases: [string[], string][] = [
      [['--memory', '4m'], 'Minimum memory limit allowed is 6MB'],
      [['--memory', '10m', '--memory-swap', '5m'], 'Minimum memoryswap limit should be larger than memory limit'],
      [['--memory', '10m', '--memory-reservation', '20m'], 'Minimum memory limit can not be less than memory reservation limit'],
      [['--cpuset-cpus', '99'], 'Requested CPUs are not available - requested 99'],
      [['--cpus', '64'], 'Range of CPUs is from 0.01 to'],
      [['--cpu-period', '100'], 'CPU cfs period can not be less than 1ms'],
    ];
    for (const [flags, message] of cases) {
      const r = await run(['create', ...flags, 'busybox', 'true']);
      expect(r.code, flags.join(' ')).not.toBe(0);
      expect(r.stderr).toContain(message);
    }
    expect((await run(['ps', '-aq'])).stdout).toBe(before);
  });

  it('refuses at create a ulimit above what the runtime can set on this host', async (ctx) => {
    // berthd inherits this process's limits; without CAP_SYS_RESOURCE (as on these machines) it cannot go above them.
    const capEff = BigInt(`0x${/^CapEff:\s*(\w+)/m.exec(await fs.readFile('/proc/self/status', 'utf8'))![1]}`);
    const hard = /^Max open files\s+\S+\s+(\d+)/m.exec(await fs.readFile('/proc/self/limits', 'utf8'))?.[1];
    if ((capEff >> 24n) & 1n || !hard) return ctx.skip();
    const r = await run(['create', '--ulimit', `nofile=${Number(hard) + 1}:${Number(hard) + 1}`, 'busybox', 'true']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`above this host's hard limit of ${hard} for nofile`);
  });

  it('an OOM kill shows OOMKilled and exit code 137 and reports an oom event before die; update reports one too', async () => {
    const since = (Date.now() / 1000 - 1).toFixed(3);
    const r = await run(['run', '--name', 'oom', '--memory', '16m', '--memory-swap', '16m', 'busybox', 'tail', '/dev/zero']);
    expect(r.code).toBe(137);
    const state = JSON.parse((await run(['inspect', '-f', '{{json .State}}', 'oom'])).stdout);
    expect(state).toMatchObject({ OOMKilled: true, ExitCode: 137, Status: 'exited' });
    expect((await run(['update', '--memory', '32m', '--memory-swap', '32m', 'oom'])).code).toBe(0);
    const until = ((Date.now() + 300) / 1000).toFixed(3);
    const events = await run(['events', '--since', since, '--until', until, '--filter', 'container=oom', '--format', '{{.Action}}']);
    const actions = events.stdout.trim().split('\n');
    expect(actions).toContain('oom');
    expect(actions.indexOf('oom')).toBeLessThan(actions.indexOf('die'));
    expect(actions.at(-1)).toBe('update');
    // A container that exits on its own is not OOMKilled.
    await run(['run', '--name', 'no-oom', '--memory', '16m', 'busybox', 'sh', '-c', 'exit 3']);
    expect((await run(['inspect', '-f', '{{.State.OOMKilled}} {{.State.ExitCode}}', 'no-oom'])).stdout.trim()).toBe('false 3');
    await run(['rm', '-f', 'oom', 'no-oom']);
  });
});

async function fetchUnix(socketPath: string, path: string): Promise<{ status: number; body: any }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, method: 'GET' }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : null }));
    });
    req.on('error', reject);
    req.end();
  });
}
