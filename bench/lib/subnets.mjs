// Free 10.213.x.0/24 subnets for what the bench puts on the host (dockerd's bridge, the user
// networks of the network cases): none the machine routes yet, none this run handed out
// already (a network's bridge may only appear once a container joins it).
import { execFileSync } from 'node:child_process';

const handedOut = new Set();

/**
 * Resolves x of a free 10.213.x.0/24. The bridge picks from the bottom, networks from the top
 * (`fromTop`), so benches started at the same time are less likely to pick the same one.
 */
export function freeSubnet({ fromTop = false } = {}) {
  const routes = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  for (let i = 0; i < 256; i++) {
    const x = fromTop ? 255 - i : i;
    if (handedOut.has(x) || routes.includes(`10.213.${x}.`)) continue;
    handedOut.add(x);
    return x;
  }
  throw new Error('no free 10.213.x.0/24 subnet left for the bench');
}
