import { StringDecoder } from 'node:string_decoder';
import { SdkError } from '../errors.js';

/** One Server-Sent Events message: its `event` name (`message` when unnamed) and its data lines joined. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/** Longest line (and message) accepted; a stream that sends more is refused rather than buffered. */
export const SSE_LINE_LIMIT = 1024 * 1024;

/**
 * Parses a `text/event-stream` body as the HTML standard describes it: lines end in CRLF, LF
 * or CR; `field: value` lines build a message; a blank line dispatches it; `:` lines are
 * comments. Memory stays within {@link SSE_LINE_LIMIT} per message.
 */
export async function* parseSse(body: AsyncIterable<Buffer | string>): AsyncGenerator<SseMessage> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let skipLf = false;
  let event = '';
  let data: string[] = [];
  let size = 0;
  let id: string | undefined;
  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c === 10 && skipLf) {
        skipLf = false;
        start = i + 1;
        continue;
      }
      skipLf = false;
      if (c !== 10 && c !== 13) continue;
      skipLf = c === 13;
      const line = buffer.slice(start, i);
      start = i + 1;
      if (line === '') {
        if (data.length > 0) yield { event: event || 'message', data: data.join('\n'), ...(id !== undefined && { id }) };
        event = '';
        data = [];
        size = 0;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'id' && !value.includes('\0')) id = value;
      else if (field === 'data') {
        size += value.length + 1;
        if (size > SSE_LINE_LIMIT) throw tooLong();
        data.push(value);
      }
    }
    buffer = buffer.slice(start);
    if (buffer.length > SSE_LINE_LIMIT) throw tooLong();
  }
}

function tooLong(): SdkError {
  return new SdkError('FAILED_PRECONDITION', `the event stream sent a message longer than ${SSE_LINE_LIMIT} bytes; refusing it`);
}
