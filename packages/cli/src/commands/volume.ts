import { flag, parseArgs, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { parseFilters } from '../args/filters.js';
import { connectEngine } from '../engine/connect.js';
import { formatList, formatObjects } from '../output/format-output.js';
import { humanSize } from '../output/humanize.js';
import type { Session } from '../session.js';

export const usage = 'create|ls|inspect|rm|prune';
export const flags: FlagSpec[] = [];
export const stopAtPositional = true;
export const args: [number] = [1];

const FORMAT: FlagSpec = { name: 'format', short: 'f', type: 'string', description: 'Format output using a Go template or json' };
const FILTER: FlagSpec = { name: 'filter', type: 'list', description: 'Filter output based on conditions provided' };
const FORCE: FlagSpec = { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' };

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
      const p = parseArgs(rest, [FORCE]);
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
      const p = parseArgs(rest, [FORCE, FILTER, { name: 'all', short: 'a', type: 'bool' }]);
      const filters = parseFilters(flag.list(p, 'filter'));
      if (flag.bool(p, 'all')) filters.all = ['true'];
      const r = await engine.volumes.prune({ filters });
      printDeleted(session, 'Deleted Volumes', r.VolumesDeleted, r.SpaceReclaimed);
      return 0;
    }
    default:
      throw new UsageError(`unknown volume command "${sub}": use create, ls, inspect, rm or prune`);
  }
}

export function printDeleted(session: Session, title: string, names: readonly string[] | null, reclaimed?: number): void {
  if (names && names.length > 0) session.out(`${title}:\n${names.map((n) => `${n}\n`).join('')}\n`);
  if (reclaimed !== undefined) session.out(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
}
