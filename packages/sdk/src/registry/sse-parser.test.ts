import { describe, expect, it } from 'vitest';
import { isSdkError } from '../errors.js';
import { parseSse, SSE_LINE_LIMIT, type SseMessage } from './sse-parser.js';

async function parse(chunks: (string | Buffer)[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of parseSse((async function* () { yield* chunks; })())) out.push(m);
  return out;
}

describe('parseSse', () => {
  it('reads named events, joins data lines and skips comments', async () => {
    const messages = await parse([': hello\n\nevent: registry-event\ndata: {"a":1}\n\n', 'data: one\ndata: two\nid: 7\n\n']);
    expect(messages).toEqual([
      { event: 'registry-event', data: '{"a":1}' },
      { event: 'message', data: 'one\ntwo', id: '7' },
    ]);
  });

  it('accepts CRLF and CR line ends, split anywhere between chunks (UTF-8 too)', async () => {
    const text = Buffer.from('event: gap\r\ndata: {"lost":3}\r\n\r\ndata: é\r\rdata:x\n\n');
    const chunks = [...text].map((b) => Buffer.from([b]));
    expect(await parse(chunks)).toEqual([
      { event: 'gap', data: '{"lost":3}' },
      { event: 'message', data: 'é' },
      { event: 'message', data: 'x' },
    ]);
  });

  it('dispatches nothing for an unfinished message or one without data', async () => {
    expect(await parse(['event: x\n\n', 'data: cut off'])).toEqual([]);
  });

  it('refuses a message longer than the limit instead of buffering it', async () => {
    const long = `data: ${'x'.repeat(SSE_LINE_LIMIT + 10)}`;
    await expect(parse([long])).rejects.toSatisfy((err) => isSdkError(err, 'FAILED_PRECONDITION'));
  });
});
