import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type FlagSpec } from './parse-args.js';

const specs: FlagSpec[] = [
  { name: 'interactive', short: 'i', type: 'bool' },
  { name: 'tty', short: 't', type: 'bool' },
  { name: 'publish', short: 'p', type: 'list' },
  { name: 'name', type: 'string' },
  { name: 'time', short: 't2', type: 'int' },
];

describe('parseArgs', () => {
  it('reads clustered short flags, attached values and repeated lists', () => {
    const p = parseArgs(['-it', '-p80:80', '-p', '81:81', '--name=web', 'busybox'], specs);
    expect(p.flags).toEqual({ interactive: true, tty: true, publish: ['80:80', '81:81'], name: 'web' });
    expect(p.args).toEqual(['busybox']);
  });

  it('leaves flags after the image to the command when asked to stop at the first positional', () => {
    const p = parseArgs(['-i', 'busybox', 'ls', '-l', '--name', 'x'], specs, { stopAtPositional: true });
    expect(p.args).toEqual(['busybox', 'ls', '-l', '--name', 'x']);
  });

  it('rejects unknown flags, missing values and bad numbers', () => {
    expect(() => parseArgs(['--nope'], specs)).toThrow(UsageError);
    expect(() => parseArgs(['-x'], specs)).toThrow(/unknown shorthand flag: 'x'/);
    expect(() => parseArgs(['--name'], specs)).toThrow(/flag needs an argument: --name/);
    expect(() => parseArgs(['--time', 'soon'], specs)).toThrow(/expected a whole number/);
  });

  it('takes everything after -- as arguments', () => {
    expect(parseArgs(['--', '-i', 'x'], specs).args).toEqual(['-i', 'x']);
  });
});
