import { UsageError } from '../args/parse-args.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** "ctrl-p,ctrl-q" → [0x10, 0x11]; single characters stand for themselves, as in docker. */
export function parseDetachKeys(spec: string): number[] {
  return spec.split(',').map((key) => {
    const k = key.trim();
    const ctrl = /^ctrl-(.)$/i.exec(k);
    if (ctrl) {
      const ch = ctrl[1]!;
      const map: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 };
      if (/[a-z]/i.test(ch)) return ch.toLowerCase().charCodeAt(0) - 96;
      if (ch in map) return map[ch]!;
    } else if (k.length === 1) {
      return k.charCodeAt(0);
    }
    throw new UsageError(`invalid detach key "${k}": use a letter, ctrl-<letter>, ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^ or ctrl-_`);
  });
}

/**
 * Watches typed input for the detach sequence. Bytes that might start the sequence are held
 * back until it is clear they do not; a completed sequence is swallowed.
 */
export class DetachMatcher {
  private held: number[] = [];

  constructor(private readonly keys: readonly number[]) {}

  /** Returns what to forward to the container, and whether the sequence was typed. */
  feed(chunk: Buffer): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    if (this.keys.length === 0) return { forward: chunk, detach: false };
    for (const byte of chunk) {
      if (byte === this.keys[this.held.length]) {
        this.held.push(byte);
        if (this.held.length === this.keys.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      out.push(...this.held);
      this.held = [];
      if (byte === this.keys[0]) this.held.push(byte);
      else out.push(byte);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
