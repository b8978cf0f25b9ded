import type { ContainerStats } from '@berth/sdk';
import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import { statsRow } from '../containers/stats-row.js';
import { formatList } from '../output/format-output.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] [CONTAINER...]';
export const flags: FlagSpec[] = [
  { name: 'all', short: 'a', type: 'bool', description: 'Show all containers (default shows just running)' },
  { name: 'format', type: 'string', description: 'Format output using a Go template or json' },
  { name: 'no-stream', type: 'bool', description: 'Disable streaming stats and only pull the first result' },
  { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
];

const COLUMNS = [
  { header: 'CONTAINER ID', field: 'ID' }, { header: 'NAME', field: 'Name', flexible: true }, { header: 'CPU %', field: 'CPUPerc' },
  { header: 'MEM USAGE / LIMIT', field: 'MemUsage' }, { header: 'MEM %', field: 'MemPerc' }, { header: 'NET I/O', field: 'NetIO' },
  { header: 'BLOCK I/O', field: 'BlockIO' }, { header: 'PIDS', field: 'PIDs' },
];
const HEADERS = Object.fromEntries(COLUMNS.map((c) => [c.field, c.header]));

/** One sample per container with --no-stream (or when stdout is not a terminal is asked for); else a live table. */
export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const engine = await connectEngine(session);
  const names = parsed.args.length > 0 ? parsed.args : (await engine.containers.list({ all: flag.bool(parsed, 'all') })).map((c) => c.Id);
  const noTrunc = flag.bool(parsed, 'no-trunc');
  const render = (samples: ContainerStats[]): string =>
    formatList({ columns: COLUMNS, rows: samples.map((s) => statsRow(s, noTrunc)), quietField: 'ID', headers: HEADERS }, { format: flag.str(parsed, 'format'), width: session.width });
  if (flag.bool(parsed, 'no-stream')) {
    const samples = await Promise.all(names.map(async (n) => {
      for await (const s of engine.containers.stats(n, { stream: false })) return s;
      throw new Error(`no stats for ${n}`);
    }));
    session.out(render(samples));
    return 0;
  }
  const latest = new Map<string, ContainerStats>();
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  let timer: NodeJS.Timeout | undefined;
  const draw = (): void => {
    const text = render(names.map((n) => latest.get(n)).filter((s): s is ContainerStats => s !== undefined));
    session.out(session.isTerminal ? `\x1b[2J\x1b[H${text}` : text);
  };
  timer = setInterval(draw, 1000);
  try {
    await Promise.all(names.map(async (n) => {
      for await (const s of engine.containers.stats(n, { stream: true }, { signal: abort.signal })) latest.set(n, s);
    }));
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    clearInterval(timer);
  }
  return 0;
}
