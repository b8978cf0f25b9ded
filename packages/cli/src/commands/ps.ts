import type { ContainerSummary } from '@berth/sdk';
import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { parseFilters } from '../args/filters.js';
import { connectEngine } from '../engine/connect.js';
import { formatList } from '../output/format-output.js';
import { ellipsis, formatPorts, shortId, timeAgo } from '../output/humanize.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS]';
export const flags: FlagSpec[] = [
  { name: 'all', short: 'a', type: 'bool', description: 'Show all containers (default shows just running)' },
  { name: 'filter', short: 'f', type: 'list', description: 'Filter output based on conditions provided' },
  { name: 'format', type: 'string', description: 'Format output using a Go template, table or json' },
  { name: 'last', short: 'n', type: 'int', description: 'Show n last created containers (includes all states)' },
  { name: 'latest', short: 'l', type: 'bool', description: 'Show the latest created container (includes all states)' },
  { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
  { name: 'quiet', short: 'q', type: 'bool', description: 'Only display container IDs' },
  { name: 'size', short: 's', type: 'bool', description: 'Display total file sizes' },
];
export const args: [number, number] = [0, 0];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const noTrunc = flag.bool(parsed, 'no-trunc');
  const last = flag.bool(parsed, 'latest') ? 1 : flag.int(parsed, 'last');
  const engine = await connectEngine(session);
  const list = await engine.containers.list({
    all: flag.bool(parsed, 'all') || last !== undefined,
    ...(last !== undefined ? { limit: last } : {}),
    size: flag.bool(parsed, 'size'),
    filters: parseFilters(flag.list(parsed, 'filter')),
  });
  const rows = list.map((c) => containerRow(c, noTrunc));
  session.out(formatList({
    columns: [
      { header: 'CONTAINER ID', field: 'ID' },
      { header: 'IMAGE', field: 'Image', flexible: true },
      { header: 'COMMAND', field: 'Command', flexible: true },
      { header: 'CREATED', field: 'RunningFor' },
      { header: 'STATUS', field: 'Status' },
      { header: 'PORTS', field: 'Ports', flexible: true },
      { header: 'NAMES', field: 'Names', flexible: true },
    ],
    rows,
    quietField: 'ID',
    headers: HEADERS,
  }, { format: flag.str(parsed, 'format'), quiet: flag.bool(parsed, 'quiet'), width: session.width }));
  return 0;
}

const HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS',
  State: 'STATE', Status: 'STATUS', Names: 'NAMES', Labels: 'LABELS', Mounts: 'MOUNTS', Networks: 'NETWORKS', Size: 'SIZE',
};

/** The fields `--format` templates see, named as docker names them. */
export function containerRow(c: ContainerSummary, noTrunc: boolean) {
  const command = JSON.stringify(c.Command ?? '');
  return {
    ID: noTrunc ? c.Id : shortId(c.Id),
    Image: c.Image,
    Command: noTrunc ? command : ellipsis(command, 20),
    CreatedAt: new Date(c.Created * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC'),
    RunningFor: timeAgo(c.Created),
    Ports: formatPorts(c.Ports ?? []),
    State: c.State,
    Status: c.Status,
    Names: (c.Names ?? []).map((n) => n.replace(/^\//, '')).join(','),
    Labels: Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    Mounts: (c.Mounts ?? []).map((m) => m.Name ?? m.Source).join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
  };
}
