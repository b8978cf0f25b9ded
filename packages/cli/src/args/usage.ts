import type { CommandModule } from '../commands/command.js';
import type { CommandEntry } from './command-table.js';
import type { FlagSpec } from './parse-args.js';

export function formatFlags(flags: readonly FlagSpec[]): string {
  const rows = flags.map((f) => {
    const names = `${f.short && f.short.length === 1 ? `-${f.short}, ` : '    '}--${f.name}${f.type === 'bool' ? '' : ` ${f.type}`}`;
    return [names, f.description ?? ''] as const;
  });
  const w = Math.max(0, ...rows.map(([n]) => n.length));
  return rows.map(([n, d]) => `  ${n.padEnd(w)}   ${d}`.trimEnd() + '\n').join('');
}

export function formatUsage(name: string, command: CommandModule, summary: string): string {
  const options = command.flags.length > 0 ? `\nOptions:\n${formatFlags(command.flags)}` : '';
  return `\nUsage:  berth ${name} ${command.usage}\n\n${summary}\n${options}`;
}

export function shortUsage(name: string, command: CommandModule): string {
  return `\nUsage:  berth ${name} ${command.usage}\n`;
}

export function mainUsage(commands: Record<string, CommandEntry>, globals: readonly FlagSpec[]): string {
  const w = Math.max(...Object.keys(commands).map((n) => n.length));
  const list = Object.entries(commands)
    .filter(([n]) => !n.startsWith('__'))
    .map(([n, e]) => `  ${n.padEnd(w)}   ${e.summary}\n`)
    .join('');
  return `\nUsage:  berth [OPTIONS] COMMAND\n\nA client for the Berth container engine\n\nCommands:\n${list}\nGroups:\n  container   Manage containers (container ls, container rm, …)\n  image       Manage images (image ls, image rm, …)\n\nGlobal Options:\n${formatFlags(globals)}\nRun 'berth COMMAND --help' for more information on a command.\n`;
}
