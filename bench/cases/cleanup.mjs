// Removing every container of a daemon the bench owns (each daemon is private to the run).
import { pool } from '../lib/stats.mjs';

export async function removeAllContainers(docker) {
  const { stdout } = await docker.run(['ps', '-aq', '--no-trunc']);
  const ids = stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  const batches = [];
  for (let i = 0; i < ids.length; i += 50) batches.push(ids.slice(i, i + 50));
  await pool(batches, 2, (batch) => docker.run(['rm', '-f', ...batch], { timeoutMs: 300_000 }));
  return ids.length;
}

export async function countContainers(docker) {
  const { stdout } = await docker.run(['ps', '-aq']);
  return stdout.split('\n').filter((s) => s.trim()).length;
}

// Networks the network cases create carry this label, so a cleanup finds them all.
export const NETWORK_LABEL = 'berth-bench';

export async function removeBenchNetworks(docker) {
  const { stdout } = await docker.run(['network', 'ls', '-q', '--filter', `label=${NETWORK_LABEL}`]);
  const ids = stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) await docker.run(['network', 'rm', id]);
  return ids.length;
}
