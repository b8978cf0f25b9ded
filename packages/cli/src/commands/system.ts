import { flag, parseArgs, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { parseFilters } from '../args/filters.js';
import { connectEngine } from '../engine/connect.js';
import { formatList } from '../output/format-output.js';
import { compileTemplate } from '../output/template.js';
import { humanSize } from '../output/humanize.js';
import { printDeleted } from './volume.js';
import type { Session } from '../session.js';

export const usage = 'df|prune|events|info';
export const flags: FlagSpec[] = [];
export const stopAtPositional = true;
export const args: [number] = [1];

/** `berth system df|prune|events|info`. */
export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const [sub, ...rest] = parsed.args;
  switch (sub) {
    case 'info': {
      const info = await import('./info.js');
      return info.run(session, parseArgs(rest, info.flags));
    }
    case 'df': {
      const p = parseArgs(rest, [{ name: 'format', type: 'string' }, { name: 'verbose', short: 'v', type: 'bool' }]);
      const df = await (await connectEngine(session)).system.df();
      const images = df.Images ?? [];
      const containers = df.Containers ?? [];
      const volumes = df.Volumes ?? [];
      const rows = [
        { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => i.Containers > 0).length), Size: humanSize(df.LayersSize ?? 0), Reclaimable: humanSize(images.filter((i) => i.Containers <= 0).reduce((a, i) => a + i.Size, 0)) },
        { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter((c) => c.State === 'running').length), Size: humanSize(containers.reduce((a, c) => a + (c.SizeRw ?? 0), 0)), Reclaimable: humanSize(containers.filter((c) => c.State !== 'running').reduce((a, c) => a + (c.SizeRw ?? 0), 0)) },
        { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length), Size: humanSize(volumes.reduce((a, v) => a + Math.max(0, v.UsageData?.Size ?? 0), 0)), Reclaimable: humanSize(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((a, v) => a + Math.max(0, v.UsageData?.Size ?? 0), 0)) },
        { Type: 'Build Cache', TotalCount: String((df.BuildCache ?? []).length), Active: '0', Size: humanSize(df.BuilderSize ?? 0), Reclaimable: humanSize(df.BuilderSize ?? 0) },
      ];
      session.out(formatList({
        columns: [{ header: 'TYPE', field: 'Type' }, { header: 'TOTAL', field: 'TotalCount' }, { header: 'ACTIVE', field: 'Active' }, { header: 'SIZE', field: 'Size' }, { header: 'RECLAIMABLE', field: 'Reclaimable' }],
        rows, quietField: 'Type', headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
      }, { format: flag.str(p, 'format'), width: session.width }));
      return 0;
    }
    case 'prune': {
      const p = parseArgs(rest, [{ name: 'all', short: 'a', type: 'bool' }, { name: 'force', short: 'f', type: 'bool' }, { name: 'volumes', type: 'bool' }, { name: 'filter', type: 'list' }]);
      if (!flag.bool(p, 'force')) {
        const what = `all stopped containers, all unused networks, ${flag.bool(p, 'volumes') ? 'all unused volumes, ' : ''}${flag.bool(p, 'all') ? 'all unused images' : 'all dangling images'}`;
        if (!session.stdin.isTTY) throw new UsageError(`system prune removes ${what}; pass --force to confirm`);
        const { prompt } = await import('../terminal/prompt.js');
        const answer = await prompt(session, `WARNING! This will remove ${what}.\nAre you sure you want to continue? [y/N] `, false);
        if (!/^y(es)?$/i.test(answer.trim())) return 0;
      }
      const engine = await connectEngine(session);
      const c = await engine.system.pruneContainers();
      printDeleted(session, 'Deleted Containers', c.ContainersDeleted);
      const n = await engine.networks.prune();
      printDeleted(session, 'Deleted Networks', n.NetworksDeleted);
      let reclaimed = c.SpaceReclaimed;
      if (flag.bool(p, 'volumes')) {
        const v = await engine.volumes.prune();
        printDeleted(session, 'Deleted Volumes', v.VolumesDeleted);
        reclaimed += v.SpaceReclaimed;
      }
      const i = await engine.system.pruneImages({ filters: { dangling: [flag.bool(p, 'all') ? 'false' : 'true'], ...parseFilters(flag.list(p, 'filter')) } });
      printDeleted(session, 'Deleted Images', (i.ImagesDeleted ?? []).map((d) => (d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted}`)));
      printDeleted(session, '', null, reclaimed + i.SpaceReclaimed);
      return 0;
    }
    case 'events': {
      const p = parseArgs(rest, [{ name: 'since', type: 'string' }, { name: 'until', type: 'string' }, { name: 'filter', short: 'f', type: 'list' }, { name: 'format', type: 'string' }]);
      const engine = await connectEngine(session);
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      const format = flag.str(p, 'format');
      const template = format && format !== 'json' ? compileTemplate(format) : undefined;
      try {
        for await (const e of engine.system.events({ ...(flag.str(p, 'since') ? { since: flag.str(p, 'since') } : {}), ...(flag.str(p, 'until') ? { until: flag.str(p, 'until') } : {}), filters: parseFilters(flag.list(p, 'filter')) }, { signal: abort.signal })) {
          if (format === 'json') session.out(JSON.stringify(e) + '\n');
          else if (template) session.out(template.render(e) + '\n');
          else {
            const attrs = Object.entries(e.Actor.Attributes ?? {}).sort().map(([k, v]) => `${k}=${v}`).join(', ');
            const when = new Date(Math.floor(e.timeNano / 1e6)).toISOString().replace('Z', '000000Z');
            session.out(`${when} ${e.Type} ${e.Action} ${e.Actor.ID}${attrs ? ` (${attrs})` : ''}\n`);
          }
        }
      } catch (err) {
        if (!abort.signal.aborted) throw err;
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown system command "${sub}": use df, prune, events or info`);
  }
}
