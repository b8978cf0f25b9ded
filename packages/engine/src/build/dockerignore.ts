import { lstat, readFile, readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';

/** One `.dockerignore` line: a pattern, or an exception to the patterns before it (`!`). */
export interface IgnoreRule {
  negate: boolean;
  regex: RegExp;
}

/** Parses `.dockerignore`: comments, blank lines, `!` exceptions, Go-style patterns with `**`. */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    let pattern = path.posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (pattern === '.' || pattern === '') pattern = '.';
    rules.push({ negate, regex: patternRegExp(pattern) });
  }
  return rules;
}

/** A path (relative, `/`-separated) is ignored when the last rule matching it or one of its parents is not an exception. */
export function isIgnored(rules: IgnoreRule[], rel: string): boolean {
  const parts = rel.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((c) => rule.regex.test(c))) ignored = !rule.negate;
  }
  return ignored;
}

/** Go's filepath.Match syntax plus `**` (any number of directories), as moby's patternmatcher reads it. */
export function patternRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]!}`;
    else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Removes what `.dockerignore` excludes from an unpacked context (the docker CLI already leaves it out; other
 * API clients may not). The Dockerfile and `.dockerignore` stay, as with Docker.
 */
export async function applyDockerignore(contextDir: string, dockerfile: string): Promise<void> {
  const text = await readFile(path.join(contextDir, '.dockerignore'), 'utf8').catch(() => null);
  if (text === null) return;
  const rules = parseDockerignore(text);
  if (rules.length === 0) return;
  const keep = new Set([path.posix.normalize(dockerfile).replace(/^\/+/, ''), '.dockerignore']);
  const walk = async (rel: string): Promise<void> => {
    const dir = path.join(contextDir, rel);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        await walk(child);
        if (isIgnored(rules, child)) await rmdir(path.join(contextDir, child)).catch(() => undefined);
      } else if (!keep.has(child) && isIgnored(rules, child)) {
        await rm(path.join(contextDir, child), { force: true });
      }
    }
  };
  if ((await lstat(contextDir)).isDirectory()) await walk('');
}
