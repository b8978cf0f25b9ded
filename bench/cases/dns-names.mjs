// N containers on one user network, then every one of their names resolved from the first:
// `docker run -d --name bench-dns-<i> --network bench-net busybox sleep 600`, 4 at a time,
// then one `docker exec bench-dns-0 sh -c …` looping busybox `nslookup` over the N names
// (each retried every 50 ms until it answers with an address in the network's subnet, at
// most 100 times). A sample is the first `run -d` to the exec's exit; the containers are
// removed afterwards, untimed.
import { alternate } from '../lib/alternate.mjs';
import { pool } from '../lib/stats.mjs';
import { removeAllContainers } from './cleanup.mjs';
import { transferSampling } from './registry-images.mjs';
import { NETWORK, onUserNetwork } from './user-network.mjs';

const MAX_TRIES = 100;
// $1 is the subnet prefix (10.213.x.), the rest are the names. Prints the number of retries.
const RESOLVE_ALL = `
prefix=$1; shift; retries=0
for n in "$@"; do
  tries=1
  until nslookup "$n" 2>/dev/null | grep -A1 '^Name:' | grep -q "^Address:.*$prefix"; do
    if [ $tries -ge ${MAX_TRIES} ]; then
      echo "$n not resolved after ${MAX_TRIES} tries: $(nslookup "$n" 2>&1 | tr '\\n' ' ')" >&2; exit 1
    fi
    tries=$((tries + 1)); retries=$((retries + 1)); sleep 0.05
  done
done
echo "retries=$retries"`;

export const dnsNames = {
  id: 'dns-50',
  async measure({ daemons, cli, opts, log }) {
    const n = opts.dnsContainers;
    const names = Array.from({ length: n }, (_, i) => `bench-dns-${i}`);
    return onUserNetwork({ daemons, cli, log }, async (ready, prefixes) => {
      log(`${n} containers on ${NETWORK}, all names resolved from the first: ${opts.transferRuns} runs per daemon, alternating`);
      const results = await alternate(ready, transferSampling(opts), async (d) => {
        const t0 = performance.now();
        await pool(names, 4, (name) => cli(d).run(['run', '-d', '--name', name, '--network', NETWORK, 'busybox', 'sleep', '600']));
        const startAllMs = performance.now() - t0;
        const resolved = await cli(d).run(['exec', names[0], 'sh', '-c', RESOLVE_ALL, 'sh', prefixes.get(d.name), ...names]);
        const ms = performance.now() - t0;
        const retries = Number(/retries=(\d+)/.exec(resolved.stdout)?.[1]);
        await removeAllContainers(cli(d));
        return { ms, startAllMs, resolveMs: ms - startAllMs, retries };
      });
      return [{ id: 'dns-50', title: `${n} containers, resolve all names`, unit: 'ms', target: 1.0, results }];
    });
  },
};
