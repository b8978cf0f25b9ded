import fs from 'node:fs';
import { Readable } from 'node:stream';
import { flag, UsageError, type FlagSpec } from '../args/parse-args.js';
import type { CommandModule } from './command.js';
import { connectEngine } from '../engine/connect.js';
import { ProgressView } from '../output/progress-view.js';
import type { Session } from '../session.js';

async function fromFileOrStdin(session: Session, file: string | undefined): Promise<AsyncIterable<Buffer>> {
  if (file === undefined || file === '-') {
    if (session.stdin.isTTY) throw new UsageError('requested load from stdin, but stdin is a terminal; use --input FILE or pipe a tar');
    return session.stdin as AsyncIterable<Buffer>;
  }
  if (/^https?:\/\//.test(file)) {
    const res = await fetch(file);
    if (!res.ok || !res.body) throw new UsageError(`cannot download ${file}: HTTP ${res.status}`);
    return Readable.fromWeb(res.body as never) as AsyncIterable<Buffer>;
  }
  if (!fs.existsSync(file)) throw new UsageError(`open ${file}: no such file or directory`);
  return fs.createReadStream(file);
}

const show = async (session: Session, progress: AsyncIterable<import('@berth/sdk').ProgressMessage>): Promise<void> => {
  const view = new ProgressView(session.stdout, session.isTerminal, session.width ?? 80);
  for await (const msg of progress) view.update(msg);
};

/** `berth save [-o FILE] IMAGE...`: a docker-archive tar to a file or stdout. */
export const save: CommandModule = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  flags: [{ name: 'output', short: 'o', type: 'string', description: 'Write to a file, instead of STDOUT' }] as FlagSpec[],
  args: [1],
  async run(session, p) {
    const out = flag.str(p, 'output');
    if (!out && session.stdout.isTTY) throw new UsageError('cowardly refusing to save to a terminal; use the -o flag or redirect');
    const tar = await (await connectEngine(session)).images.save(p.args);
    const sink = out ? fs.createWriteStream(out, { mode: 0o644 }) : session.stdout;
    for await (const chunk of tar) if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
    if (out) await new Promise<void>((resolve, reject) => (sink as fs.WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())));
    return 0;
  },
};

/** `berth load [-i FILE]`. */
export const load: CommandModule = {
  usage: '[OPTIONS]',
  flags: [
    { name: 'input', short: 'i', type: 'string', description: 'Read from tar archive file, instead of STDIN' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress the load output' },
  ],
  args: [0, 0],
  async run(session, p) {
    const source = await fromFileOrStdin(session, flag.str(p, 'input'));
    const handle = (await connectEngine(session)).images.load(source, { quiet: flag.bool(p, 'quiet') });
    await show(session, handle.progress);
    await handle;
    return 0;
  },
};

/** `berth import FILE|URL|- [REPOSITORY[:TAG]]`. */
export const importImage: CommandModule = {
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  flags: [
    { name: 'change', short: 'c', type: 'list', description: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', type: 'string', description: 'Set commit message for imported image' },
    { name: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
  ],
  args: [1, 2],
  async run(session, p) {
    const source = await fromFileOrStdin(session, p.args[0]);
    const ref = p.args[1];
    const colon = ref ? ref.lastIndexOf(':') : -1;
    const repo = ref && colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
    const tag = ref && colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : undefined;
    const handle = (await connectEngine(session)).images.import(source, {
      ...(repo ? { repo } : {}), ...(tag ? { tag } : {}),
      ...(flag.str(p, 'message') ? { message: flag.str(p, 'message') } : {}),
      changes: flag.list(p, 'change'),
    });
    for await (const msg of handle.progress) if (msg.status) session.out(`${msg.status}\n`);
    await handle;
    return 0;
  },
};
