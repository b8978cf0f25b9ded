import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS, GROUPS, resolveCommand } from './command-table.js';

const commandsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../commands');

describe('resolveCommand', () => {
  it('finds verbs and their grouped forms', () => {
    expect(resolveCommand(['ps', '-a'])).toMatchObject({ name: 'ps', argv: ['-a'] });
    expect(resolveCommand(['container', 'ls', '-q'])).toMatchObject({ name: 'container ls', entry: COMMANDS.ps, argv: ['-q'] });
    expect(resolveCommand(['image', 'inspect', 'busybox'])).toMatchObject({ entry: COMMANDS.inspect, argv: ['--type', 'image', 'busybox'] });
    expect(resolveCommand(['container', 'prune', '-f'])).toMatchObject({ name: 'container prune', entry: { bundle: 'prune', export: 'containerPrune' }, argv: ['-f'] });
    expect(resolveCommand(['frob'])).toEqual({ unknown: 'frob' });
    expect(resolveCommand(['image', 'frob'])).toEqual({ unknown: 'image frob' });
  });

  it('maps every grouped form to a command that exists', () => {
    for (const group of Object.values(GROUPS)) {
      for (const target of Object.values(group)) if (typeof target === 'string') expect(COMMANDS[target], target).toBeDefined();
    }
  });

  it('names a source file, and in it an export, for every command', async () => {
    const entries = [...Object.values(COMMANDS), ...Object.values(GROUPS).flatMap((g) => Object.values(g)).filter((t) => typeof t !== 'string')];
    for (const entry of entries) {
      const file = path.join(commandsDir, `${entry.bundle}.ts`);
      expect(fs.existsSync(file), file).toBe(true);
      const mod = (await import(file)) as Record<string, unknown>;
      const command = (entry.export ? mod[entry.export] : mod) as { run?: unknown; flags?: unknown };
      expect(typeof command.run, `${entry.bundle}.${entry.export ?? 'run'}`).toBe('function');
      expect(Array.isArray(command.flags), `${entry.bundle} flags`).toBe(true);
    }
  });
});
