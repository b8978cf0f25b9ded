// `docker ps -a` with many containers present: listing cost as the store grows. The
// containers are created (never started) with `docker create busybox true`, 4 at a time.
import { alternate } from '../lib/alternate.mjs';
import { pool } from '../lib/stats.mjs';
import { countContainers, removeAllContainers } from './cleanup.mjs';

export const psAll = {
  id: 'ps-all',
  async measure({ daemons, cli, opts, log }) {
    const n = opts.psContainers;
    const ready = [];
    const failed = new Map();
    const extra = {};
    for (const d of daemons) {
      log(`${d.name}: creating ${n} containers`);
      const t0 = performance.now();
      try {
        await pool(Array.from({ length: n }), 4, () => cli(d).run(['create', 'busybox', 'true']));
        const present = await countContainers(cli(d));
        if (present < n) throw new Error(`ps -aq lists ${present} containers after creating ${n}`);
        extra[d.name] = { containers: present, createAllMs: performance.now() - t0 };
        ready.push(d);
      } catch (err) {
        failed.set(d.name, err.message);
      }
    }
    log(`ps -a with ${n} containers: ${opts.runs} runs per daemon, alternating`);
    const results = await alternate(ready, opts, async (d) => (await cli(d).run(['ps', '-a'])).ms);
    for (const [name, error] of failed) results.set(name, { samples: [], parts: {}, error });
    for (const [name, e] of Object.entries(extra)) Object.assign(results.get(name), { extra: e });
    for (const d of daemons) {
      log(`${d.name}: removing containers`);
      await removeAllContainers(cli(d)).catch((err) => log(`${d.name}: cleanup failed: ${err.message}`));
    }
    return [{ id: 'ps-all', title: `ps -a (${n} containers)`, unit: 'ms', target: 1.0, results }];
  },
};
