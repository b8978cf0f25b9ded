/**
 * Whether a descriptor is a terminal, and its size, asked of the C library directly. On Bun,
 * `process.stdout.isTTY` and `.columns` load node:tty and node:stream (about 6 ms, more than the
 * rest of a short command); through bun:ffi the same answers cost well under a millisecond.
 * On Node the streams are cheap, and there is no native probe.
 */
export interface NativeTerminal {
  isTerminal(fd: number): boolean;
  /** The window size, or undefined when the descriptor has none. */
  size(fd: number): { rows: number; columns: number } | undefined;
}

/** ioctl(2) request for the window size (struct winsize: rows, columns, 2 × pixels, u16 each) on Linux. */
const TIOCGWINSZ = 0x5413;

interface Ffi {
  dlopen(lib: string, symbols: Record<string, { args: string[]; returns: string }>): { symbols: Record<string, (...args: unknown[]) => number> };
  ptr(view: ArrayBufferView): unknown;
}

let probe: NativeTerminal | undefined | null = null;

/** The probe on Bun with glibc, else undefined (also when bun:ffi cannot load the library). */
export function nativeTerminal(): NativeTerminal | undefined {
  if (probe === null) probe = typeof (globalThis as { Bun?: unknown }).Bun === 'undefined' ? undefined : loadProbe();
  return probe;
}

function loadProbe(): NativeTerminal | undefined {
  try {
    // Looked up at run time: bun:ffi exists only on Bun.
    const ffi = (process.getBuiltinModule as (id: string) => unknown)('bun:ffi') as Ffi | undefined;
    if (!ffi) return undefined;
    const { symbols } = ffi.dlopen('libc.so.6', {
      isatty: { args: ['i32'], returns: 'i32' },
      ioctl: { args: ['i32', 'u64', 'ptr'], returns: 'i32' },
    });
    const winsize = new Uint16Array(4);
    return {
      isTerminal: (fd) => symbols.isatty!(fd) === 1,
      size: (fd) => {
        if (symbols.ioctl!(fd, TIOCGWINSZ, ffi.ptr(winsize)) !== 0 || winsize[1] === 0) return undefined;
        return { rows: winsize[0]!, columns: winsize[1]! };
      },
    };
  } catch {
    return undefined;
  }
}
