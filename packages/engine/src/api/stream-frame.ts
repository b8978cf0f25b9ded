/** Docker's multiplexed stream framing: 8-byte header (stream type, 3 zero bytes, big-endian length). */
export type StreamType = 'stdin' | 'stdout' | 'stderr' | 'system';

const TYPE_BYTE: Record<StreamType, number> = { stdin: 0, stdout: 1, stderr: 2, system: 3 };

export function frame(stream: StreamType, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = TYPE_BYTE[stream];
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

/** Writes output either framed (non-TTY) or raw (TTY). */
export function streamWriter(tty: boolean): (stream: 'stdout' | 'stderr', data: Buffer) => Buffer {
  return tty ? (_stream, data) => data : (stream, data) => frame(stream, data);
}
