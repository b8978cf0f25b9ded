import type { ImageSummary } from '@berth/sdk';
import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { parseFilters } from '../args/filters.js';
import { connectEngine } from '../engine/connect.js';
import { formatList } from '../output/format-output.js';
import { humanSize, shortId, timeAgo } from '../output/humanize.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] [REPOSITORY[:TAG]]';
export const flags: FlagSpec[] = [
  { name: 'all', short: 'a', type: 'bool', description: 'Show all images (default hides intermediate images)' },
  { name: 'digests', type: 'bool', description: 'Show digests' },
  { name: 'filter', short: 'f', type: 'list', description: 'Filter output based on conditions provided' },
  { name: 'format', type: 'string', description: 'Format output using a Go template, table or json' },
  { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
  { name: 'quiet', short: 'q', type: 'bool', description: 'Only show image IDs' },
];
export const args: [number, number] = [0, 1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const filters = parseFilters(flag.list(parsed, 'filter'));
  if (parsed.args[0]) (filters.reference ??= []).push(parsed.args[0]);
  const engine = await connectEngine(session);
  const images = await engine.images.list({ all: flag.bool(parsed, 'all'), filters });
  const noTrunc = flag.bool(parsed, 'no-trunc');
  const rows = images.flatMap((img) => imageRows(img, noTrunc));
  const quiet = flag.bool(parsed, 'quiet');
  const digests = flag.bool(parsed, 'digests');
  session.out(formatList({
    columns: [
      { header: 'REPOSITORY', field: 'Repository', flexible: true },
      { header: 'TAG', field: 'Tag' },
      ...(digests ? [{ header: 'DIGEST', field: 'Digest', flexible: true }] : []),
      { header: 'IMAGE ID', field: 'ID' },
      { header: 'CREATED', field: 'CreatedSince' },
      { header: 'SIZE', field: 'Size' },
    ],
    rows: quiet ? [...new Map(rows.map((r) => [r.ID, r])).values()] : rows,
    quietField: 'ID',
    headers: { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE', Digest: 'DIGEST' },
  }, { format: flag.str(parsed, 'format'), quiet, width: session.width }));
  return 0;
}

/** One row per repo:tag, as docker lists them; untagged images show <none>. */
export function imageRows(img: ImageSummary, noTrunc: boolean) {
  const tags = img.RepoTags?.length ? img.RepoTags : ['<none>:<none>'];
  const digest = img.RepoDigests?.[0]?.split('@')[1] ?? '<none>';
  return tags.map((rt) => {
    const i = rt.lastIndexOf(':');
    return {
      Repository: rt.slice(0, i),
      Tag: rt.slice(i + 1),
      Digest: digest,
      ID: noTrunc ? img.Id : shortId(img.Id),
      CreatedSince: timeAgo(img.Created),
      CreatedAt: new Date(img.Created * 1000).toISOString(),
      Size: humanSize(img.Size),
      Containers: img.Containers < 0 ? 'N/A' : String(img.Containers),
    };
  });
}
