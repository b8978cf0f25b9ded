// `docker run -d busybox sleep 60` then `docker rm -f <id>`: start a long-running container
// in the background, then kill and remove it. One sample is the pair; the parts are kept.
import { alternate } from '../lib/alternate.mjs';

export const runDetached = {
  id: 'run-detached',
  async measure({ daemons, cli, opts, log }) {
    log(`run -d busybox sleep 60 + rm -f: ${opts.runs} runs per daemon, alternating`);
    const results = await alternate(daemons, opts, async (d) => {
      const started = await cli(d).run(['run', '-d', 'busybox', 'sleep', '60']);
      const id = started.stdout.trim();
      if (!/^[0-9a-f]{12,64}$/.test(id)) throw new Error(`run -d printed "${id}" instead of a container id`);
      const removed = await cli(d).run(['rm', '-f', id]);
      return { ms: started.ms + removed.ms, runDetachedMs: started.ms, rmForceMs: removed.ms };
    });
    return [{ id: 'run-detached', title: 'run -d busybox sleep 60 + rm -f', unit: 'ms', target: 0.5, results }];
  },
};
