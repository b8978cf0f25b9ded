import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bar, ProgressView } from './progress-view.js';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  return { out, text: () => text };
}

describe('ProgressView', () => {
  const msgs = [
    { status: 'Pulling from library/busybox', id: 'latest' },
    { status: 'Downloading', id: 'abc', progressDetail: { current: 10, total: 100 } },
    { status: 'Downloading', id: 'abc', progressDetail: { current: 50, total: 100 } },
    { status: 'Pull complete', id: 'abc' },
    { status: 'Digest: sha256:00' },
  ];

  it('prints one plain line per status change when not on a terminal', async () => {
    const c = capture();
    const view = new ProgressView(c.out, false);
    msgs.forEach((m) => view.update(m));
    await new Promise((r) => setImmediate(r));
    expect(c.text()).toBe('latest: Pulling from library/busybox\nabc: Downloading\nabc: Pull complete\nDigest: sha256:00\n');
  });

  it('redraws layer lines with bars on a terminal', async () => {
    const c = capture();
    const view = new ProgressView(c.out, true, 100);
    msgs.slice(0, 3).forEach((m) => view.update(m));
    await new Promise((r) => setImmediate(r));
    expect(c.text()).toContain('\x1b[2A');
    expect(c.text()).toMatch(/abc: Downloading {2}\[=+> +\] {2}50B\/100B/);
  });
});

describe('bar', () => {
  it('fills in proportion and leaves no bar without a total', () => {
    expect(bar({ progressDetail: { current: 50, total: 100 } }, 80)).toContain('[' + '='.repeat(24) + '>' + ' '.repeat(25) + ']');
    expect(bar({ progressDetail: { current: 5 } }, 80)).toBe('');
  });
});
