import type { ProgressMessage } from '@berth/sdk';

/**
 * Docker's JSON progress messages for pulls and pushes, as the docker CLI renders them: a
 * status line per layer (`id` = the first 12 hex digits of its blob digest), with
 * `progressDetail` and the text bar for transfers.
 */
export function layerId(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

export function layerStatus(digest: string, status: string): ProgressMessage {
  return { status, progressDetail: {}, id: layerId(digest) };
}

export function layerProgress(digest: string, status: string, current: number, total: number): ProgressMessage {
  return { status, progressDetail: { current, total }, progress: progressBar(current, total), id: layerId(digest) };
}

/** The CLI's fallback text bar: `[=====>     ]  1.2MB/4.1MB`. */
export function progressBar(current: number, total: number): string {
  const width = 50;
  const filled = total > 0 ? Math.min(width, Math.floor((current / total) * width)) : 0;
  const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}`;
  return `[${bar}] ${humanSize(current).padStart(8)}/${humanSize(total)}`;
}

/** Decimal sizes as Docker prints them (`69.21kB`, `4.066MB`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toPrecision(4))}${units[unit]}`;
}

/**
 * Passes progress on at most every `intervalMs` per layer (the CLI redraws on every message,
 * and a 256 MiB layer moves in thousands of chunks), always the last one.
 */
export class ProgressThrottle {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs = 100) {}

  due(digest: string, current: number, total: number): boolean {
    const now = Date.now();
    if (current < total && now - (this.last.get(digest) ?? 0) < this.intervalMs) return false;
    this.last.set(digest, now);
    return true;
  }
}
