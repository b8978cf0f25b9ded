import { flag, parseArgs, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { parseFilters } from '../args/filters.js';
import { connectEngine } from '../engine/connect.js';
import { formatList, formatObjects } from '../output/format-output.js';
import { humanSize } from '../output/humanize.js';
import { confirmed } from '../prune/confirm.js';
import { FILTER, FORCE } from '../prune/prune-flags.js';
import { printReclaimed, pruneVolumes } from '../prune/prune-steps.js';
import type { Session } from '../session.js';

export const usage = 'create|ls|inspect|rm|prune';
export const flags: FlagSpec[] = [];
export const stopAtPositional = true;
export const args: [number] = [1];

const FORMAT: FlagSpec = { name: 'format', short: 'f', type: 'string', description: 'Format output using a Go template or json' };

/** `berth volume create|ls|inspect|rm|prune`. */
export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const [sub, ...rest] = parsed.args;
  const engine = await connectEngine(session);
  switch (sub) {
    case 'create': {
      const p = parseArgs(rest, [
        { name: 'driver', short: 'd', type: 'string' }, { name: 'label', type: 'list' }, { name: 'opt', short: 'o', type: 'list' }, { name: 'name', type: 'string' },
      ]);
      const kv = (l: string[]) => Object.fromEntries(l.map((x) => [x.split('=')[0]!, x.split('=').slice(1).join('=')]));
      const v = await engine.volumes.create({
        ...(p.args[0] ?? flag.str(p, 'name') ? { Name: p.args[0] ?? flag.str(p, 'name') } : {}),
        Driver: flag.str(p, 'driver') ?? 'local', Labels: kv(flag.list(p, 'label')), DriverOpts: kv(flag.list(p, 'opt')),
      });
      session.out(`${v.Name}\n`);
      return 0;
    }
    case 'ls':
    case 'list': {
      const p = parseArgs(rest, [{ name: 'quiet', short: 'q', type: 'bool' }, { ...FORMAT, short: undefined }, { ...FILTER, short: 'f' }]);
      const { Volumes } = await engine.volumes.list({ filters: parseFilters(flag.list(p, 'filter')) });
      const rows = (Volumes ?? []).map((v) => ({
        Driver: v.Driver, Name: v.Name, Mountpoint: v.Mountpoint, Scope: v.Scope, CreatedAt: v.CreatedAt,
        Labels: Object.entries(v.Labels ?? {}).map(([k, x]) => `${k}=${x}`).join(','),
        Size: v.UsageData ? humanSize(v.UsageData.Size) : 'N/A',
      }));
      session.out(formatList({
        columns: [{ header: 'DRIVER', field: 'Driver' }, { header: 'VOLUME NAME', field: 'Name', flexible: true }],
        rows, quietField: 'Name', headers: { Driver: 'DRIVER', Name: 'VOLUME NAME', Mountpoint: 'MOUNTPOINT', Scope: 'SCOPE', Labels: 'LABELS' },
      }, { format: flag.str(p, 'format'), quiet: flag.bool(p, 'quiet'), width: session.width }));
      return 0;
    }
    case 'inspect': {
      const p = parseArgs(rest, [FORMAT]);
      if (p.args.length === 0) throw new UsageError('"berth volume inspect" requires at least 1 argument.');
      const found = [];
      for (const name of p.args) found.push(await engine.volumes.inspect(name));
      session.out(formatObjects(found, flag.str(p, 'format')));
      return 0;
    }
    case 'rm':
    case 'remove': {
      const p = parseArgs(rest, [{ ...FORCE, description: 'Force the removal of one or more volumes' }]);
      if (p.args.length === 0) throw new UsageError('"berth volume rm" requires at least 1 argument.');
      let failed = false;
      for (const name of p.args) {
        try {
          await engine.volumes.remove(name, { force: flag.bool(p, 'force') });
          session.out(`${name}\n`);
        } catch (err) {
          failed = true;
          session.err(`Error response from daemon: ${(err as Error).message}\n`);
        }
      }
      return failed ? 1 : 0;
    }
    case 'prune': {
      const p = parseArgs(rest, [{ name: 'all', short: 'a', type: 'bool', description: 'Remove all unused volumes, not just anonymous ones' }, FILTER, FORCE]);
      const all = flag.bool(p, 'all');
      const filters = parseFilters(flag.list(p, 'filter'));
      const warning = `This will remove ${all ? 'all' : 'anonymous'} local volumes not used by at least one container.`;
      if (!(await confirmed(session, flag.bool(p, 'force'), warning))) return 0;
      printReclaimed(session, await pruneVolumes(session, engine, filters, all));
      return 0;
    }
    default:
      throw new UsageError(`unknown volume command "${sub}": use create, ls, inspect, rm or prune`);
  }
}
