import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './dockerfile-parse.js';
import { planStages } from './stage-plan.js';

describe('parseDockerfile', () => {
  it('reads directives, comments, continuations, flags and JSON forms', () => {
    const file = parseDockerfile([
      '# syntax=docker/dockerfile:1',
      '# escape=\\',
      '# a comment',
      'FROM busybox AS base',
      '',
      'RUN echo a \\',
      '  # a comment inside the continuation',
      '  && echo b',
      'copy --chown=1:2 --from=base a b /dst/',
      'CMD ["sh", "-c", "echo hi"]',
      'ENTRYPOINT [not json',
    ].join('\n'));
    expect(file.syntax).toBe('docker/dockerfile:1');
    expect(file.instructions.map((i) => [i.cmd, i.line])).toEqual([['FROM', 4], ['RUN', 6], ['COPY', 9], ['CMD', 10], ['ENTRYPOINT', 11]]);
    expect(file.instructions[1]!.args).toBe('echo a   && echo b');
    expect(file.instructions[2]!.flags).toEqual({ chown: '1:2', from: 'base' });
    expect(file.instructions[2]!.args).toBe('a b /dst/');
    expect(file.instructions[3]!.json).toEqual(['sh', '-c', 'echo hi']);
    expect(file.instructions[4]!.json).toBeNull();
  });

  it('takes the escape directive, and directives only at the top', () => {
    const file = parseDockerfile('# escape=`\nFROM scratch\nRUN echo a `\n b\n# escape=\\\n');
    expect(file.escape).toBe('`');
    expect(file.instructions[1]!.args).toBe('echo a  b');
  });

  it('names an unknown instruction and its line', () => {
    expect(() => parseDockerfile('FROM busybox\n\nFROBNICATE x\n')).toThrow('dockerfile parse error on line 3: unknown instruction: FROBNICATE');
  });
});

describe('planStages', () => {
  const file = parseDockerfile([
    'ARG V=1',
    'FROM busybox AS deps',
    'FROM busybox AS unused',
    'FROM deps AS build',
    'COPY --from=0 /a /a',
    'FROM busybox',
    'COPY --from=build /a /a',
  ].join('\n'));

  it('builds only the stages the target needs', () => {
    const plan = planStages(file.instructions);
    expect(plan.globalArgs).toHaveLength(1);
    expect(plan.build.map((s) => s.index)).toEqual([0, 2, 3]);
    expect(planStages(file.instructions, 'unused').build.map((s) => s.name)).toEqual(['unused']);
    expect(planStages(file.instructions, 'build').build.map((s) => s.name)).toEqual(['deps', 'build']);
  });

  it('rejects an unknown target and instructions before FROM', () => {
    expect(() => planStages(file.instructions, 'nope')).toThrow(/build target nope/);
    expect(() => planStages(parseDockerfile('RUN true\nFROM busybox').instructions)).toThrow(/before FROM/);
  });
});
