import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, chmod, mkdtemp, open, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { resolveUser } from '../runtime/user.js';
import type { KnownDigests } from '../snapshots/content-digests.js';
import { at } from '../snapshots/fd-path.js';
import { checkAddUrl, downloadUrl, isUrlSource, parseChecksum, urlFileName } from './add-url.js';
import { type BuildState, nextState, runtimeOf } from './build-state.js';
import { type CopyRequest, copyDigest, copyInto } from './copy-step.js';
import type { Instruction } from './dockerfile-parse.js';
import { type Heredoc, expandHeredoc } from './heredoc.js';
import type { StepLayer } from './layer-diff.js';
import { type Lookup, expandWord, expandWords } from './shell-expand.js';

/** What COPY and ADD need of the build they are part of. */
export interface CopyHost {
  escape: string;
  scratchDir: string;
  signal: AbortSignal;
  /** mtime of files the build makes itself (here-documents; downloads without Last-Modified). */
  createdTime: Date;
  /** SOURCE_DATE_EPOCH, for the step's created time. */
  epoch: Date | undefined;
  /** Content digests of files already hashed (the context's, as it was unpacked). */
  digests: KnownDigests;
  openSource(from: string | undefined): Promise<{ root: FileHandle; release(): Promise<void> }>;
  cached(state: BuildState, createdBy: string, inputs: string, make: () => Promise<BuildState>): Promise<BuildState>;
  change(state: BuildState, fn: (root: FileHandle) => Promise<void>): Promise<StepLayer>;
}

const FLAGS: Record<string, Set<string>> = {
  COPY: new Set(['from', 'chown', 'chmod', 'link', 'parents', 'exclude']),
  ADD: new Set(['chown', 'chmod', 'link', 'checksum', 'keep-git-dir']),
};

/** A directory of files the step makes itself: here-documents and downloads. */
interface Generated {
  dir: string;
  names: string[];
  /** Per file, what the cache key uses when the file is not made yet (a download with --checksum). */
  keys: string[];
  /** Makes the files (downloads are made only when the step runs, when their checksum keys the cache). */
  fill(): Promise<void>;
}

