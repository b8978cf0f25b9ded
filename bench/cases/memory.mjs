// Resident memory (VmRSS from /proc/<pid>/status) of each daemon's own processes, idle and
// with N `sleep 600` containers running. Daemon processes: berthd | dockerd + its containerd.
// Per-container processes, listed separately: berthd's conmons | containerd-shims.
import { pool, sleep } from '../lib/stats.mjs';
import { countContainers, removeAllContainers } from './cleanup.mjs';

const SETTLE_MS = 3000;
const SAMPLES = 3;

export const memory = {
  id: 'memory',
  async measure({ daemons, cli, opts, log }) {
    const n = opts.memContainers;
    const idle = new Map();
    const loaded = new Map();

    log(`memory: idle (settling ${SETTLE_MS / 1000} s)`);
    await sleep(SETTLE_MS);
    for (const d of daemons) idle.set(d.name, await sampleRss(d));

    for (const d of daemons) {
      log(`${d.name}: starting ${n} containers running sleep 600`);
      const t0 = performance.now();
      try {
        await pool(Array.from({ length: n }), 4, () => cli(d).run(['run', '-d', 'busybox', 'sleep', '600']));
        const running = (await cli(d).run(['ps', '-q'])).stdout.split('\n').filter((s) => s.trim()).length;
        if (running < n) throw new Error(`ps -q lists ${running} running containers after starting ${n}`);
        loaded.set(d.name, { startAllMs: performance.now() - t0, running });
      } catch (err) {
        loaded.set(d.name, { error: err.message });
      }
    }
    log(`memory: ${n} running (settling ${SETTLE_MS / 1000} s)`);
    await sleep(SETTLE_MS);
    for (const d of daemons) {
      const l = loaded.get(d.name);
      if (!l.error) Object.assign(l, await sampleRss(d));
    }
    for (const d of daemons) {
      log(`${d.name}: removing containers`);
      await removeAllContainers(cli(d)).catch((err) => log(`${d.name}: cleanup failed: ${err.message}`));
      const left = await countContainers(cli(d)).catch(() => '?');
      if (left !== 0) log(`${d.name}: ${left} containers still listed after cleanup`);
    }

    const rows = [
      ['rss-idle', 'RSS idle: daemon', idle, (m) => m.daemonKiB, 'daemon'],
      ['rss-loaded-daemon', `RSS ${n} running: daemon`, loaded, (m) => m.daemonKiB, 'daemon'],
      ['rss-loaded-per-container', `RSS ${n} running: conmon | shims`, loaded, (m) => m.perContainerKiB, 'perContainer'],
      ['rss-loaded-total', `RSS ${n} running: total`, loaded, (m) => m.daemonKiB + m.perContainerKiB, undefined],
    ];
    return rows.map(([id, title, from, pickKiB, group]) => ({
      id, title, unit: 'MiB', target: null,
      results: new Map(daemons.map((d) => {
        const m = from.get(d.name);
        if (m.error) return [d.name, { samples: [], error: m.error }];
        return [d.name, { samples: [pickKiB(m) / 1024], processes: group ? d.groups[group] : 'all', extra: m }];
      })),
    }));
  },
};

/** Median over SAMPLES readings, 1 s apart, of each group's summed VmRSS (KiB). */
async function sampleRss(daemon) {
  const readings = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (i > 0) await sleep(1000);
    const { daemon: own, perContainer } = daemon.processGroups();
    readings.push({
      daemonKiB: sum(own),
      perContainerKiB: sum(perContainer),
      processes: {
        daemon: own.map(({ pid, comm, rssKiB }) => ({ pid, comm, rssKiB })),
        perContainer: { count: perContainer.length, rssKiB: sum(perContainer) },
      },
    });
  }
  readings.sort((a, b) => a.daemonKiB + a.perContainerKiB - (b.daemonKiB + b.perContainerKiB));
  return readings[Math.floor(readings.length / 2)];
}

const sum = (procs) => procs.reduce((s, p) => s + p.rssKiB, 0);
