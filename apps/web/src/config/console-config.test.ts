import { describe, expect, it } from 'vitest';
import { ConfigError, parseConsoleArgs } from './console-config.js';

describe('parseConsoleArgs', () => {
  it('defaults to 127.0.0.1:8080 and SQLite under the data dir', () => {
    const c = parseConsoleArgs(['--data-dir', '/tmp/x']);
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: '/tmp/x', databaseUrl: 'file:/tmp/x/console.db', engines: [] });
  });
  it('takes repeated engines, --opt=value and DATABASE_URL', () => {
    const c = parseConsoleArgs(['--listen=0.0.0.0:9000', '--data-dir', '/d', '--engine', 'unix:///a.sock', '--engine=tcp://h:2376'], { DATABASE_URL: 'postgresql://u@h/db' });
    expect(c).toMatchObject({ host: '0.0.0.0', port: 9000, engines: ['unix:///a.sock', 'tcp://h:2376'], databaseUrl: 'postgresql://u@h/db' });
  });
  it('rejects bad input with a message naming it', () => {
    expect(() => parseConsoleArgs([])).toThrow(/--data-dir is required/);
    expect(() => parseConsoleArgs(['--data-dir', '/d', '--listen', 'nope'])).toThrow(ConfigError);
    expect(() => parseConsoleArgs(['--data-dir', '/d', '--engine', 'http://x'])).toThrow(/not an engine URL/);
    expect(() => parseConsoleArgs(['--data-dir', '/d', '--bogus'])).toThrow(/unknown argument "--bogus"/);
  });
});
