/** Whether an `If-None-Match` header names the content with this digest (quoted, bare or `*`). */
export function etagMatches(header: string | undefined, digest: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === `"${digest}"` || tag === digest || tag === '*';
  });
}
