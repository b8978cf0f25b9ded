import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { formatList } from '../output/format-output.js';
import { DEFAULT_CONTEXT, DEFAULT_HOST, validateHost } from '../context/resolve-endpoint.js';
import type { Session } from '../session.js';

export const usage = 'create|ls|use|rm|inspect|show';
export const flags: FlagSpec[] = [];
export const stopAtPositional = true;
export const args: [number] = [1];

const CREATE_FLAGS: FlagSpec[] = [
  { name: 'host', type: 'string', description: 'Engine address: unix:///path or tcp://host:port' },
  { name: 'description', type: 'string', description: 'Description of the context' },
  { name: 'tls-ca', type: 'string', description: 'CA certificate that signed the engine\'s certificate' },
  { name: 'tls-cert', type: 'string', description: 'Client certificate' },
  { name: 'tls-key', type: 'string', description: 'Client key' },
];
const LS_FLAGS: FlagSpec[] = [
  { name: 'format', type: 'string', description: 'Format output using a Go template or json' },
  { name: 'quiet', short: 'q', type: 'bool', description: 'Only show context names' },
];

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;

/** `berth context create|ls|use|rm|inspect|show`. */
export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const [sub, ...rest] = parsed.args;
  const config = await session.loadConfig();
  switch (sub) {
    case 'create': {
      const p = parseArgs(rest, CREATE_FLAGS);
      const name = one(p, 'context create NAME');
      if (!NAME.test(name) || name === DEFAULT_CONTEXT) throw new UsageError(`invalid context name "${name}": use letters, digits and _.+- (and not "default")`);
      if (config.contexts[name]) throw new UsageError(`context "${name}" already exists; remove it first with 'berth context rm ${name}'`);
      const host = p.flags.host as string | undefined;
      if (!host) throw new UsageError('context create needs --host unix:///path or --host tcp://host:port');
      const tls = readTls(p);
      config.contexts[name] = { host: validateHost(host), ...(p.flags.description ? { description: p.flags.description as string } : {}), ...(tls ? { tls } : {}) };
      await session.saveConfig(config);
      session.out(`${name}\nSuccessfully created context "${name}"\n`);
      return 0;
    }
    case 'ls':
    case 'list': {
      const p = parseArgs(rest, LS_FLAGS);
      const current = session.globals.context ?? session.env.BERTH_CONTEXT ?? config.currentContext ?? DEFAULT_CONTEXT;
      const all: typeof config.contexts = { [DEFAULT_CONTEXT]: { host: DEFAULT_HOST, description: 'The local berthd' }, ...config.contexts };
      const rows = Object.entries(all).map(([n, c]) => ({
        Name: n === current ? `${n} *` : n,
        Current: n === current,
        Description: c.description ?? '',
        BerthEndpoint: c.host,
        TLS: c.tls ? 'yes' : '',
      }));
      const json = rows.map((r) => ({ ...r, Name: r.Name.replace(/ \*$/, '') }));
      session.out(formatList({
        columns: [{ header: 'NAME', field: 'Name' }, { header: 'DESCRIPTION', field: 'Description', flexible: true }, { header: 'BERTH ENDPOINT', field: 'BerthEndpoint' }, { header: 'TLS', field: 'TLS' }],
        rows: p.flags.format || p.flags.quiet ? json : rows,
        quietField: 'Name',
        headers: { Name: 'NAME', Description: 'DESCRIPTION', BerthEndpoint: 'BERTH ENDPOINT' },
      }, { format: p.flags.format as string | undefined, quiet: p.flags.quiet === true, width: session.width }));
      return 0;
    }
    case 'use': {
      const name = one(parseArgs(rest, []), 'context use NAME');
      if (name !== DEFAULT_CONTEXT && !config.contexts[name]) throw new UsageError(`context "${name}" does not exist; see 'berth context ls'`);
      if (name === DEFAULT_CONTEXT) delete config.currentContext;
      else config.currentContext = name;
      await session.saveConfig(config);
      session.out(`${name}\n`);
      if (session.env.BERTH_HOST || session.env.DOCKER_HOST) session.err('Warning: BERTH_HOST/DOCKER_HOST is set and overrides the current context.\n');
      return 0;
    }
    case 'rm':
    case 'remove': {
      const p = parseArgs(rest, [{ name: 'force', short: 'f', type: 'bool' }]);
      if (p.args.length === 0) throw new UsageError('"berth context rm" requires at least 1 argument.');
      for (const name of p.args) {
        if (!config.contexts[name]) throw new UsageError(`context "${name}" does not exist`);
        if (config.currentContext === name && p.flags.force !== true) {
          throw new UsageError(`context "${name}" is in use; switch with 'berth context use default' or pass --force`);
        }
        delete config.contexts[name];
        if (config.currentContext === name) delete config.currentContext;
        session.out(`${name}\n`);
      }
      await session.saveConfig(config);
      return 0;
    }
    case 'inspect': {
      const p = parseArgs(rest, []);
      const names = p.args.length > 0 ? p.args : [config.currentContext ?? DEFAULT_CONTEXT];
      const out = names.map((n) => {
        const c = n === DEFAULT_CONTEXT ? { host: DEFAULT_HOST } : config.contexts[n];
        if (!c) throw new UsageError(`context "${n}" does not exist`);
        return { Name: n, Endpoints: { berth: { Host: c.host, TLS: c.tls ?? null } }, Metadata: { Description: c.description ?? '' } };
      });
      session.out(JSON.stringify(out, null, 4) + '\n');
      return 0;
    }
    case 'show':
      session.out(`${session.globals.context ?? session.env.BERTH_CONTEXT ?? config.currentContext ?? DEFAULT_CONTEXT}\n`);
      return 0;
    default:
      throw new UsageError(`unknown context command "${sub}": use create, ls, use, rm, inspect or show`);
  }
}

function one(p: ParsedArgs, usageLine: string): string {
  if (p.args.length !== 1) throw new UsageError(`usage: berth ${usageLine}`);
  return p.args[0]!;
}

/** Certificate paths are stored absolute and must exist now, so a typo fails at create time. */
function readTls(p: ParsedArgs): { ca?: string; cert?: string; key?: string } | undefined {
  const tls: { ca?: string; cert?: string; key?: string } = {};
  for (const [flagName, key] of [['tls-ca', 'ca'], ['tls-cert', 'cert'], ['tls-key', 'key']] as const) {
    const value = p.flags[flagName] as string | undefined;
    if (!value) continue;
    const abs = path.resolve(value);
    if (!fs.existsSync(abs)) throw new UsageError(`--${flagName} ${value}: no such file`);
    tls[key] = abs;
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  return Object.keys(tls).length > 0 ? tls : undefined;
}
