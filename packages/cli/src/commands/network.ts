import { flag, parseArgs, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { parseFilters } from '../args/filters.js';
import { connectEngine } from '../engine/connect.js';
import { formatList, formatObjects } from '../output/format-output.js';
import { shortId } from '../output/humanize.js';
import { confirmed } from '../prune/confirm.js';
import { FILTER, FORCE } from '../prune/prune-flags.js';
import { pruneNetworks } from '../prune/prune-steps.js';
import type { Session } from '../session.js';

export const usage = 'create|ls|inspect|rm|connect|disconnect|prune';
export const flags: FlagSpec[] = [];
export const stopAtPositional = true;
export const args: [number] = [1];

const FORMAT: FlagSpec = { name: 'format', short: 'f', type: 'string', description: 'Format output using a Go template or json' };

/** `berth network create|ls|inspect|rm|connect|disconnect|prune`. */
export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const [sub, ...rest] = parsed.args;
  const engine = await connectEngine(session);
  const need = (p: ParsedArgs, n: number, what: string): void => {
    if (p.args.length < n) throw new UsageError(`"berth network ${what}" requires at least ${n} argument${n > 1 ? 's' : ''}.`);
  };
  switch (sub) {
    case 'create': {
      const p = parseArgs(rest, [
        { name: 'driver', short: 'd', type: 'string' }, { name: 'subnet', type: 'list' }, { name: 'gateway', type: 'list' }, { name: 'ip-range', type: 'list' },
        { name: 'internal', type: 'bool' }, { name: 'attachable', type: 'bool' }, { name: 'ipv6', type: 'bool' }, { name: 'label', type: 'list' }, { name: 'opt', short: 'o', type: 'list' },
      ]);
      need(p, 1, 'create');
      const kv = (l: string[]) => Object.fromEntries(l.map((x) => [x.split('=')[0]!, x.split('=').slice(1).join('=')]));
      const subnets = flag.list(p, 'subnet');
      const r = await engine.networks.create({
        Name: p.args[0]!, Driver: flag.str(p, 'driver') ?? 'bridge', Internal: flag.bool(p, 'internal'), Attachable: flag.bool(p, 'attachable'),
        EnableIPv6: flag.bool(p, 'ipv6'), Labels: kv(flag.list(p, 'label')), Options: kv(flag.list(p, 'opt')),
        ...(subnets.length > 0 ? { IPAM: { Driver: 'default', Config: subnets.map((s, i) => ({ Subnet: s, ...(flag.list(p, 'gateway')[i] ? { Gateway: flag.list(p, 'gateway')[i] } : {}), ...(flag.list(p, 'ip-range')[i] ? { IPRange: flag.list(p, 'ip-range')[i] } : {}) })) } } : {}),
      });
      session.out(`${r.Id}\n`);
      return 0;
    }
    case 'ls':
    case 'list': {
      const p = parseArgs(rest, [{ name: 'quiet', short: 'q', type: 'bool' }, { ...FORMAT, short: undefined }, { name: 'filter', short: 'f', type: 'list' }, { name: 'no-trunc', type: 'bool' }]);
      const list = await engine.networks.list({ filters: parseFilters(flag.list(p, 'filter')) });
      const rows = list.map((n) => ({ ID: flag.bool(p, 'no-trunc') ? n.Id : shortId(n.Id), Name: n.Name, Driver: n.Driver, Scope: n.Scope, IPv6: String(n.EnableIPv6), Internal: String(n.Internal), CreatedAt: n.Created }));
      session.out(formatList({
        columns: [{ header: 'NETWORK ID', field: 'ID' }, { header: 'NAME', field: 'Name', flexible: true }, { header: 'DRIVER', field: 'Driver' }, { header: 'SCOPE', field: 'Scope' }],
        rows, quietField: 'ID', headers: { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL' },
      }, { format: flag.str(p, 'format'), quiet: flag.bool(p, 'quiet'), width: session.width }));
      return 0;
    }
    case 'inspect': {
      const p = parseArgs(rest, [FORMAT]);
      need(p, 1, 'inspect');
      const found = [];
      for (const name of p.args) found.push(await engine.networks.inspect(name));
      session.out(formatObjects(found, flag.str(p, 'format')));
      return 0;
    }
    case 'rm':
    case 'remove': {
      const p = parseArgs(rest, [{ name: 'force', short: 'f', type: 'bool' }]);
      need(p, 1, 'rm');
      let failed = false;
      for (const name of p.args) {
        try {
          await engine.networks.remove(name);
          session.out(`${name}\n`);
        } catch (err) {
          failed = true;
          session.err(`Error response from daemon: ${(err as Error).message}\n`);
        }
      }
      return failed ? 1 : 0;
    }
    case 'connect':
    case 'disconnect': {
      const p = parseArgs(rest, sub === 'disconnect' ? [{ name: 'force', short: 'f', type: 'bool' }] : [{ name: 'alias', type: 'list' }, { name: 'ip', type: 'string' }]);
      if (p.args.length !== 2) throw new UsageError(`"berth network ${sub}" requires exactly 2 arguments: NETWORK CONTAINER`);
      if (sub === 'connect') await engine.networks.connect(p.args[0]!, { Container: p.args[1]! });
      else await engine.networks.disconnect(p.args[0]!, { Container: p.args[1]!, Force: flag.bool(p, 'force') });
      return 0;
    }
    case 'prune': {
      const p = parseArgs(rest, [FILTER, FORCE]);
      const filters = parseFilters(flag.list(p, 'filter'));
      if (!(await confirmed(session, flag.bool(p, 'force'), 'This will remove all custom networks not used by at least one container.'))) return 0;
      await pruneNetworks(session, engine, filters);
      return 0;
    }
    default:
      throw new UsageError(`unknown network command "${sub}": use create, ls, inspect, rm, connect, disconnect or prune`);
  }
}
