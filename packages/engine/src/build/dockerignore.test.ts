import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDockerignore, isIgnored, parseDockerignore } from './dockerignore.js';

describe('.dockerignore', () => {
  const rules = parseDockerignore(['# comment', '', 'node_modules', '*.log', '!keep.log', '**/tmp', 'docs/**/*.md', '/secret/'].join('\n'));

  it('matches names, their contents, wildcards and ** at any depth', () => {
    expect(isIgnored(rules, 'node_modules')).toBe(true);
    expect(isIgnored(rules, 'node_modules/x/y.js')).toBe(true);
    expect(isIgnored(rules, 'app.log')).toBe(true);
    expect(isIgnored(rules, 'sub/app.log')).toBe(false);
    expect(isIgnored(rules, 'a/b/tmp/file')).toBe(true);
    expect(isIgnored(rules, 'tmp')).toBe(true);
    expect(isIgnored(rules, 'docs/a/b/readme.md')).toBe(true);
    expect(isIgnored(rules, 'docs/readme.md')).toBe(true);
    expect(isIgnored(rules, 'secret/key')).toBe(true);
    expect(isIgnored(rules, 'src/main.ts')).toBe(false);
  });

  it('lets a later ! exception win', () => {
    expect(isIgnored(rules, 'keep.log')).toBe(false);
    expect(isIgnored(parseDockerignore('!keep.log\n*.log'), 'keep.log')).toBe(true);
  });

  it('removes what it excludes from a context sent without the CLI, keeping the Dockerfile and exceptions', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ignore-'));
    try {
      await mkdir(path.join(dir, 'logs'));
      for (const f of ['Dockerfile', 'app.js', 'logs/a.log', 'logs/keep.log']) await writeFile(path.join(dir, f), 'x');
      await writeFile(path.join(dir, '.dockerignore'), 'logs\n!logs/keep.log\nDockerfile\n');
      await applyDockerignore(dir, 'Dockerfile');
      expect((await readdir(dir, { recursive: true })).sort()).toEqual(['.dockerignore', 'Dockerfile', 'app.js', 'logs', 'logs/keep.log']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
