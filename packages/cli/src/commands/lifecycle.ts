import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import type { CommandModule } from './command.js';
import { connectEngine } from '../engine/connect.js';
import type { Engine as EnginePort } from '../engine/connect.js';
import type { Session } from '../session.js';

/** Runs `action` on each named container; prints each name that worked, and each error, like docker. */
export async function eachContainer(session: Session, names: readonly string[], action: (engine: EnginePort, name: string) => Promise<void>): Promise<number> {
  const engine = await connectEngine(session);
  let failed = false;
  for (const name of names) {
    try {
      await action(engine, name);
      session.out(`${name}\n`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code && /^E[A-Z]+$/.test(code)) throw err;
      failed = true;
      session.err(`Error response from daemon: ${(err as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}

// docker 28 names it --timeout; -t and --time are its older spellings.
const TIMEOUT: FlagSpec = { name: 'timeout', short: 't', type: 'int', description: 'Seconds to wait before killing the container' };
const TIME: FlagSpec = { name: 'time', type: 'int', description: 'Seconds to wait before killing the container (deprecated: use --timeout)' };
const SIGNAL: FlagSpec = { name: 'signal', short: 's', type: 'string', description: 'Signal to send to the container' };
const stopQuery = (p: ParsedArgs) => {
  const t = flag.int(p, 'timeout') ?? flag.int(p, 'time');
  return { ...(t !== undefined ? { t } : {}), ...(flag.str(p, 'signal') ? { signal: flag.str(p, 'signal') } : {}) };
};

const simple = (fn: (engine: EnginePort, name: string, p: ParsedArgs) => Promise<void>, flags: FlagSpec[] = []): CommandModule => ({
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  flags,
  args: [1],
  run: (session, p) => eachContainer(session, p.args, (engine, name) => fn(engine, name, p)),
});

export const stop = simple((e, n, p) => e.containers.stop(n, stopQuery(p)), [TIMEOUT, TIME, SIGNAL]);
export const restart = simple((e, n, p) => e.containers.restart(n, stopQuery(p)), [TIMEOUT, TIME, SIGNAL]);
export const kill = simple((e, n, p) => e.containers.kill(n, flag.str(p, 'signal') ? { signal: flag.str(p, 'signal') } : {}), [SIGNAL]);
export const pause = simple((e, n) => e.containers.pause(n));
export const unpause = simple((e, n) => e.containers.unpause(n));
export const start: CommandModule = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  flags: [
    { name: 'attach', short: 'a', type: 'bool', description: 'Attach STDOUT/STDERR and forward signals' },
    { name: 'interactive', short: 'i', type: 'bool', description: "Attach container's STDIN" },
    { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container' },
  ],
  args: [1],
  async run(session, p) {
    if (flag.bool(p, 'attach') || flag.bool(p, 'interactive')) {
      const { startAttached } = await import('../containers/start-attached.js');
      return startAttached(session, p.args[0]!, flag.bool(p, 'interactive'), flag.str(p, 'detach-keys'));
    }
    return eachContainer(session, p.args, (e, n) => e.containers.start(n));
  },
};
