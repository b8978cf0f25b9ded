import type { ProgressMessage } from '@berth/sdk';
import { paint, DIM, GREEN } from './colour.js';

const STEP = /^Step (\d+)\/(\d+) : (.*)$/;

/**
 * Shows a build. Not on a terminal: the engine's lines as they come (what docker prints).
 * On a terminal: a step view, `[2/5] RUN make` per step with the step's output indented under
 * it and each finished step marked with its time.
 */
export class BuildView {
  private step: { n: string; total: string; text: string; started: number } | undefined;
  private atLineStart = true;

  constructor(private readonly out: NodeJS.WritableStream, private readonly terminal: boolean, private readonly colour: boolean) {}

  update(msg: ProgressMessage): void {
    if (msg.error) return;
    const text = msg.stream ?? (msg.status ? `${msg.id ? `${msg.id}: ` : ''}${msg.status}\n` : '');
    if (!text) return;
    if (!this.terminal) {
      this.out.write(text);
      return;
    }
    for (const line of text.split(/(?<=\n)/)) this.line(line);
  }

  private line(line: string): void {
    const bare = line.replace(/\n$/, '');
    const m = STEP.exec(bare);
    if (m) {
      this.finishStep();
      this.step = { n: m[1]!, total: m[2]!, text: m[3]!, started: Date.now() };
      this.out.write(`${paint(this.colour, 1, `[${m[1]}/${m[2]}]`)} ${m[3]}\n`);
      return;
    }
    if (/^ ---> /.test(bare) || bare === '') return;
    if (/^Successfully (built|tagged)/.test(bare)) {
      this.finishStep();
      this.out.write(paint(this.colour, GREEN, bare) + '\n');
      return;
    }
    this.out.write((this.atLineStart ? paint(this.colour, DIM, '    │ ') : '') + line);
    this.atLineStart = line.endsWith('\n');
  }

  private finishStep(): void {
    if (!this.step) return;
    if (!this.atLineStart) this.out.write('\n');
    this.atLineStart = true;
    const secs = ((Date.now() - this.step.started) / 1000).toFixed(1);
    this.out.write(paint(this.colour, DIM, `    done in ${secs}s\n`));
    this.step = undefined;
  }

  /** Called once the build settled. */
  end(): void {
    this.finishStep();
  }
}
