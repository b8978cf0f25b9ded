import type { BuildState } from './build-state.js';
import { type Stage, stageDependencies } from './stage-plan.js';

export interface StageRunner {
  /** Where the build's output goes. */
  print(text: string): void;
  /** Builds one stage; the stages it depends on are done by then. */
  build(stage: Stage): Promise<BuildState>;
  /** Runs `fn` with `print` as the output of everything it does. */
  withOutput<T>(print: (text: string) => void, fn: () => Promise<T>): Promise<T>;
  /** Stops the stages still running (one has failed). */
  abort(): void;
}

/** A stage's output: written through while it is the first unfinished stage in Dockerfile order, held back before. */
class StageOutput {
  private held: string[] = [];
  live = false;
  done = false;
  constructor(private readonly out: (text: string) => void) {}
  write(text: string): void {
    if (this.live) this.out(text);
    else this.held.push(text);
  }
  goLive(): void {
    this.live = true;
    for (const text of this.held) this.out(text);
    this.held = [];
  }
}

/**
 * Builds `stages` (in Dockerfile order) each as soon as the stages it depends on are built, so independent stages
 * run at the same time; the output still reads stage after stage. Returns the last stage's result.
 */
export async function runStages(stages: Stage[], all: Stage[], runner: StageRunner): Promise<BuildState> {
  const outputs = stages.map(() => new StageOutput(runner.print));
  let active = 0;
  const advance = (): void => {
    while (active < outputs.length) {
      outputs[active]!.goLive();
      if (!outputs[active]!.done) return;
      active++;
    }
  };
  advance();
  const results = new Map<number, Promise<BuildState>>();
  for (const [i, stage] of stages.entries()) {
    const deps = stageDependencies(stage, all).map((d) => results.get(d)).filter((p): p is Promise<BuildState> => p !== undefined);
    const out = outputs[i]!;
    const result = Promise.all(deps).then(() => runner.withOutput((text) => out.write(text), () => runner.build(stage)));
    results.set(stage.index, result.finally(() => {
      out.done = true;
      advance();
    }));
  }
  let first: { error: unknown } | null = null;
  const settled = await Promise.allSettled([...results.values()].map((p) => p.catch((err: unknown) => {
    first ??= { error: err };
    runner.abort();
    throw err;
  })));
  // The failure that stopped the build is the one reported, not the cancellations it caused.
  if (first) throw (first as { error: unknown }).error;
  return (settled.at(-1) as PromiseFulfilledResult<BuildState>).value;
}
