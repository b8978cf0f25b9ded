import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import { formatList } from '../output/format-output.js';
import { ellipsis, humanSize, shortId, timeAgo } from '../output/humanize.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] IMAGE';
export const flags: FlagSpec[] = [
  { name: 'format', type: 'string', description: 'Format output using a Go template or json' },
  { name: 'human', short: 'H', type: 'bool', description: 'Print sizes and dates in human readable format (default true)' },
  { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
  { name: 'quiet', short: 'q', type: 'bool', description: 'Only show image IDs' },
];
export const args: [number, number] = [1, 1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const noTrunc = flag.bool(parsed, 'no-trunc');
  const items = await (await connectEngine(session)).images.history(parsed.args[0]!);
  const rows = items.map((h) => ({
    ID: h.Id === '<missing>' || !h.Id ? '<missing>' : noTrunc ? h.Id : shortId(h.Id),
    CreatedSince: timeAgo(h.Created),
    CreatedAt: new Date(h.Created * 1000).toISOString(),
    CreatedBy: noTrunc ? h.CreatedBy : ellipsis(h.CreatedBy, 45),
    Size: humanSize(h.Size),
    Comment: h.Comment,
  }));
  session.out(formatList({
    columns: [
      { header: 'IMAGE', field: 'ID' }, { header: 'CREATED', field: 'CreatedSince' },
      { header: 'CREATED BY', field: 'CreatedBy', flexible: true }, { header: 'SIZE', field: 'Size' }, { header: 'COMMENT', field: 'Comment', flexible: true },
    ],
    rows,
    quietField: 'ID',
    headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
  }, { format: flag.str(parsed, 'format'), quiet: flag.bool(parsed, 'quiet'), width: session.width }));
  return 0;
}
