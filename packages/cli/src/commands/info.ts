import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import { compileTemplate } from '../output/template.js';
import { humanSize } from '../output/humanize.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS]';
export const flags: FlagSpec[] = [{ name: 'format', short: 'f', type: 'string', description: 'Format output using a Go template or json' }];
export const args: [number, number] = [0, 0];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const info = await (await connectEngine(session)).info();
  const format = flag.str(parsed, 'format');
  if (format === 'json') session.out(JSON.stringify(info) + '\n');
  else if (format) session.out(compileTemplate(format).render(info) + '\n');
  else {
    const line = (k: string, v: unknown): string => ` ${k}: ${v}\n`;
    session.out(
      'Server:\n' +
        line('Containers', info.Containers) +
        `  Running: ${info.ContainersRunning}\n  Paused: ${info.ContainersPaused}\n  Stopped: ${info.ContainersStopped}\n` +
        line('Images', info.Images) +
        line('Server Version', info.ServerVersion) +
        line('Storage Driver', info.Driver) +
        line('Cgroup Driver', info.CgroupDriver) +
        line('Cgroup Version', info.CgroupVersion) +
        line('Runtimes', Object.keys(info.Runtimes ?? {}).join(' ')) +
        line('Default Runtime', info.DefaultRuntime) +
        line('Kernel Version', info.KernelVersion) +
        line('Operating System', info.OperatingSystem) +
        line('OSType', info.OSType) +
        line('Architecture', info.Architecture) +
        line('CPUs', info.NCPU) +
        line('Total Memory', humanSize(info.MemTotal)) +
        line('Name', info.Name) +
        line('ID', info.ID) +
        line('Berth Root Dir', info.DockerRootDir),
    );
  }
  return 0;
}
