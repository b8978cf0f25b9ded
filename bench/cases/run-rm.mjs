// `docker run --rm busybox true`: create, start, attach, wait, remove — one short-lived
// container end to end, as the CLI sees it.
import { alternate } from '../lib/alternate.mjs';

export const runRm = {
  id: 'run-rm',
  async measure({ daemons, cli, opts, log }) {
    log(`run --rm busybox true: ${opts.runs} runs per daemon, alternating`);
    const results = await alternate(daemons, opts, async (d) => (await cli(d).run(['run', '--rm', 'busybox', 'true'])).ms);
    return [{ id: 'run-rm', title: 'run --rm busybox true', unit: 'ms', target: 0.4, results }];
  },
};
