import { EngineError } from '../errors.js';
import type { Instruction } from './dockerfile-parse.js';

/** One `FROM … [AS name]` and the instructions up to the next FROM. */
export interface Stage {
  index: number;
  name?: string;
  /** The base as written (variables not yet expanded). */
  base: string;
  from: Instruction;
  steps: Instruction[];
}

export interface StagePlan {
  /** ARG instructions before the first FROM. */
  globalArgs: Instruction[];
  stages: Stage[];
  /** The stages to build, in order: the target and what it needs (by FROM or COPY --from). */
  build: Stage[];
}

/** Splits a Dockerfile into stages and picks those the target (default: the last stage) depends on. */
export function planStages(instructions: Instruction[], target?: string): StagePlan {
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.cmd === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(ins.args);
      if (!m) throw new EngineError('INVALID_ARGUMENT', `FROM requires either one or three arguments (line ${ins.line})`);
      const name = m[2]?.toLowerCase();
      if (name !== undefined && stages.some((s) => s.name === name)) {
        throw new EngineError('INVALID_ARGUMENT', `duplicate name ${name} (line ${ins.line})`);
      }
      stages.push({ index: stages.length, ...(name !== undefined ? { name } : {}), base: m[1]!, from: ins, steps: [] });
    } else if (stages.length === 0) {
      if (ins.cmd !== 'ARG') throw new EngineError('INVALID_ARGUMENT', `no build stage in current context: ${ins.cmd} on line ${ins.line} comes before FROM`);
      globalArgs.push(ins);
    } else stages.at(-1)!.steps.push(ins);
  }
  if (stages.length === 0) throw new EngineError('INVALID_ARGUMENT', 'the Dockerfile has no FROM instruction');
  let last = stages.at(-1)!;
  if (target !== undefined && target !== '') {
    const found = stages.find((s) => s.name === target.toLowerCase());
    if (!found) throw new EngineError('INVALID_ARGUMENT', `failed to reach build target ${target} in Dockerfile`);
    last = found;
  }
  const needed = new Set<number>();
  const visit = (stage: Stage): void => {
    if (needed.has(stage.index)) return;
    needed.add(stage.index);
    for (const dep of stageDependencies(stage, stages)) visit(stages[dep]!);
  };
  visit(last);
  return { globalArgs, stages, build: stages.filter((s) => needed.has(s.index)) };
}

/** The earlier stages a stage needs: its base (by name), `COPY --from` and `RUN --mount=…,from=` sources. */
export function stageDependencies(stage: Stage, stages: Stage[]): number[] {
  const byRef = (ref: string): Stage | undefined =>
    stages.find((s) => s.index < stage.index && (s.name === ref.toLowerCase() || String(s.index) === ref));
  const out = new Set<number>();
  const base = byRef(stage.base);
  if (base && base.name === stage.base.toLowerCase()) out.add(base.index);
  for (const ins of stage.steps) {
    const refs: string[] = [];
    if ((ins.cmd === 'COPY' || ins.cmd === 'ADD') && typeof ins.flags.from === 'string') refs.push(ins.flags.from);
    if (ins.cmd === 'RUN') {
      for (const [name, value] of ins.flagList ?? Object.entries(ins.flags)) {
        const from = name === 'mount' && typeof value === 'string' ? /(?:^|,)from=([^,]+)/.exec(value)?.[1] : undefined;
        if (from) refs.push(from);
      }
    }
    for (const ref of refs) {
      const dep = byRef(ref);
      if (dep) out.add(dep.index);
    }
  }
  return [...out];
}
