import { AsyncLocalStorage } from 'node:async_hooks';
import { constants } from 'node:fs';
import { type FileHandle, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ImageRuntimeConfig, OciImageConfig } from '@berth/sdk';
import { EngineError, isEngineError } from '../errors.js';
import type { Image } from '../images/image-index.js';
import type { CommitOptions } from '../images/image-storage.js';
import type { Descriptor } from '../images/oci-documents.js';
import { familiarString, parseRepoTag } from '../images/reference.js';
import type { AuthConfig } from '../images/registry-access.js';
import { resolveUser } from '../runtime/user.js';
import { type KnownDigests, NO_DIGESTS } from '../snapshots/content-digests.js';
import { at } from '../snapshots/fd-path.js';
import { locateInRoot } from '../snapshots/path-in-root.js';
import { openRootfsView, removeRootfs } from '../snapshots/rootfs.js';
import { BUILD_STEP_LABEL } from './build-step-sweep.js';
import { BuildCache } from './build-cache.js';
import { cacheFromMatch, withCreated } from './cache-from.js';
import { type BuildState, chainIdsOfState, imageState, nextState, runtimeOf, scratchState, shortId, stateOf } from './build-state.js';
import { type CopyHost, copyInstruction } from './copy-instruction.js';
import { changeLayer, mkdirInto } from './copy-step.js';
import { type Dockerfile, type Instruction, parseDockerfile } from './dockerfile-parse.js';
import { applyDockerignore } from './dockerignore.js';
import { type DiffDeps, type StepLayer, commitUpper, dropMountPoints, existsBelow } from './layer-diff.js';
import { applyMetadata } from './metadata-steps.js';
import { contextBindDigests, dropMountTargets, prepareRunMounts, writeScriptDir } from './run-mounts.js';
import { SCRIPT_DIR, planRun } from './run-plan.js';
import { type RunPorts, runToExit } from './run-step.js';
import { planStages, type Stage } from './stage-plan.js';
import { runStages } from './stage-run.js';
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
  /** `--pull`: fetch every base image from its registry even when it is present. */
  pull?: boolean;
  /** The client's registry logins (`X-Registry-Config`), for `--pull`. */
  registryAuths?: Record<string, AuthConfig>;
  /** `--network`: the network mode of RUN steps that do not set `RUN --network`. */
  networkMode?: string;
  /** `--cache-from`: local images whose steps may be reused as the cache. */
  cacheFrom?: string[];
  /** Content digests of the context's files, taken as it was unpacked, so COPY's cache keys need not read them again. */
  contextDigests?: KnownDigests;
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
  /** Fetches an image from its registry (`--pull`), with the client's logins by registry (`X-Registry-Config`). */
  pull?: (ref: string, signal: AbortSignal, auths: Record<string, AuthConfig>) => Promise<void>;
  /** Where `RUN --mount=type=cache` directories live (default: `build-mounts` beside `cacheDir`). */
  mountCacheDir?: string;
  scratchDir: string;
}

