import { flag, parseArgs, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { parseFilters } from '../args/filters.js';
import { connectEngine } from '../engine/connect.js';
import { formatList } from '../output/format-output.js';
import { compileTemplate } from '../output/template.js';
import { humanSize } from '../output/humanize.js';
import { confirmed } from '../prune/confirm.js';
import { FILTER, FORCE } from '../prune/prune-flags.js';
import { printReclaimed, pruneBuildCache, pruneContainers, pruneImages, pruneNetworks, pruneVolumes } from '../prune/prune-steps.js';
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
      const p = parseArgs(rest, [
        { name: 'all', short: 'a', type: 'bool', description: 'Remove all unused images not just dangling ones' },
        FILTER, FORCE,
        { name: 'volumes', type: 'bool', description: 'Prune anonymous volumes' },
      ]);
      const all = flag.bool(p, 'all');
      const volumes = flag.bool(p, 'volumes');
      const filters = parseFilters(flag.list(p, 'filter'));
      const what = [
        'all stopped containers',
        'all networks not used by at least one container',
        ...(volumes ? ['all anonymous volumes not used by at least one container'] : []),
        all ? 'all images without at least one container associated to them' : 'all dangling images',
        all ? 'all build cache' : 'unused build cache',
      ];
      if (!(await confirmed(session, flag.bool(p, 'force'), `This will remove:\n${what.map((w) => `  - ${w}\n`).join('')}`))) return 0;
      // The same steps, in docker's order, as the container, network, volume and image prune commands.
      const engine = await connectEngine(session);
      let reclaimed = await pruneContainers(session, engine, filters);
      await pruneNetworks(session, engine, filters);
      if (volumes) reclaimed += await pruneVolumes(session, engine, filters, false);
      reclaimed += await pruneImages(session, engine, filters, all);
      reclaimed += await pruneBuildCache(session, engine);
      printReclaimed(session, reclaimed);
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
