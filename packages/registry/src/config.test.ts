import { describe, expect, it } from 'vitest';
import { parseCommand } from './config.js';

const files = (map: Record<string, string>) => (file: string): string => {
  const content = map[file];
  if (content === undefined) throw new Error(`ENOENT: ${file}`);
  return content;
};

describe('parseCommand', () => {
  it('has the documented defaults', () => {
    const cmd = parseCommand(['serve']);
    expect(cmd.command).toBe('serve');
    if (cmd.command !== 'serve') return;
    expect(cmd.config.listen).toEqual({ host: '127.0.0.1', port: 5000 });
    expect(cmd.config.storage).toBe('/var/lib/berth/registry');
    expect(cmd.config.database).toBe('file:/var/lib/berth/registry/registry.db');
    expect(cmd.config.auth).toEqual({ mode: 'none' });
  });

  it('reads flags in both forms and derives the database from the storage dir', () => {
    const cmd = parseCommand(['serve', '--listen=[::1]:0', '--storage', '/srv/reg', '--tls-cert', '/c.pem', '--tls-key=/k.pem', '-l', 'warn']);
    if (cmd.command !== 'serve') throw new Error('expected serve');
    expect(cmd.config.listen).toEqual({ host: '::1', port: 0 });
    expect(cmd.config.database).toBe('file:/srv/reg/registry.db');
    expect(cmd.config.tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(cmd.config.logLevel).toBe('warn');
  });

  it('refuses a public address without auth, with a message that says what to do', () => {
    expect(() => parseCommand(['serve', '--listen', '0.0.0.0:5000'])).toThrow(/refusing to serve 0\.0\.0\.0:5000 without authentication.*--auth htpasswd.*--insecure-public/);
    expect(() => parseCommand(['serve', '--listen', ':5000'])).toThrow(/without authentication/);
    expect(parseCommand(['serve', '--listen', '0.0.0.0:5000', '--insecure-public']).command).toBe('serve');
    expect(parseCommand(['serve', '--listen', '0.0.0.0:5000', '--auth', 'htpasswd', '--htpasswd', '/h']).command).toBe('serve');
  });

  it('needs an htpasswd file for htpasswd and token modes, and a realm for public token mode', () => {
    expect(() => parseCommand(['serve', '--auth', 'htpasswd'])).toThrow(/needs --htpasswd/);
    expect(() => parseCommand(['serve', '--auth', 'token', '--htpasswd', '/h', '--listen', '0.0.0.0:443'])).toThrow(/needs --token-realm/);
    const cmd = parseCommand(['serve', '--auth', 'token', '--htpasswd', '/h']);
    if (cmd.command !== 'serve') throw new Error('expected serve');
    expect(cmd.config.auth).toEqual({ mode: 'token', htpasswdFile: '/h', service: 'berth-registry', issuer: 'berth-registry' });
  });

  it('reads a JSON config file relative to itself; flags win', () => {
    const read = files({
      '/etc/berth/registry.json': JSON.stringify({
        listen: '0.0.0.0:5001',
        storage: 'data',
        auth: { mode: 'htpasswd', htpasswdFile: 'htpasswd' },
        gc: { intervalMinutes: 5, gracePeriodMinutes: 2 },
      }),
    });
    const cmd = parseCommand(['serve', '--config', '/etc/berth/registry.json', '--listen', '127.0.0.1:6000'], read);
    if (cmd.command !== 'serve') throw new Error('expected serve');
    expect(cmd.config.listen).toEqual({ host: '127.0.0.1', port: 6000 });
    expect(cmd.config.storage).toBe('/etc/berth/data');
    expect(cmd.config.auth).toEqual({ mode: 'htpasswd', htpasswdFile: '/etc/berth/htpasswd' });
    expect(cmd.config.gc).toEqual({ intervalMinutes: 5, gracePeriodMinutes: 2, uploadMaxAgeMinutes: 1440 });
  });

  it('names the bad flag, key or value', () => {
    expect(() => parseCommand(['serve', '--bogus'])).toThrow(/unknown flag: --bogus/);
    expect(() => parseCommand(['serve', '--listen'])).toThrow(/needs an argument: --listen/);
    expect(() => parseCommand(['serve', '--listen', 'nope'])).toThrow(/invalid --listen/);
    expect(() => parseCommand(['serve', '--auth', 'ldap'])).toThrow(/invalid --auth "ldap"/);
    expect(() => parseCommand(['serve', '--gc-interval', '-1'])).toThrow(/--gc-interval/);
    expect(() => parseCommand(['serve', '--dry-run'])).toThrow(/gc command only/);
    expect(() => parseCommand(['push'])).toThrow(/unknown command "push"/);
    expect(() => parseCommand(['serve', '--config', '/x.json'], files({ '/x.json': '{"lisen": "1"}' }))).toThrow(/unknown key "lisen"/);
    expect(() => parseCommand(['serve', '--config', '/x.json'], files({ '/x.json': '{' }))).toThrow(/not valid JSON/);
  });

  it('parses gc with --dry-run and help', () => {
    expect(parseCommand(['gc', '--dry-run', '--storage', '/s'])).toMatchObject({ command: 'gc', dryRun: true });
    expect(parseCommand([])).toEqual({ command: 'help' });
    expect(parseCommand(['serve', '--help'])).toEqual({ command: 'help' });
  });
});
