import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './dockerfile-parse.js';
import { expandHeredoc, heredocMarkers, heredocRunScript } from './heredoc.js';

describe('heredocs', () => {
  it('finds markers as words: plain, <<-, quoted; not <<< nor inside a word', () => {
    expect(heredocMarkers('<<EOF').map((m) => [m.name, m.expand, m.chomp])).toEqual([['EOF', true, false]]);
    expect(heredocMarkers(`cat <<-"A" > x && cat <<'B'`).map((m) => [m.name, m.expand, m.chomp])).toEqual([['A', false, true], ['B', false, false]]);
    expect(heredocMarkers('cat <<< word; echo a<<b')).toEqual([]);
  });

  it('reads bodies after the instruction, keeping comments and blank lines, and names an unterminated one', () => {
    const file = parseDockerfile('FROM busybox\nRUN <<EOF\n# kept\n\necho hi\nEOF\nCOPY <<-A <<B /d/\n\ta\n\tA\nb\nB\nCMD x\n');
    expect(file.instructions.map((i) => i.cmd)).toEqual(['FROM', 'RUN', 'COPY', 'CMD']);
    expect(file.instructions[1]!.heredocs).toEqual([{ name: 'EOF', content: '# kept\n\necho hi\n', expand: true, chomp: false }]);
    expect(file.instructions[2]!.heredocs!.map((h) => h.content)).toEqual(['a\n', 'b\n']);
    expect(() => parseDockerfile('FROM busybox\nRUN <<EOF\necho\n')).toThrow('line 2: unterminated heredoc <<EOF');
  });

  it('runs a bare heredoc as the script, a #! one as a file, and hands the rest to the shell whole', () => {
    const [bare, shebang, full] = ['RUN <<EOF\necho a\nEOF', 'RUN <<EOF\n#!/bin/sh\necho b\nEOF', 'RUN python3 <<X\nprint(1)\nX']
      .map((text) => parseDockerfile(`FROM scratch\n${text}\n`).instructions[1]!);
    expect(heredocRunScript(bare!.args, bare!.heredocs!)).toEqual({ script: 'echo a\n', shebang: false });
    expect(heredocRunScript(shebang!.args, shebang!.heredocs!)).toEqual({ script: '#!/bin/sh\necho b\n', shebang: true });
    expect(heredocRunScript(full!.args, full!.heredocs!)).toEqual({ script: 'python3 <<X\nprint(1)\nX\n', shebang: false });
  });

  it('expands variables in COPY bodies, leaving quotes and escaped dollars', () => {
    const lookup = (n: string): string | undefined => ({ A: 'x', E: '' })[n];
    expect(expandHeredoc('$A ${A} "${B:-def}" ${E:-empty} ${E-set} ${A:+alt} \\$A\n', lookup)).toBe('x x "def" empty  alt $A\n');
  });
});
