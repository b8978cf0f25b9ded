import type { ImageRuntimeConfig } from '@berth/sdk';
import { EngineError } from '../errors.js';
import type { Instruction } from './dockerfile-parse.js';
import { heredocFullText, heredocRunScript } from './heredoc.js';
import { type RunMount, checkRunSecurity, parseRunMount, runNetworkMode } from './run-mount-parse.js';

/** Where a bare `RUN <<EOF` whose body starts with `#!` finds its script (as BuildKit mounts it). */
export const SCRIPT_DIR = '/dev/pipes';

/** What a RUN instruction runs and how. */
export interface RunPlan {
  cmd: string[];
  /** The history line (without the `|n ARG=…` prefix). */
  createdBy: string;
  mounts: RunMount[];
  networkMode: string;
  /** The options that change the result beyond the command (mounts, network), for the cache key. */
  options: string;
  /** A script file to mount at {@link SCRIPT_DIR} for a `#!` here-document. */
  script?: { name: string; content: string };
}

/** Reads a RUN's flags (`--mount`, `--network`, `--security`), here-documents and shell into what to run. */
export function planRun(ins: Instruction, rt: ImageRuntimeConfig): RunPlan {
  const shell = rt.Shell ?? ['/bin/sh', '-c'];
  const flags = ins.flagList ?? Object.entries(ins.flags);
  const mounts: RunMount[] = [];
  for (const [name, value] of flags) {
    if (name === 'mount') {
      if (value === true) throw new EngineError('INVALID_ARGUMENT', 'RUN --mount needs a value such as type=cache,target=/root/.cache');
      mounts.push(parseRunMount(value, rt.WorkingDir ?? '/'));
    } else if (name !== 'network' && name !== 'security') {
      throw new EngineError('INVALID_ARGUMENT', `RUN --${name}: unknown option; RUN takes --mount, --network and --security`);
    }
  }
  const targets = new Set<string>();
  for (const m of mounts) {
    if (targets.has(m.target)) throw new EngineError('INVALID_ARGUMENT', `RUN --mount: two mounts have the target ${m.target}`);
    targets.add(m.target);
  }
  const networkMode = runNetworkMode(ins.flags.network);
  checkRunSecurity(ins.flags.security);
  const options = mounts.length === 0 && networkMode === 'default' ? '' : JSON.stringify({ mounts, networkMode });
  if (ins.json) return { cmd: ins.json, createdBy: `RUN ${JSON.stringify(ins.json)}`, mounts, networkMode, options };
  const heredocs = ins.heredocs ?? [];
  if (heredocs.length === 0) return { cmd: [...shell, ins.args], createdBy: `${shell.join(' ')} ${ins.args}`, mounts, networkMode, options };
  const { script, shebang } = heredocRunScript(ins.args, heredocs);
  const createdBy = `${shell.join(' ')} ${heredocFullText(ins.args, heredocs)}`.replace(/\n$/, '');
  if (!shebang) return { cmd: [...shell, script], createdBy, mounts, networkMode, options };
  const name = heredocs[0]!.name;
  if (targets.has(SCRIPT_DIR)) throw new EngineError('INVALID_ARGUMENT', `RUN --mount: ${SCRIPT_DIR} is where the here-document script goes; mount elsewhere`);
  return { cmd: [`${SCRIPT_DIR}/${name}`], createdBy, mounts, networkMode, options, script: { name, content: script } };
}
