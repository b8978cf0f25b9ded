import { flag, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import { DEFAULT_REGISTRY } from '../registry/registry-auth.js';
import { prompt } from '../terminal/prompt.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] [SERVER]';
export const flags: FlagSpec[] = [
  { name: 'username', short: 'u', type: 'string', description: 'Username' },
  { name: 'password', short: 'p', type: 'string', description: 'Password' },
  { name: 'password-stdin', type: 'bool', description: 'Take the password from stdin' },
];
export const args: [number, number] = [0, 1];

/** Checks the credentials through the engine, then keeps them in the config file (0600). */
export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const server = (parsed.args[0] ?? DEFAULT_REGISTRY).replace(/^https?:\/\//, '').replace(/\/+$/, '');
  let username = flag.str(parsed, 'username');
  let password = flag.str(parsed, 'password');
  if (flag.bool(parsed, 'password-stdin')) {
    if (password) throw new UsageError('--password and --password-stdin are mutually exclusive');
    if (!username) throw new UsageError('must provide --username with --password-stdin');
    password = (await readAll(session.stdin)).replace(/\r?\n$/, '');
  } else if (password) {
    session.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  }
  username ??= await prompt(session, 'Username: ', false);
  password ??= await prompt(session, 'Password: ', true);
  if (!username || !password) throw new UsageError('a username and a password are required');
  const engine = await connectEngine(session);
  await engine.auth({ username, password, serveraddress: server });
  const config = await session.loadConfig();
  config.auths[server] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  await session.saveConfig(config);
  session.out('Login Succeeded\n');
  return 0;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}
