import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';

/** Host-side tar through the system's GNU tar (as docker cp leaves ownership and modes to the archive). */
export function createTar(dir: string, entries: string[], transform?: [from: string, to: string]): { stream: Readable; done: Promise<void> } {
  const args = ['-c', '-C', dir, ...(transform ? [transformArg(transform)] : []), '--', ...entries];
  return run(args, 'stdout');
}

export async function extractTar(source: AsyncIterable<Buffer>, dir: string, transform?: [from: string, to: string]): Promise<void> {
  const args = ['-x', '-C', dir, '--no-same-owner', ...(transform ? [transformArg(transform)] : [])];
  const child = spawn('tar', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  for await (const chunk of source) {
    if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  if ((await exited) !== 0) throw new Error(`could not unpack into ${dir}: ${err.trim()}`);
}

function run(args: string[], out: 'stdout'): { stream: Readable; done: Promise<void> } {
  const child = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar: ${err.trim()}`))));
  });
  // Piped at once: node discards a child's unread stdout when the child exits before anyone reads it.
  const stream = child[out].pipe(new PassThrough());
  return { stream, done };
}

/** Renames the top entry (and what is under it) only: `in.txt`, `in.txt/…`, never `in.txt.bak`. */
function transformArg([from, to]: [string, string]): string {
  return `--transform=s,^${escape(from)}\\($\\|/\\),${escapeReplacement(to)}\\1,`;
}

function escapeReplacement(s: string): string {
  return s.replace(/[\\,&]/g, (c) => `\\${c}`);
}

function escape(s: string): string {
  return s.replace(/[\\,.*[\]^$]/g, (c) => `\\${c}`);
}