/** The directory of the RUN cache mounts. */
export function mountCacheDirOf(deps: Pick<BuilderDeps, 'cacheDir' | 'mountCacheDir'>): string {
  return deps.mountCacheDir ?? path.join(path.dirname(deps.cacheDir), 'build-mounts');
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
  /** Each instruction's `Step n/m` number, in Dockerfile order whatever order the stages run in. */
  private readonly stepNumbers = new Map<Instruction, number>();
  /** Where `print` goes: the output of the stage whose work is running (see runStages). */
  private readonly output = new AsyncLocalStorage<(text: string) => void>();
  private readonly print: (text: string) => void;
  private signal: AbortSignal;
  private stages: Stage[] = [];
  private total = 0;
  private result: string | null = null;
  private readonly mountCacheDir: string;
  /** `--cache-from` images found locally. */
  private readonly cacheFrom: BuildState[] = [];
  /** Layers and blobs a cache lookup of this build found stored. */
  private readonly present = new Set<string>();
  /** SOURCE_DATE_EPOCH: the time of everything the build makes, and the latest time in its layers. */
  private readonly epoch: Date | undefined;
  private readonly diff: DiffDeps;

  constructor(
    private readonly deps: BuilderDeps,
    private readonly contextDir: string,
    private readonly opts: BuildOptions,
    private readonly rawPrint: (text: string) => void,
    signal: AbortSignal,
    private readonly file: Dockerfile,
    private readonly aux: (id: string) => void,
  ) {
    this.signal = signal;
    this.print = (text) => (this.output.getStore() ?? rawPrint)(text);
    this.cache = new BuildCache(deps.cacheDir, (state) => this.stored(state));
    this.mountCacheDir = mountCacheDirOf(deps);
    this.epoch = sourceDateEpoch(opts.buildArgs.SOURCE_DATE_EPOCH);
    // Images named by --cache-from that are not here are left out, as dockerd does.
    for (const ref of opts.cacheFrom ?? []) {
      try {
        this.cacheFrom.push(imageState(deps.images.resolve(ref)));
      } catch {
        // not present locally
      }
    }
    this.diff = this.epoch ? { ...deps.diff, clampMtime: this.epoch } : deps.diff;
  }

  async run(): Promise<string> {
    const plan = planStages(this.file.instructions, this.opts.target);
    this.stages = plan.stages;
    this.total = plan.globalArgs.length + plan.build.reduce((n, s) => n + 1 + s.steps.length, 0);
    for (const ins of [...plan.globalArgs, ...plan.build.flatMap((s) => [s.from, ...s.steps])]) this.stepNumbers.set(ins, this.stepNumbers.size + 1);
    const globals = new Map<string, string>();
    for (const ins of plan.globalArgs) {
      this.header(ins);
      const [name, value] = this.argOf(ins, envLookup(globals), globals);
      if (value !== undefined) globals.set(name, value);
    }
    // The first stage to fail stops the others.
    const stop = new AbortController();
    const client = this.signal;
    if (client.aborted) stop.abort();
    client.addEventListener('abort', () => stop.abort(), { once: true });
    this.signal = stop.signal;
    const last = await runStages(plan.build, plan.stages, {
      print: this.rawPrint,
      build: (stage) => this.buildStage(stage, plan.stages, globals),
      // One stage writes straight through. Several need the context, whose async hooks slow every promise in the
      // daemon while any context is enabled: it is disabled again at cleanup.
      withOutput: (print, fn) => (plan.build.length > 1 ? this.output.run(print, fn) : fn()),
      abort: () => stop.abort(),
    });
    let final = last;
    if (Object.keys(this.opts.labels).length > 0) {
      const rt = structuredClone(runtimeOf(final));
      rt.Labels = { ...(rt.Labels ?? {}), ...this.opts.labels };
      final = nextState(final, `/bin/sh -c #(nop)  LABEL ${Object.entries(this.opts.labels).map(([k, v]) => `${k}=${v}`).join(' ')}`, rt, undefined, this.epoch);
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
    this.output.disable();
    // As dockerd: a failed step's container stays for inspection unless --force-rm.
    if (this.opts.forceRm || (this.opts.rm && this.result !== null)) {
      for (const id of this.containers) await this.deps.containers.remove(id, { force: true, volumes: true }).catch(() => undefined);
    }
    for (const id of this.intermediates) {
      if (id === this.result) continue;
      await this.deps.images.remove(id).catch(() => undefined);
    }
  }

  private header(ins: Instruction): void {
    this.print(`Step ${this.stepNumbers.get(ins) ?? 0}/${this.total} : ${ins.original}\n`);
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
          if (this.opts.pull && this.deps.pull) {
            this.print(`Pulling ${base}\n`);
            await this.deps.pull(base, this.signal, this.opts.registryAuths ?? {});
          }
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
        return copyInstruction(this.copyHost, state, ins, lookup);
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
    const key = BuildCache.key(state.id, createdBy, this.epoch ? `${inputs}\0epoch=${this.epoch.getTime()}` : inputs);
    if (!this.opts.noCache) {
      const hit = await this.cache.get(key);
      if (hit) {
        this.print(` ---> Using cache\n ---> ${shortId(hit.id)}\n`);
        return hit;
      }
    }
    const match = this.opts.noCache ? null : cacheFromMatch(this.cacheFrom, state, createdBy);
    if (match) {
      const reused = 'state' in match ? match.state : withCreated(await make(), match.entry.created);
      await this.cache.put(key, reused);
      this.print(` ---> Using cache\n ---> ${shortId(reused.id)}\n`);
      return reused;
    }
    const next = await make();
    await this.cache.put(key, next);
    this.print(` ---> ${shortId(next.id)}\n`);
    return next;
  }

  private metadata(state: BuildState, createdBy: string, runtime: ImageRuntimeConfig, author?: string): Promise<BuildState> {
    return this.cached(state, createdBy, '', async () => {
      const next = nextState(state, createdBy, runtime, undefined, this.epoch);
      return author === undefined ? next : stateOf({ ...next.config, author }, next.layers);
    });
  }

  private async runStep(state: BuildState, ins: Instruction, args: Map<string, string>): Promise<BuildState> {
    const rt = runtimeOf(state);
    const plan = planRun(ins, rt);
    const envNames = new Set((rt.Env ?? []).map((e) => e.split('=')[0]));
    const argEnv = [...args].filter(([k]) => !envNames.has(k)).map(([k, v]) => `${k}=${v}`);
    let createdBy = plan.createdBy;
    if (argEnv.length > 0) createdBy = `|${argEnv.length} ${argEnv.join(' ')} ${createdBy}`;
    const inputs = plan.options === '' ? '' : `${plan.options}${await contextBindDigests(this.contextDir, plan.mounts, this.opts.contextDigests)}`;
    return this.cached(state, createdBy, inputs, async () => {
      await this.ensureImage(state);
      const ports = this.deps.containers;
      const prepared = await prepareRunMounts(plan.mounts, {
        cacheRoot: this.mountCacheDir,
        scratchDir: this.deps.scratchDir,
        contextDir: this.contextDir,
        lowerDirsOf: (from) => this.lowerDirs(this.stateFrom(from)),
      });
      const scriptDir = plan.script ? await writeScriptDir(this.deps.scratchDir, plan.script) : null;
      try {
        const mounts = [...prepared.mounts, ...(scriptDir ? [{ Type: 'bind' as const, Source: scriptDir, Target: SCRIPT_DIR, ReadOnly: true }] : [])];
        const { id, code } = await runToExit(
          ports,
          {
            Image: state.id,
            Cmd: plan.cmd,
            Entrypoint: [''],
            Env: [...(rt.Env ?? []), ...argEnv],
            User: rt.User ?? '',
            WorkingDir: rt.WorkingDir ?? '',
            Labels: { [BUILD_STEP_LABEL]: 'true' },
            HostConfig: { NetworkMode: plan.networkMode === 'default' ? (this.opts.networkMode ?? 'default') : plan.networkMode, ...(mounts.length > 0 ? { Mounts: mounts } : {}) },
          },
          this.print,
          (cid) => {
            this.containers.add(cid);
            this.print(` ---> Running in ${cid.slice(0, 12)}\n`);
          },
          this.signal,
        );
        if (code !== 0) throw new RunFailed(`The command '${plan.cmd.join(' ')}' returned a non-zero code: ${code}`, code);
        const upper = ports.paths(id).upper;
        const lowers = this.lowerDirs(state);
        await dropMountPoints(upper, lowers);
        await dropMountTargets(upper, plan.mounts.map((m) => m.target), (rel) => existsBelow(lowers, rel));
        // A container removed right after may hand its upper dir over as the layer's files.
        const layer = await commitUpper(this.diff, upper, chainIdsOfState(state).at(-1) ?? null, { movable: this.opts.rm || this.opts.forceRm });
        if (this.opts.rm || this.opts.forceRm) {
          await ports.remove(id, { force: true, volumes: true });
          this.containers.delete(id);
          this.print(`Removing intermediate container ${id.slice(0, 12)}\n`);
        }
        return nextState(state, createdBy, rt, layer, this.epoch);
      } finally {
        await prepared.release();
        if (scriptDir) await rm(scriptDir, { recursive: true, force: true });
      }
    });
  }

  private async workdir(state: BuildState, ins: Instruction, lookup: (n: string) => string | undefined): Promise<BuildState> {
    const rt = structuredClone(runtimeOf(state));
    const dir = path.posix.resolve(rt.WorkingDir || '/', expandWord(ins.args, lookup, this.file.escape));
    rt.WorkingDir = dir;
    const createdBy = `/bin/sh -c #(nop) WORKDIR ${dir}`;
    const rel = dir.replace(/^\/+/, '');
    if (rel === '' || (await existsBelow(this.lowerDirs(state), rel))) return this.metadata(state, createdBy, rt);
    return this.cached(state, createdBy, 'mkdir', async () => nextState(state, createdBy, rt, await this.change(state, (root) => mkdirInto(root, dir)), this.epoch));
  }

  private change(state: BuildState, fn: (root: FileHandle) => Promise<void>): Promise<StepLayer> {
    return changeLayer(this.diff, { lowerDirs: this.lowerDirs(state), parent: chainIdsOfState(state).at(-1) ?? null, scratchDir: this.deps.scratchDir }, fn);
  }

  /** The root COPY reads from: the context, an earlier stage, or an image (`--from`). */
  private async openSource(from: string | undefined): Promise<{ root: FileHandle; release(): Promise<void> }> {
    if (from === undefined) {
      const root = await open(this.contextDir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      return { root, release: () => root.close() };
    }
    const state = this.stateFrom(from);
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


  /** The state `--from` names: an earlier stage (by name or index) or an image. */
  private stateFrom(from: string): BuildState {
    const stage = this.stages.find((s) => s.name === from.toLowerCase() || String(s.index) === from);
    const state = stage ? this.stageResults.get(stage.index) : undefined;
    if (state) return state;
    try {
      return imageState(this.deps.images.resolve(from));
    } catch {
      throw new EngineError('NOT_FOUND', `invalid from flag value ${from}: no stage or image of that name`);
    }
  }

  private get copyHost(): CopyHost {
    return {
      escape: this.file.escape,
      scratchDir: this.deps.scratchDir,
      signal: this.signal,
      createdTime: this.epoch ?? new Date(0),
      epoch: this.epoch,
      digests: this.opts.contextDigests ?? NO_DIGESTS,
      openSource: (from) => this.openSource(from),
      cached: (state, createdBy, inputs, make) => this.cached(state, createdBy, inputs, make),
      change: (state, fn) => this.change(state, fn),
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
    // What one lookup found stored stays so for the build (its images hold it): later lookups check only what is new.
    for (const id of chain) if (!this.present.has(id) && !(await this.deps.diff.layers.has(id))) return false;
    for (const d of state.layers) if (!this.present.has(d.digest) && !(await this.deps.diff.blobs.has(d.digest))) return false;
    for (const key of [...chain, ...state.layers.map((d) => d.digest)]) this.present.add(key);
    return true;
  }
}

/** Build args Docker accepts without an ARG (proxies). */
const PREDEFINED_ARGS = new Set(['SOURCE_DATE_EPOCH', 'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);

/** The SOURCE_DATE_EPOCH build arg (seconds since 1970) as a time; unset or empty: none. */
export function sourceDateEpoch(value: string | null | undefined): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!/^\d{1,12}$/.test(value)) throw new EngineError('INVALID_ARGUMENT', `SOURCE_DATE_EPOCH=${value}: expected whole seconds since 1970, such as $(git log -1 --format=%ct)`);
  return new Date(Number(value) * 1000);
}
