import type { LogEntry } from '../containers/log-file.js';
import { formatTimestamp } from '../containers/log-file.js';

const TYPE_BYTE = { stdout: 1, stderr: 2 } as const;

/**
 * A batch of log entries as one buffer for the wire: raw with a TTY, else Docker's
 * multiplexed frames, consecutive entries of one stream sharing a frame (the client only
 * demultiplexes, so frame boundaries carry no meaning). `timestamps` prefixes each entry.
 */
export function frameLogBatch(entries: LogEntry[], tty: boolean, timestamps: boolean): Buffer {
  const parts: Buffer[] = [];
  let header: Buffer | null = null;
  let frameLength = 0;
  let stream: LogEntry['stream'] | null = null;
  const close = (): void => {
    if (header) header.writeUInt32BE(frameLength, 4);
  };
  for (const entry of entries) {
    if (!tty && entry.stream !== stream) {
      close();
      header = Buffer.alloc(8);
      header[0] = TYPE_BYTE[entry.stream];
      parts.push(header);
      frameLength = 0;
      stream = entry.stream;
    }
    if (timestamps) {
      const ts = Buffer.from(`${formatTimestamp(entry)} `);
      parts.push(ts);
      frameLength += ts.length;
    }
    parts.push(entry.data);
    frameLength += entry.data.length;
  }
  close();
  return Buffer.concat(parts);
}
