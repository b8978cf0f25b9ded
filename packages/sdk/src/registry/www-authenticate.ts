/** One challenge of a `WWW-Authenticate` header (RFC 7235): `Bearer realm="…",service="…",scope="…"`. */
export interface AuthChallenge {
  /** Lower-cased: `basic`, `bearer`, … */
  scheme: string;
  /** Parameter names lower-cased; quoted values unescaped. */
  params: Record<string, string>;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const SPACE = /[ \t]/;

/**
 * Parses every challenge of one or more `WWW-Authenticate` values. Quoted values may hold
 * commas (`scope="repository:a:pull,push"`) and escaped quotes; a bare token after a scheme
 * starts the next challenge, so `Basic realm="x", Bearer realm="y"` gives two.
 */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  if (typeof header !== 'string') return header.flatMap((h) => parseWwwAuthenticate(h));
  const s = header;
  let i = 0;
  const challenges: AuthChallenge[] = [];
  let current: AuthChallenge | undefined;
  const skip = (re: RegExp): void => {
    while (i < s.length && re.test(s[i]!)) i++;
  };
  const token = (): string => {
    const start = i;
    skip(TCHAR);
    return s.slice(start, i);
  };
  while (i < s.length) {
    skip(/[ \t,]/);
    const name = token();
    if (name === '') {
      i++; // not a token: skip the character and carry on
      continue;
    }
    skip(SPACE);
    if (current !== undefined && s[i] === '=') {
      i++;
      skip(SPACE);
      current.params[name.toLowerCase()] = s[i] === '"' ? quoted() : token();
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
  }
  return challenges;

  function quoted(): string {
    let value = '';
    i++; // opening quote
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      value += s[i];
      i++;
    }
    i++; // closing quote
    return value;
  }
}
