import { constants } from 'node:fs';
import { type FileHandle, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ImageRuntimeConfig, OciImageConfig } from '@berth/sdk';
import { EngineError, isEngineError } from '../errors.js';
import type { Image } from '../images/image-index.js';
import type { CommitOptions } from '../images/image-storage.js';
import type { Descriptor } from '../images/oci-documents.js';
import { familiarString, parseRepoTag } from '../images/reference.js';
import { resolveUser } from '../runtime/user.js';
import { at } from '../snapshots/fd-path.js';
import { locateInRoot } from '../snapshots/path-in-root.js';
import { openRootfsView, removeRootfs } from '../snapshots/rootfs.js';
import { BuildCache } from './build-cache.js';
import { type BuildState, chainIdsOfState, imageState, nextState, runtimeOf, scratchState, shortId, stateOf } from './build-state.js';
import { changeLayer, copyDigest, copyInto, mkdirInto } from './copy-step.js';
import { type Dockerfile, type Instruction, parseDockerfile } from './dockerfile-parse.js';
import { applyDockerignore } from './dockerignore.js';
import { type DiffDeps, type StepLayer, commitUpper, dropMountPoints, existsBelow } from './layer-diff.js';
import { applyMetadata } from './metadata-steps.js';
import { type RunPorts, runToExit } from './run-step.js';
import { planStages, type Stage } from './stage-plan.js';
import { envLookup, expandWord, expandWords } from './shell-expand.js';

export interface BuildOptions {
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  noCache: boolean;
  rm: boolean;
  forceRm: boolean;
  target?: string;
  quiet: boolean;
}

export interface BuilderImages {
  resolve(ref: string): Image;
  createImage(config: OciImageConfig, layers: Descriptor[], opts?: Partial<CommitOptions>): Promise<Image>;
  remove(ref: string, opts?: { force?: boolean }): Promise<unknown>;
  tag(ref: string, repo: string, tag?: string): Promise<void>;
}

export interface BuilderDeps {
  images: BuilderImages;
  diff: DiffDeps;
  containers: RunPorts;
  cacheDir: string;
  scratchDir: string;
}

/** What the instructions of one stage share: its ARGs, whether it set CMD, the global ARGs. */
interface StageScope {
  args: Map<string, string>;
  cmdSet: boolean;
  globals: Map<string, string>;
}

/** A RUN step whose command failed; `exitCode` is what the docker CLI exits with. */
export class RunFailed extends EngineError {
  constructor(message: string, readonly exitCode: number) {
    super('FAILED_PRECONDITION', message);
  }
}

/** Runs one `docker build` of the context in `contextDir`; returns the image ID. */
export async function runBuild(
  deps: BuilderDeps,
  contextDir: string,
  opts: BuildOptions,
  print: (text: string) => void,
  aux: (id: string) => void,
  signal: AbortSignal,
): Promise<string> {
  await applyDockerignore(contextDir, opts.dockerfile);
  const text = await readDockerfile(contextDir, opts.dockerfile);
  const build = new Build(deps, contextDir, opts, opts.quiet ? () => undefined : print, signal, parseDockerfile(text), aux);
  try {
    const id = await build.run();
    if (opts.quiet) print(`${id}\n`);
    return id;
  } finally {
    await build.cleanup();
  }
}

async function readDockerfile(contextDir: string, name: string): Promise<string> {
  const root = await open(contextDir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    const loc = await locateInRoot(root, name, true);
    try {
      if (loc.name === null) throw new Error('is a directory');
      const file = await open(at(loc.dir, loc.name), constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        return await file.readFile('utf8');
      } finally {
        await file.close();
      }
    } finally {
      await loc.dir.close();
    }
  } catch {
    throw new EngineError('NOT_FOUND', `Cannot locate specified Dockerfile: ${name}`);
  } finally {
    await root.close();
  }
}

class Build {
  private readonly cache: BuildCache;
  /** Images committed for RUN steps and stages; removed at the end, except the result. */
  private readonly intermediates = new Set<string>();
  /** Containers of RUN steps still to remove. */
  private readonly containers = new Set<string>();
  private readonly stageResults = new Map<number, BuildState>();
  private readonly consumed = new Set<string>();
  private step = 0;
  private stages: Stage[] = [];
  private total = 0;
  private result: string | null = null;

