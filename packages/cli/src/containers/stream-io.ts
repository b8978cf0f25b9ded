import type { DuplexHandle, OutputFrame } from '@berth/sdk';
import { DetachMatcher, parseDetachKeys, DEFAULT_DETACH_KEYS } from '../terminal/detach-keys.js';
import { enterRawMode, watchResize } from '../terminal/raw-terminal.js';
import type { Session } from '../session.js';

export interface PumpOptions {
  tty: boolean;
  /** Forward the terminal's stdin to the container. */
  stdin: boolean;
  detachKeys?: string;
  resize?: (rows: number, cols: number) => Promise<void>;
}

/**
 * Connects the terminal to an attached container or exec: output frames to stdout/stderr,
 * stdin (through the detach-key matcher) to the container, resizes forwarded, raw mode while
 * it runs. Resolves 'detached' when the detach keys were typed, else 'ended' when output ends.
 */
export async function pumpStreams(session: Session, handle: DuplexHandle, opts: PumpOptions): Promise<'detached' | 'ended'> {
  const restore = opts.tty && opts.stdin ? enterRawMode(session.stdin) : () => {};
  const stopResize = opts.tty && opts.resize ? watchResize(session.stdout as never, (r, c) => void opts.resize!(r, c).catch(() => {})) : () => {};
  let detached = false;
  let onDetach: () => void = () => {};
  const detachedPromise = new Promise<'detached'>((resolve) => (onDetach = () => resolve('detached')));
  const stdin = session.stdin;
  const onData = (chunk: Buffer): void => {
    if (detached) return;
    const { forward, detach } = matcher.feed(chunk);
    if (forward.length > 0) handle.write(forward);
    if (detach) {
      detached = true;
      onDetach();
    }
  };
  const onEnd = (): void => handle.closeWrite();
  const matcher = new DetachMatcher(opts.tty && opts.stdin ? parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS) : []);
  if (opts.stdin) {
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
  }
  try {
    const output = (async (): Promise<'ended'> => {
      for await (const frame of handle.output as AsyncIterable<OutputFrame>) {
        if (detached) break;
        await write(frame.stream === 'stderr' && !opts.tty ? session.stderr : session.stdout, frame.data);
      }
      return 'ended';
    })();
    const result = await Promise.race([output, detachedPromise]);
    if (result === 'detached') {
      handle.close();
      output.catch(() => {});
    }
    return result;
  } finally {
    stopResize();
    restore();
    if (opts.stdin) {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
    }
  }
}

function write(stream: NodeJS.WritableStream, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(data)) resolve();
    else stream.once('drain', resolve);
  });
}
