import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import type { BuildState } from './build-state.js';
import { parseDockerfile } from './dockerfile-parse.js';
import { planStages } from './stage-plan.js';
import { runStages } from './stage-run.js';

const FILE = 'FROM busybox AS a\nRUN a\nFROM busybox AS b\nRUN b\nFROM busybox\nCOPY --from=a /x /\nCOPY --from=b /y /\n';

function setup(): { plan: ReturnType<typeof planStages>; out: string[]; store: AsyncLocalStorage<(t: string) => void> } {
  return { plan: planStages(parseDockerfile(FILE).instructions), out: [], store: new AsyncLocalStorage() };
}

describe('runStages', () => {
  it('runs independent stages together, prints them in Dockerfile order, and the last one after its dependencies', async () => {
    const { plan, out, store } = setup();
    const started: number[] = [];
    let releaseA!: () => void;
    const aGate = new Promise<void>((r) => (releaseA = r));
    const last = await runStages(plan.build, plan.stages, {
      print: (t) => out.push(t),
      withOutput: (print, fn) => store.run(print, fn),
      abort: () => undefined,
      build: async (stage) => {
        started.push(stage.index);
        const print = store.getStore()!;
        print(`start ${stage.index}\n`);
        // Stage a waits until b has started: only a concurrent run gets past this.
        if (stage.index === 0) await aGate;
        if (stage.index === 1) releaseA();
        print(`end ${stage.index}\n`);
        return { id: `s${stage.index}` } as BuildState;
      },
    });
    expect(last.id).toBe('s2');
    expect(started.slice(0, 2).sort()).toEqual([0, 1]);
    expect(out.join('')).toBe('start 0\nend 0\nstart 1\nend 1\nstart 2\nend 2\n');
  });

  it('reports the failure that stopped the build and stops the others', async () => {
    const { plan, out, store } = setup();
    let aborted = false;
    const run = runStages(plan.build, plan.stages, {
      print: (t) => out.push(t),
      withOutput: (print, fn) => store.run(print, fn),
      abort: () => (aborted = true),
      build: async (stage) => {
        if (stage.index === 1) throw new Error('b failed');
        await new Promise((r) => setImmediate(r));
        if (aborted) throw new Error('cancelled');
        return { id: 'x' } as BuildState;
      },
    });
    await expect(run).rejects.toThrow('b failed');
    expect(aborted).toBe(true);
  });
});
