import type { ProgressMessage } from '@berth/sdk';
import { humanSize } from './humanize.js';

/**
 * Shows pull/push progress. On a terminal: one line per layer, redrawn in place, with a bar.
 * Otherwise: a plain line for each change of a layer's status (no bars, no escapes).
 */
export class ProgressView {
  private readonly order: string[] = [];
  private readonly lines = new Map<string, string>();
  private readonly lastStatus = new Map<string, string>();
  private drawn = 0;

  constructor(private readonly out: NodeJS.WritableStream, private readonly terminal: boolean, private readonly width = 80) {}

  update(msg: ProgressMessage): void {
    if (msg.error) return;
    if (msg.stream !== undefined) {
      this.write(msg.stream.endsWith('\n') ? msg.stream : msg.stream + '\n');
      return;
    }
    if (!msg.status) return;
    if (!msg.id) {
      this.write(`${msg.status}\n`);
      return;
    }
    const line = `${msg.id}: ${msg.status}${this.terminal ? bar(msg, this.width - msg.id.length - msg.status.length - 4) : ''}`;
    if (!this.terminal) {
      // Byte counts change constantly; print a layer's line only when its status changes.
      if (this.lastStatus.get(msg.id) === msg.status) return;
      this.lastStatus.set(msg.id, msg.status);
      this.out.write(`${line}\n`);
      return;
    }
    if (!this.lines.has(msg.id)) this.order.push(msg.id);
    this.lines.set(msg.id, line);
    this.redraw();
  }

  private write(text: string): void {
    if (this.terminal && this.drawn > 0) {
      // Layer lines stay at the bottom: the message goes above them.
      this.out.write(`\x1b[${this.drawn}A\x1b[J${text}`);
      this.drawn = 0;
      this.redraw();
    } else {
      this.out.write(text);
    }
  }

  private redraw(): void {
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    const body = this.order.map((id) => `\x1b[2K${this.lines.get(id)!.slice(0, this.width - 1)}\n`).join('');
    this.out.write(up + body);
    this.drawn = this.order.length;
  }
}

/** ` [=====>      ]  1.2MB/4.5MB` sized to the room left on the line. */
export function bar(msg: ProgressMessage, room: number): string {
  const current = msg.progressDetail?.current;
  const total = msg.progressDetail?.total;
  if (current === undefined || !total || total <= 0) return '';
  const sizes = `  ${humanSize(current)}/${humanSize(total)}`;
  const width = Math.min(50, room - sizes.length - 3);
  if (width < 10) return sizes;
  const filled = Math.min(width, Math.floor((current / total) * width));
  const arrow = filled < width ? '>' : '';
  return `  [${'='.repeat(Math.max(0, filled - arrow.length))}${arrow}${' '.repeat(width - Math.max(filled, arrow.length))}]${sizes}`;
}
