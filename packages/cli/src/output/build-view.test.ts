import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BuildView } from './build-view.js';

function run(terminal: boolean): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const view = new BuildView(out, terminal, false);
  for (const stream of ['Step 1/2 : FROM busybox\n', ' ---> abc\n', 'Step 2/2 : RUN echo hi\n', 'hi\n', 'Successfully built abc\n']) view.update({ stream });
  view.end();
  out.end();
  return text;
}

describe('BuildView', () => {
  it('passes lines through when not on a terminal', () => {
    expect(run(false)).toBe('Step 1/2 : FROM busybox\n ---> abc\nStep 2/2 : RUN echo hi\nhi\nSuccessfully built abc\n');
  });

  it('shows steps with their output indented on a terminal', () => {
    const text = run(true);
    expect(text).toMatch(/^\[1\/2\] FROM busybox\n {4}done in \d+\.\ds\n\[2\/2\] RUN echo hi\n {4}│ hi\n {4}done in/);
    expect(text).toContain('Successfully built abc\n');
  });
});