/** `COPY`/`ADD`: sources from the context, a stage or an image, here-documents, and (ADD) URLs. */
export async function copyInstruction(host: CopyHost, state: BuildState, ins: Instruction, lookup: Lookup): Promise<BuildState> {
  const rt = runtimeOf(state);
  const words = ins.json ? ins.json.map((w) => expandWord(w, lookup, host.escape)) : expandWords(ins.args, lookup, host.escape);
  if (words.length < 2) throw new EngineError('INVALID_ARGUMENT', `${ins.cmd} requires at least two arguments, but only one was provided. Destination could not be determined.`);
  for (const flag of Object.keys(ins.flags)) {
    if (!FLAGS[ins.cmd]!.has(flag)) throw new EngineError('INVALID_ARGUMENT', `${ins.cmd} --${flag}: unknown option; ${ins.cmd} takes --${[...FLAGS[ins.cmd]!].join(', --')}`);
    if (['parents', 'exclude', 'keep-git-dir'].includes(flag)) throw new EngineError('NOT_IMPLEMENTED', `${ins.cmd} --${flag} is not supported by this builder`);
  }
  const sources = words.slice(0, -1);
  const docs = new Map((ins.heredocs ?? []).map((h) => [h.name, h]));
  const docOf = (w: string): string | undefined => (/^<<-?/.test(w) && docs.has(w.replace(/^<<-?/, '')) ? w.replace(/^<<-?/, '') : undefined);
  if (ins.cmd === 'ADD') for (const s of sources) if (docOf(s) === undefined) checkAddUrl(s);
  const checksum = ins.cmd === 'ADD' ? parseChecksum(ins.flags.checksum) : undefined;
  const urls = ins.cmd === 'ADD' ? sources.filter((s) => docOf(s) === undefined && isUrlSource(s)) : [];
  if (checksum !== undefined && (urls.length !== 1 || sources.length !== 1)) throw new EngineError('INVALID_ARGUMENT', 'ADD --checksum needs exactly one source, a URL');
  const chmodFlag = typeof ins.flags.chmod === 'string' ? ins.flags.chmod : undefined;
  if (chmodFlag !== undefined && !/^[0-7]{3,4}$/.test(chmodFlag)) throw new EngineError('INVALID_ARGUMENT', `invalid chmod parameter: ${chmodFlag}; use an octal mode such as 755`);
  let dest = words.at(-1)!;
  const trailing = dest.endsWith('/') || dest === '.';
  if (!dest.startsWith('/')) dest = path.posix.join(rt.WorkingDir || '/', dest);
  if (trailing && !dest.endsWith('/')) dest += '/';
  if (sources.length > 1 && !dest.endsWith('/')) dest += '/';
  const destIsDir = dest.endsWith('/');
  const chown = typeof ins.flags.chown === 'string' ? expandWord(ins.flags.chown, lookup, host.escape) : undefined;
  const from = typeof ins.flags.from === 'string' ? ins.flags.from : undefined;
  const local = sources.filter((s) => docOf(s) === undefined && !urls.includes(s));

  const generated = docs.size > 0 || urls.length > 0 ? await generate(host, sources.filter((s) => !local.includes(s)), docOf, docs, lookup, destIsDir, checksum) : null;
  const source = local.length > 0 ? await host.openSource(from) : null;
  const genRoot = generated ? await open(generated.dir, constants.O_RDONLY | constants.O_DIRECTORY) : null;
  try {
    const mode = chmodFlag !== undefined ? { mode: parseInt(chmodFlag, 8) } : {};
    const requests: CopyRequest[] = [];
    if (source) {
      const missing = (s: string): string =>
        from ? `${ins.cmd} failed: stat ${s}: file does not exist` : `${ins.cmd} failed: file not found in build context or excluded by .dockerignore: stat ${s}: file does not exist`;
      requests.push({ root: source.root, sources: local, dest, missing, ...mode, ...(ins.cmd === 'ADD' ? { unpackArchives: true } : {}) });
    }
    if (genRoot && generated) {
      requests.push({ root: genRoot, sources: generated.names, dest, missing: (s) => `${ins.cmd} failed: ${s} was not made`, ...mode });
    }
    const hash = createHash('sha256');
    if (source) hash.update(await copyDigest(requests[0]!, destIsDir, host.digests));
    const lazy = generated !== null && generated.keys.some((k) => k !== '');
    if (generated && !lazy) hash.update(await copyDigest(requests.at(-1)!, destIsDir));
    if (generated && lazy) hash.update(generated.keys.join('\0'));
    const digest = hash.digest('hex');
    const flags = `${from ? `--from=${from} ` : ''}${chown ? `--chown=${chown} ` : ''}${chmodFlag ? `--chmod=${chmodFlag} ` : ''}`;
    const createdBy = `/bin/sh -c #(nop) ${ins.cmd} ${flags}${sources.length > 1 ? 'multi' : 'file'}:${digest} in ${dest} `;
    return await host.cached(state, createdBy, digest, async () => {
      if (lazy) await generated!.fill();
      const layer = await host.change(state, async (root) => {
        const owner = chown ? await resolveUser(at(root), chown) : undefined;
        for (const req of requests) await copyInto(root, { ...req, ...(owner ? { owner: { uid: owner.uid, gid: owner.gid } } : {}) });
      });
      return nextState(state, createdBy, rt, layer, host.epoch);
    });
  } finally {
    await source?.release();
    await genRoot?.close();
    if (generated) await rm(generated.dir, { recursive: true, force: true });
  }
}

/** Writes here-documents into a scratch directory and downloads URLs there (at once, or later with a checksum). */
async function generate(
  host: CopyHost,
  sources: string[],
  docOf: (w: string) => string | undefined,
  docs: Map<string, Heredoc>,
  lookup: Lookup,
  destIsDir: boolean,
  checksum: string | undefined,
): Promise<Generated> {
  const dir = await mkdtemp(path.join(host.scratchDir, 'gen-'));
  try {
    await chmod(dir, 0o755);
    const names: string[] = [];
    const keys: string[] = [];
    const later: Array<() => Promise<void>> = [];
    for (const s of sources) {
      const doc = docOf(s);
      if (doc !== undefined) {
        if (doc.includes('/') || doc === '.' || doc === '..') throw new EngineError('INVALID_ARGUMENT', `here-document name ${doc} cannot be a file name; use a plain word such as EOF`);
        const heredoc = docs.get(doc)!;
        const file = path.join(dir, doc);
        await writeFile(file, heredoc.expand ? expandHeredoc(heredoc.content, lookup) : heredoc.content, { mode: 0o644 });
        await chmod(file, 0o644);
        await utimes(file, host.createdTime, host.createdTime);
        keys.push('');
        continue;
      }
      const name = destIsDir ? urlFileName(s) : 'download';
      names.push(name);
      const file = path.join(dir, name);
      const fetchIt = async (): Promise<void> => void (await downloadUrl(s, file, checksum, host.createdTime, host.signal));
      if (checksum !== undefined) {
        keys.push(`${s}\0${checksum}\0${name}`);
        later.push(fetchIt);
      } else {
        keys.push('');
        await fetchIt();
      }
    }
    return { dir, names: [...docNames(sources, docOf), ...names], keys, fill: async () => void (await Promise.all(later.map((f) => f()))) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function docNames(sources: string[], docOf: (w: string) => string | undefined): string[] {
  return sources.map(docOf).filter((d): d is string => d !== undefined);
}
