import { describe, expect, it } from 'vitest';
import { renderDnsConfig } from './dns-server.js';

describe('aardvark-dns config', () => {
  it('lists the listening address, then one line per container with its names', () => {
    expect(renderDnsConfig({ key: 'n1', gateway: '172.18.0.1', entries: [{ id: 'abc', ip: '172.18.0.2', names: ['web', 'www', 'web'] }] })).toBe(
      '172.18.0.1\nabc 172.18.0.2  web,www\n',
    );
  });
});
