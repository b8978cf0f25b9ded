/** Parses a stream of JSON values separated by newlines (Docker's progress, events and stats streams). */
export async function* jsonLines<T>(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<T> {
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line !== '') yield JSON.parse(line) as T;
      nl = pending.indexOf('\n');
    }
  }
  const last = pending.trim();
  if (last !== '') yield JSON.parse(last) as T;
}
