import { compileTemplate } from '../output/template.js';
import { connectEngine } from '../engine/connect.js';
import { CLI_VERSION } from '../version-info.js';
import { API_VERSION } from '@berth/sdk';
import type { FlagSpec, ParsedArgs } from '../args/parse-args.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS]';
export const flags: FlagSpec[] = [{ name: 'format', short: 'f', type: 'string', description: 'Format output using a Go template or json' }];
export const args: [number, number] = [0, 0];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const client = {
    Version: CLI_VERSION,
    ApiVersion: API_VERSION,
    /** The JavaScript runtime berth runs on: Bun when its launcher found it, else Node. */
    Runtime: process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.versions.node}`,
    Os: process.platform,
    Arch: process.arch === 'x64' ? 'amd64' : process.arch,
    Context: (await session.endpoint()).context ?? '',
  };
  const engine = await connectEngine(session);
  const server = await engine.version();
  const format = parsed.flags.format as string | undefined;
  if (format === 'json') {
    session.out(JSON.stringify({ Client: client, Server: server }) + '\n');
  } else if (format) {
    session.out(compileTemplate(format).render({ Client: client, Server: server }) + '\n');
  } else {
    const row = (k: string, v: string, indent = ' ') => `${indent}${(k + ':').padEnd(19 - indent.length + 1)}${v}\n`;
    session.out(
      'Client:\n' +
        row('Version', client.Version) +
        row('API version', client.ApiVersion) +
        row('Runtime', client.Runtime) +
        row('OS/Arch', `${client.Os}/${client.Arch}`) +
        row('Context', client.Context) +
        `\nServer: ${server.Platform?.Name ?? ''}\n` +
        ' Engine:\n' +
        row('Version', server.Version, '  ') +
        row('API version', `${server.ApiVersion} (minimum version ${server.MinAPIVersion})`, '  ') +
        row('Git commit', server.GitCommit, '  ') +
        row('Built', server.BuildTime, '  ') +
        row('OS/Arch', `${server.Os}/${server.Arch}`, '  ') +
        row('Kernel version', server.KernelVersion, '  '),
    );
  }
  return 0;
}
