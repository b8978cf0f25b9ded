import { describe, expect, it } from 'vitest';
import { COMMANDS, GROUPS, resolveCommand } from './command-table.js';

describe('resolveCommand', () => {
  it('finds verbs and their grouped forms', () => {
    expect(resolveCommand(['ps', '-a'])).toMatchObject({ name: 'ps', argv: ['-a'] });
    expect(resolveCommand(['container', 'ls', '-q'])).toMatchObject({ name: 'container ls', entry: COMMANDS.ps, argv: ['-q'] });
    expect(resolveCommand(['image', 'inspect', 'busybox'])).toMatchObject({ entry: COMMANDS.inspect, argv: ['--type', 'image', 'busybox'] });
    expect(resolveCommand(['frob'])).toEqual({ unknown: 'frob' });
    expect(resolveCommand(['image', 'frob'])).toEqual({ unknown: 'image frob' });
  });

  it('maps every grouped form to a command that exists', () => {
    for (const group of Object.values(GROUPS)) for (const verb of Object.values(group)) expect(COMMANDS[verb], verb).toBeDefined();
  });
});
