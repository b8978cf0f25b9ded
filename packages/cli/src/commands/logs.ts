import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] CONTAINER';
export const flags: FlagSpec[] = [
  { name: 'follow', short: 'f', type: 'bool', description: 'Follow log output' },
  { name: 'since', type: 'string', description: 'Show logs since timestamp or relative (e.g. 42m)' },
  { name: 'until', type: 'string', description: 'Show logs before a timestamp or relative (e.g. 42m)' },
  { name: 'tail', short: 'n', type: 'string', description: 'Number of lines to show from the end of the logs' },
  { name: 'timestamps', short: 't', type: 'bool', description: 'Show timestamps' },
  { name: 'details', type: 'bool', description: 'Show extra details provided to logs' },
];
export const args: [number, number] = [1, 1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const engine = await connectEngine(session);
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  try {
    const frames = engine.containers.logs(parsed.args[0]!, {
      stdout: true,
      stderr: true,
      follow: flag.bool(parsed, 'follow'),
      timestamps: flag.bool(parsed, 'timestamps'),
      ...(flag.str(parsed, 'since') ? { since: flag.str(parsed, 'since') } : {}),
      ...(flag.str(parsed, 'until') ? { until: flag.str(parsed, 'until') } : {}),
      tail: flag.str(parsed, 'tail') ?? 'all',
    }, { signal: abort.signal });
    for await (const frame of frames) (frame.stream === 'stderr' ? session.stderr : session.stdout).write(frame.data);
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    process.off('SIGINT', stop);
  }
  return 0;
}
