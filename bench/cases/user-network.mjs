// The user-defined bridge network of the network cases, one per daemon, made with
// `docker network create` (untimed) on a subnet the bench picks, so neither daemon lands on a
// subnet the machine already routes (dockerd's default pools start at 172.17.0.0/16, which
// other daemons on the machine may use) and the two never share one. Removed again, with
// every container, after the case.
import { freeSubnet } from '../lib/subnets.mjs';
import { NETWORK_LABEL, removeAllContainers, removeBenchNetworks } from './cleanup.mjs';

export const NETWORK = 'bench-net';

/**
 * Creates the network on each daemon, runs measure(ready daemons, subnet prefix by daemon
 * name) and cleans up. Daemons whose network could not be made get that error as their result
 * in every row measure returns.
 */
export async function onUserNetwork({ daemons, cli, log }, measure) {
  const ready = [];
  const failed = new Map();
  const prefixes = new Map();
  for (const d of daemons) {
    const x = freeSubnet({ fromTop: true });
    try {
      await cli(d).run(['network', 'create', '--driver', 'bridge', '--subnet', `10.213.${x}.0/24`,
        '--label', NETWORK_LABEL, NETWORK]);
      prefixes.set(d.name, `10.213.${x}.`);
      ready.push(d);
    } catch (err) {
      failed.set(d.name, err.message);
    }
  }
  try {
    const rows = await measure(ready, prefixes);
    for (const row of rows) {
      for (const [name, error] of failed) row.results.set(name, { samples: [], parts: {}, error });
    }
    return rows;
  } finally {
    for (const d of ready) {
      await removeAllContainers(cli(d)).catch((err) => log(`${d.name}: container cleanup failed: ${err.message}`));
      await removeBenchNetworks(cli(d)).catch((err) => log(`${d.name}: network cleanup failed: ${err.message}`));
    }
  }
}
