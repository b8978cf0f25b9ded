// `docker stats --no-stream` with N running containers (`busybox sleep 600`, started 4 at a
// time beforehand, untimed): the CLI lists the containers, then asks each one's stats at once.
import { alternate } from '../lib/alternate.mjs';
import { pool } from '../lib/stats.mjs';
import { removeAllContainers } from './cleanup.mjs';

export const statsNoStream = {
  id: 'stats-50',
  async measure({ daemons, cli, opts, log }) {
    const n = opts.statsContainers;
    const ready = [];
    const failed = new Map();
    for (const d of daemons) {
      log(`${d.name}: starting ${n} containers`);
      try {
        await pool(Array.from({ length: n }), 4, () => cli(d).run(['run', '-d', 'busybox', 'sleep', '600']));
        ready.push(d);
      } catch (err) {
        failed.set(d.name, err.message);
      }
    }
    log(`stats --no-stream with ${n} running containers: ${opts.runs} runs per daemon, alternating`);
    const results = await alternate(ready, opts, async (d) => {
      const { ms, stdout } = await cli(d).run(['stats', '--no-stream', '--format', '{{.ID}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}']);
      const rows = stdout.trim().split('\n').filter(Boolean);
      if (rows.length !== n) throw new Error(`stats listed ${rows.length} containers, expected ${n}`);
      if (rows.some((r) => / 0B \/ 0B /.test(r) || r.endsWith(' 0'))) throw new Error(`a container showed no stats: ${rows.find((r) => / 0B \/ 0B /.test(r) || r.endsWith(' 0'))}`);
      return ms;
    });
    for (const [name, error] of failed) results.set(name, { samples: [], parts: {}, error });
    for (const d of daemons) {
      log(`${d.name}: removing containers`);
      await removeAllContainers(cli(d)).catch((err) => log(`${d.name}: cleanup failed: ${err.message}`));
    }
    return [{ id: 'stats-50', title: `stats --no-stream (${n} running)`, unit: 'ms', target: 1.0, results }];
  },
};
