import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { BERTH_BIN, PKG, berth, buildCli } from './support/berth-cli.js';

let config: string;

beforeAll(() => {
  buildCli();
  config = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-'));
});
afterAll(() => fs.rmSync(config, { recursive: true, force: true }));

describe('bad input', () => {
  it('rejects an unknown command with a short hint and exit 125', async () => {
    const r = await berth(['frobnicate']);
    expect(r.code).toBe(125);
    expect(r.stderr).toBe("berth: 'frobnicate' is not a berth command.\nSee 'berth --help'\n");
  });

  it('rejects an unknown flag and a missing argument with exit 125', async () => {
    const flag = await berth(['ps', '--bogus']);
    expect(flag.code).toBe(125);
    expect(flag.stderr).toContain('unknown flag: --bogus');
    const missing = await berth(['rm']);
    expect(missing.code).toBe(125);
    expect(missing.stderr).toContain('"berth rm" requires at least 1 argument');
  });

  it('names the address and how to start berthd when the engine is unreachable, without a stack', async () => {
    const r = await berth(['ps'], { host: 'unix:///tmp/berth-no-such.sock' });
    expect(r.code).toBe(125);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('unix:///tmp/berth-no-such.sock');
    expect(r.stderr).toMatch(/npm start.*berthd/);
  });

  it('reads no .env, bunfig.toml or package.json from the directory it runs in', async () => {
    const dir = fs.mkdtempSync(path.join(config, 'project-'));
    fs.writeFileSync(path.join(dir, 'bunfig.toml'), 'preload = ["./preload.js"]\n');
    fs.writeFileSync(path.join(dir, 'preload.js'), 'require("fs").writeSync(2, "preloaded\\n");\n');
    fs.writeFileSync(path.join(dir, '.env'), 'BERTH_HOST=unix:///tmp/from-dotenv.sock\n');
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
    const r = await berth(['ps'], { cwd: dir, host: 'unix:///tmp/berth-no-such.sock' });
    expect(r.code).toBe(125);
    expect(r.stderr).not.toContain('preloaded');
    expect(r.stderr).toContain('unix:///tmp/berth-no-such.sock');
    const unset = await berth(['ps'], { cwd: dir });
    expect(unset.stderr).not.toContain('from-dotenv');
    expect(unset.stderr).toContain('unix:///run/berth/berth.sock');
  });

  it('holds no path of the machine that built it, so an installed copy runs its own bundles', () => {
    const built = [path.join(PKG, 'dist/berth.cjs'), path.join(PKG, 'dist/bun/berth.cjs')].filter((f) => fs.existsSync(f));
    expect(built.length).toBeGreaterThan(0);
    for (const file of built) expect(fs.readFileSync(file, 'utf8')).not.toContain(PKG);
  });

  it('prints help for a command', async () => {
    const r = await berth(['ps', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:  berth ps [OPTIONS]');
    expect(r.stdout).toContain('--format string');
  });
});

describe('contexts', () => {
  it('creates, lists, switches and removes contexts in a 0600 config file', async () => {
    const created = await berth(['context', 'create', 'far', '--host', 'tcp://10.1.2.3:2376', '--description', 'the far one'], { config });
    expect(created.code).toBe(0);
    const file = path.join(config, 'config.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(config).mode & 0o777).toBe(0o700);

    expect((await berth(['context', 'use', 'far'], { config })).code).toBe(0);
    const ls = await berth(['context', 'ls'], { config });
    expect(ls.stdout).toMatch(/^NAME\s+DESCRIPTION\s+BERTH ENDPOINT/);
    expect(ls.stdout).toMatch(/far \*\s+the far one\s+tcp:\/\/10\.1\.2\.3:2376/);
    expect((await berth(['context', 'ls', '--format', '{{.Name}}={{.Current}}'], { config })).stdout).toBe('default=false\nfar=true\n');
    expect((await berth(['context', 'show'], { config })).stdout).toBe('far\n');

    const inUse = await berth(['context', 'rm', 'far'], { config });
    expect(inUse.code).toBe(125);
    expect(inUse.stderr).toContain('is in use');
    expect((await berth(['context', 'rm', '-f', 'far'], { config })).code).toBe(0);
    expect((await berth(['context', 'ls', '-q'], { config })).stdout).toBe('default\n');
  });

  it('rejects bad hosts, unknown contexts and -H with --context', async () => {
    expect((await berth(['context', 'create', 'x', '--host', 'ftp://a'], { config })).stderr).toContain('invalid host "ftp://a"');
    expect((await berth(['--context', 'nope', 'ps'], { config })).stderr).toContain('context "nope" does not exist');
    const both = await berth(['-H', 'unix:///a.sock', '--context', 'default', 'ps'], { config });
    expect(both.code).toBe(125);
    expect(both.stderr).toContain('either specify --host or --context');
  });
});

describe('completion', () => {
  it('prints bash and zsh scripts that complete names through the engine', async () => {
    const bash = await berth(['completion', 'bash']);
    expect(bash.stdout).toContain('complete -F _berth berth');
    expect(bash.stdout).toContain('berth __complete');
    const zsh = await berth(['completion', 'zsh']);
    expect(zsh.stdout).toContain('#compdef berth');
    expect((await berth(['completion', 'fish'])).code).toBe(125);
  });

  it('completes command names in bash', () => {
    const script = `source <(${BERTH_BIN} completion bash); COMP_WORDS=(berth vers); COMP_CWORD=1; _berth; echo "\${COMPREPLY[@]}"`;
    expect(execFileSync('bash', ['-c', script], { encoding: 'utf8' })).toBe('version\n');
  });
});