  constructor(
    private readonly deps: BuilderDeps,
    private readonly contextDir: string,
    private readonly opts: BuildOptions,
    private readonly print: (text: string) => void,
    private readonly signal: AbortSignal,
    private readonly file: Dockerfile,
    private readonly aux: (id: string) => void,
  ) {
    this.cache = new BuildCache(deps.cacheDir, (state) => this.stored(state));
  }

  async run(): Promise<string> {
    const plan = planStages(this.file.instructions, this.opts.target);
    this.stages = plan.stages;
    this.total = plan.globalArgs.length + plan.build.reduce((n, s) => n + 1 + s.steps.length, 0);
    const globals = new Map<string, string>();
    for (const ins of plan.globalArgs) {
      this.header(ins);
      const [name, value] = this.argOf(ins, envLookup(globals), globals);
      if (value !== undefined) globals.set(name, value);
    }
    let last: BuildState | null = null;
    for (const stage of plan.build) last = await this.buildStage(stage, plan.stages, globals);
    let final = last!;
    if (Object.keys(this.opts.labels).length > 0) {
      const rt = structuredClone(runtimeOf(final));
      rt.Labels = { ...(rt.Labels ?? {}), ...this.opts.labels };
      final = nextState(final, `/bin/sh -c #(nop)  LABEL ${Object.entries(this.opts.labels).map(([k, v]) => `${k}=${v}`).join(' ')}`, rt);
    }
    await this.ensureImage(final);
    this.result = final.id;
    const unused = Object.keys(this.opts.buildArgs).filter((k) => !this.consumed.has(k) && !PREDEFINED_ARGS.has(k));
    if (unused.length > 0) this.print(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    this.aux(final.id);
    this.print(`Successfully built ${shortId(final.id)}\n`);
    for (const t of this.opts.tags) {
      const ref = familiarString(parseRepoTag(t));
      await this.deps.images.tag(final.id, ref);
      this.print(`Successfully tagged ${ref}\n`);
    }
    return final.id;
  }

  /** Removes the build's containers (as rm / forcerm say) and its intermediate images. */
  async cleanup(): Promise<void> {
    if (this.opts.rm || this.opts.forceRm) {
      for (const id of this.containers) await this.deps.containers.remove(id, { force: true, volumes: true }).catch(() => undefined);
    }
    for (const id of this.intermediates) {
      if (id === this.result) continue;
      await this.deps.images.remove(id).catch(() => undefined);
    }
  }

  private header(ins: Instruction): void {
    this.step++;
    this.print(`Step ${this.step}/${this.total} : ${ins.original}\n`);
  }

  private async buildStage(stage: Stage, stages: Stage[], globals: Map<string, string>): Promise<BuildState> {
    this.header(stage.from);
    const base = expandWord(stage.base, envLookup(globals), this.file.escape);
    let state: BuildState;
    const named = stages.find((s) => s.name === base.toLowerCase() && s.index < stage.index);
    if (base === 'scratch') state = scratchState();
    else {
      if (named) state = this.stageResults.get(named.index)!;
      else {
        try {
          state = imageState(this.deps.images.resolve(base));
        } catch (err) {
          if (isEngineError(err, 'NOT_FOUND')) throw new EngineError('NOT_FOUND', `pull access denied for ${base}: the image is not present locally; pull or import it first`);
          throw err;
        }
      }
      this.print(` ---> ${shortId(state.id)}\n`);
    }
    const scope: StageScope = { args: new Map(), cmdSet: false, globals };
    state = await this.onBuildTriggers(state, scope);
    for (const ins of stage.steps) {
      this.header(ins);
      state = await this.execute(state, ins, scope);
    }
    this.stageResults.set(stage.index, state);
    return state;
  }

  /** Runs the ONBUILD triggers a base image carries, as Docker does right after FROM, and clears them. */
  private async onBuildTriggers(state: BuildState, scope: StageScope): Promise<BuildState> {
    const triggers = runtimeOf(state).OnBuild ?? [];
    if (triggers.length === 0) return state;
    this.print(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}\n`);
    const rt = structuredClone(runtimeOf(state));
    rt.OnBuild = null;
    let next = stateOf({ ...state.config, config: rt }, state.layers);
    for (const trigger of triggers) {
      const ins = parseDockerfile(trigger).instructions[0];
      if (ins) next = await this.execute(next, ins, scope);
    }
    return next;
  }

  private async execute(state: BuildState, ins: Instruction, scope: StageScope): Promise<BuildState> {
    if (this.signal.aborted) throw new EngineError('INVALID_ARGUMENT', 'the build was cancelled');
    const rt = runtimeOf(state);
    // ENV wins over ARG of the same name.
    const lookup = envLookup(scope.args, rt.Env ?? []);
    switch (ins.cmd) {
      case 'ARG': {
        const [name, value] = this.argOf(ins, lookup, scope.globals);
        if (value !== undefined) scope.args.set(name, value);
        return this.metadata(state, `/bin/sh -c #(nop)  ARG ${ins.args}`, rt);
      }
      case 'RUN':
        return this.runStep(state, ins, scope.args);
      case 'COPY':
      case 'ADD':
        return this.copyStep(state, ins, lookup);
      case 'WORKDIR':
        return this.workdir(state, ins, lookup);
      case 'MAINTAINER':
        return this.metadata(state, `/bin/sh -c #(nop)  MAINTAINER ${ins.args}`, rt, ins.args);
      case 'FROM':
        throw new EngineError('INVALID_ARGUMENT', `FROM is not allowed here (line ${ins.line})`);
      default: {
        const change = applyMetadata(ins, rt, lookup, this.file.escape, scope.cmdSet);
        if (ins.cmd === 'CMD') scope.cmdSet = true;
        return this.metadata(state, change.createdBy, change.runtime);
      }
    }
  }

  /** `ARG name[=default]`: its value from --build-arg, the default, or a global ARG of that name. */
  private argOf(ins: Instruction, lookup: (n: string) => string | undefined, globals: Map<string, string>): [string, string | undefined] {
    const eq = ins.args.indexOf('=');
    const name = (eq < 0 ? ins.args : ins.args.slice(0, eq)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new EngineError('INVALID_ARGUMENT', `ARG requires a valid name, got ${JSON.stringify(name)}`);
    this.consumed.add(name);
    const given = this.opts.buildArgs[name];
    if (given !== undefined && given !== null) return [name, given];
    if (eq >= 0) return [name, expandWord(ins.args.slice(eq + 1).trim(), lookup, this.file.escape)];
    return [name, globals.get(name)];
  }

  /** A step looked up in the cache by (parent, instruction, inputs), else made by `make`. */
  private async cached(state: BuildState, createdBy: string, inputs: string, make: () => Promise<BuildState>): Promise<BuildState> {
    const key = BuildCache.key(state.id, createdBy, inputs);
    if (!this.opts.noCache) {
      const hit = await this.cache.get(key);
      if (hit) {
        this.print(` ---> Using cache\n ---> ${shortId(hit.id)}\n`);
        return hit;
      }
    }
    const next = await make();
    await this.cache.put(key, next);
    this.print(` ---> ${shortId(next.id)}\n`);
    return next;
  }

  private metadata(state: BuildState, createdBy: string, runtime: ImageRuntimeConfig, author?: string): Promise<BuildState> {
    return this.cached(state, createdBy, '', async () => {
      const next = nextState(state, createdBy, runtime);
      return author === undefined ? next : stateOf({ ...next.config, author }, next.layers);
    });
  }

  private async runStep(state: BuildState, ins: Instruction, args: Map<string, string>): Promise<BuildState> {
    const rt = runtimeOf(state);
    const shell = rt.Shell ?? ['/bin/sh', '-c'];
    const cmd = ins.json ?? [...shell, ins.args];
    const envNames = new Set((rt.Env ?? []).map((e) => e.split('=')[0]));
    const argEnv = [...args].filter(([k]) => !envNames.has(k)).map(([k, v]) => `${k}=${v}`);
    let createdBy = ins.json ? `RUN ${JSON.stringify(ins.json)}` : `${shell.join(' ')} ${ins.args}`;
    if (argEnv.length > 0) createdBy = `|${argEnv.length} ${argEnv.join(' ')} ${createdBy}`;
    return this.cached(state, createdBy, '', async () => {
      await this.ensureImage(state);
      const ports = this.deps.containers;
      const { id, code } = await runToExit(
        ports,
        {
          Image: state.id,
          Cmd: cmd,
          Entrypoint: [''],
          Env: [...(rt.Env ?? []), ...argEnv],
          User: rt.User ?? '',
          WorkingDir: rt.WorkingDir ?? '',
          Labels: {},
          HostConfig: { NetworkMode: 'default' },
        },
        this.print,
        (cid) => {
          this.containers.add(cid);
          this.print(` ---> Running in ${cid.slice(0, 12)}\n`);
        },
        this.signal,
      );
      if (code !== 0) throw new RunFailed(`The command '${cmd.join(' ')}' returned a non-zero code: ${code}`, code);
      const upper = ports.paths(id).upper;
      const lowers = this.lowerDirs(state);
      await dropMountPoints(upper, lowers);
      const layer = await commitUpper(this.deps.diff, upper, chainIdsOfState(state).at(-1) ?? null);
      if (this.opts.rm || this.opts.forceRm) {
        await ports.remove(id, { force: true, volumes: true });
        this.containers.delete(id);
        this.print(`Removing intermediate container ${id.slice(0, 12)}\n`);
      }
      return nextState(state, createdBy, rt, layer);
    });
  }

  private async copyStep(state: BuildState, ins: Instruction, lookup: (n: string) => string | undefined): Promise<BuildState> {
    const rt = runtimeOf(state);
    const words = ins.json ? ins.json.map((w) => expandWord(w, lookup, this.file.escape)) : expandWords(ins.args, lookup, this.file.escape);
    if (words.length < 2) throw new EngineError('INVALID_ARGUMENT', `${ins.cmd} requires at least two arguments, but only one was provided. Destination could not be determined.`);
    for (const flag of Object.keys(ins.flags)) {
      if (!['from', 'chown', 'chmod'].includes(flag) || (flag === 'from' && ins.cmd === 'ADD')) throw new EngineError('INVALID_ARGUMENT', `${ins.cmd} --${flag} is not supported by this builder yet`);
    }
    const sources = words.slice(0, -1);
    if (ins.cmd === 'ADD' && sources.some((s) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@'))) {
      throw new EngineError('INVALID_ARGUMENT', 'ADD of a URL or git repository is not supported by this builder; download it in a RUN step or into the context');
    }
    const chmod = typeof ins.flags.chmod === 'string' ? ins.flags.chmod : undefined;
    if (chmod !== undefined && !/^[0-7]{3,4}$/.test(chmod)) throw new EngineError('INVALID_ARGUMENT', `invalid chmod parameter: ${chmod}; use an octal mode such as 755`);
    let dest = words.at(-1)!;
    const trailing = dest.endsWith('/') || dest === '.';
    if (!dest.startsWith('/')) dest = path.posix.join(rt.WorkingDir || '/', dest);
    if (trailing && !dest.endsWith('/')) dest += '/';
    const chown = typeof ins.flags.chown === 'string' ? expandWord(ins.flags.chown, lookup, this.file.escape) : undefined;
    const from = typeof ins.flags.from === 'string' ? ins.flags.from : undefined;
    const source = await this.openSource(from);
    try {
      const missing = (s: string): string =>
        from ? `${ins.cmd} failed: stat ${s}: file does not exist` : `${ins.cmd} failed: file not found in build context or excluded by .dockerignore: stat ${s}: file does not exist`;
      const request = {
        root: source.root,
        sources,
        dest,
        missing,
        ...(chmod !== undefined ? { mode: parseInt(chmod, 8) } : {}),
        ...(ins.cmd === 'ADD' ? { unpackArchives: true } : {}),
      };
      const digest = await copyDigest(request, dest.endsWith('/') || sources.length > 1);
      const flags = `${from ? `--from=${from} ` : ''}${chown ? `--chown=${chown} ` : ''}${chmod ? `--chmod=${chmod} ` : ''}`;
      const createdBy = `/bin/sh -c #(nop) ${ins.cmd} ${flags}${sources.length > 1 ? 'multi' : 'file'}:${digest} in ${dest} `;
      return await this.cached(state, createdBy, digest, async () => {
        const layer = await this.change(state, async (root) => {
          const owner = chown ? await resolveUser(at(root), chown) : undefined;
          await copyInto(root, { ...request, ...(owner ? { owner: { uid: owner.uid, gid: owner.gid } } : {}) });
        });
        return nextState(state, createdBy, rt, layer);
      });
    } finally {
      await source.release();
    }
  }

  private async workdir(state: BuildState, ins: Instruction, lookup: (n: string) => string | undefined): Promise<BuildState> {
    const rt = structuredClone(runtimeOf(state));
    const dir = path.posix.resolve(rt.WorkingDir || '/', expandWord(ins.args, lookup, this.file.escape));
    rt.WorkingDir = dir;
    const createdBy = `/bin/sh -c #(nop) WORKDIR ${dir}`;
    const rel = dir.replace(/^\/+/, '');
    if (rel === '' || (await existsBelow(this.lowerDirs(state), rel))) return this.metadata(state, createdBy, rt);
    return this.cached(state, createdBy, 'mkdir', async () => nextState(state, createdBy, rt, await this.change(state, (root) => mkdirInto(root, dir))));
  }

  private change(state: BuildState, fn: (root: FileHandle) => Promise<void>): Promise<StepLayer> {
    return changeLayer(this.deps.diff, { lowerDirs: this.lowerDirs(state), parent: chainIdsOfState(state).at(-1) ?? null, scratchDir: this.deps.scratchDir }, fn);
  }

  /** The root COPY reads from: the context, an earlier stage, or an image (`--from`). */
  private async openSource(from: string | undefined): Promise<{ root: FileHandle; release(): Promise<void> }> {
    if (from === undefined) {
      const root = await open(this.contextDir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      return { root, release: () => root.close() };
    }
    let state: BuildState | undefined;
    const stage = this.stages.find((s) => s.name === from.toLowerCase() || String(s.index) === from);
    if (stage) state = this.stageResults.get(stage.index);
    if (!state) {
      try {
        state = imageState(this.deps.images.resolve(from));
      } catch {
        throw new EngineError('NOT_FOUND', `invalid from flag value ${from}: no stage or image of that name`);
      }
    }
    const dir = await mkdtemp(path.join(this.deps.scratchDir, 'from-'));
    await mkdir(path.join(dir, 'merged'));
    const lowers = this.lowerDirs(state);
    const root = lowers.length > 0 ? await openRootfsView({ lowerDirs: lowers, dir }) : await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    return {
      root,
      release: async () => {
        await root.close();
        await removeRootfs(dir).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }


  private lowerDirs(state: BuildState): string[] {
    return chainIdsOfState(state).map((id) => this.deps.diff.layers.diffDir(id)).reverse();
  }

  /** Commits the state as an image when no image has its ID yet (a RUN container needs one; so does the result). */
  private async ensureImage(state: BuildState): Promise<void> {
    try {
      this.deps.images.resolve(state.id);
      return;
    } catch (err) {
      if (!isEngineError(err, 'NOT_FOUND')) throw err;
    }
    await this.deps.images.createImage(state.config, state.layers, { configText: state.configText });
    this.intermediates.add(state.id);
  }

  private async stored(state: BuildState): Promise<boolean> {
    const chain = chainIdsOfState(state);
    if (chain.length !== state.layers.length) return false;
    for (const id of chain) if (!(await this.deps.diff.layers.has(id))) return false;
    for (const d of state.layers) if (!(await this.deps.diff.blobs.has(d.digest))) return false;
    return true;
  }
}

/** Build args Docker accepts without an ARG (proxies). */
const PREDEFINED_ARGS = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);
