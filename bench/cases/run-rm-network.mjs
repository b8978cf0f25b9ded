// `docker run --rm --network bench-net busybox true`: run-rm on a user-defined bridge network
// (a veth into the network's bridge, an address from its range, name registration in its DNS).
import { alternate } from '../lib/alternate.mjs';
import { NETWORK, onUserNetwork } from './user-network.mjs';

export const runRmNetwork = {
  id: 'run-rm-network',
  async measure({ daemons, cli, opts, log }) {
    return onUserNetwork({ daemons, cli, log }, async (ready) => {
      log(`run --rm --network ${NETWORK} busybox true: ${opts.runs} runs per daemon, alternating`);
      const results = await alternate(ready, opts,
        async (d) => (await cli(d).run(['run', '--rm', '--network', NETWORK, 'busybox', 'true'])).ms);
      return [{ id: 'run-rm-network', title: `run --rm --network ${NETWORK} busybox true`, unit: 'ms', target: 0.5, results }];
    });
  },
};
