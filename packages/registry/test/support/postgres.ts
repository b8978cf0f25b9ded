import { execFile as execFileCb } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFile = promisify(execFileCb);

/** A private PostgreSQL server for tests: its own data folder, port and socket, gone after `stop()`. */
export interface PostgresServer {
  readonly port: number;
  /** The URL of database `name` on this server. */
  url(name: string): string;
  /** Creates a database (empty, or a copy of `template`) and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts a throw-away PostgreSQL cluster on 127.0.0.1 and a free port, installing Debian's
 * `postgresql` first when no server binaries are there (as root; CI machines start fresh).
 * The cluster trusts local connections, runs without fsync, and lives in a temp folder.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = await postgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'berth-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root: run them as the `postgres` user Debian creates.
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFile('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : execFile(join(bin, cmd), args);
  if (asRoot) await chown(dir, ...(await postgresIds()));

  const port = await freePort();
  let started = false;
  const stop = async () => {
    if (started) await run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => {});
    started = false;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    started = true;
    await run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options]);
  } catch (err) {
    const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '');
    await stop();
    throw new Error(`cannot start a test PostgreSQL in ${dir}: ${(err as Error).message}\n${log}`, { cause: err });
  }

  const url = (name: string) => `postgresql://postgres@127.0.0.1:${port}/${name}`;
  return {
    port,
    url,
    async createDatabase(name, template) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${quote(name)}${template !== undefined ? ` TEMPLATE ${quote(template)}` : ''}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
  };
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

let installing: Promise<string> | undefined;

/** `/usr/lib/postgresql/<newest>/bin`, installing the `postgresql` package when it is missing. */
function postgresBinDir(): Promise<string> {
  installing ??= (async () => {
    const found = await newestBinDir();
    if (found) return found;
    if (process.getuid?.() !== 0) {
      throw new Error('PostgreSQL server binaries are missing and only root can install them: apt-get install postgresql');
    }
    const apt = ['-o', 'DPkg::Lock::Timeout=300', '-qq'];
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await execFile('apt-get', [...apt, 'update'], { env, maxBuffer: 64 << 20 });
    await execFile('apt-get', [...apt, 'install', '-y', '--no-install-recommends', 'postgresql'], { env, maxBuffer: 64 << 20 });
    const installed = await newestBinDir();
    if (!installed) throw new Error('installed postgresql, yet no /usr/lib/postgresql/*/bin/initdb');
    return installed;
  })();
  installing.catch(() => (installing = undefined));
  return installing;
}

async function newestBinDir(): Promise<string | undefined> {
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => [] as string[]);
  return versions
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'))[0];
}

async function postgresIds(): Promise<[number, number]> {
  const [uid, gid] = await Promise.all([execFile('id', ['-u', 'postgres']), execFile('id', ['-g', 'postgres'])]);
  return [Number(uid.stdout.trim()), Number(gid.stdout.trim())];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
