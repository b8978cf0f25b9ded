import { EngineError } from '../errors.js';

/** Looks a variable up; undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

/** A lookup over `KEY=value` lines, later lines winning (an image's `Env`). */
export function envLookup(...sources: Array<string[] | Map<string, string>>): Lookup {
  const map = new Map<string, string>();
  for (const source of sources) {
    if (source instanceof Map) for (const [k, v] of source) map.set(k, v);
    else for (const line of source) {
      const eq = line.indexOf('=');
      if (eq > 0) map.set(line.slice(0, eq), line.slice(eq + 1));
    }
  }
  return (name) => map.get(name);
}

/**
 * Expands `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?msg}` and
 * `${VAR?msg}` the way Dockerfile instructions do, and removes quotes: single quotes keep their text literally,
 * double quotes still expand, the escape character takes the next character literally.
 */
export function expandWord(text: string, lookup: Lookup, escape = '\\'): string {
  return new Lexer(text, lookup, escape).words(false)[0] ?? '';
}

/** As {@link expandWord}, split into words at unquoted white space (`COPY a b /dst/`, `EXPOSE 80 443`). */
export function expandWords(text: string, lookup: Lookup, escape = '\\'): string[] {
  return new Lexer(text, lookup, escape).words(true);
}

class Lexer {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly lookup: Lookup,
    private readonly escape: string,
  ) {}

  words(split: boolean): string[] {
    const out: string[] = [];
    let word = '';
    let started = false;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (split && /\s/.test(c)) {
        if (started) out.push(word);
        word = '';
        started = false;
        this.pos++;
        continue;
      }
      started = true;
      if (c === this.escape) {
        this.pos++;
        if (this.pos < this.text.length) word += this.text[this.pos++];
        else word += c;
      } else if (c === "'") {
        word += this.single();
      } else if (c === '"') {
        word += this.double();
      } else if (c === '$') {
        word += this.variable();
      } else {
        word += c;
        this.pos++;
      }
    }
    if (started) out.push(word);
    return out;
  }

  private single(): string {
    const end = this.text.indexOf("'", this.pos + 1);
    if (end < 0) throw new EngineError('INVALID_ARGUMENT', `unexpected end of statement while looking for matching single-quote in ${JSON.stringify(this.text)}`);
    const out = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return out;
  }

  private double(): string {
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === this.escape && this.pos + 1 < this.text.length) {
        const next = this.text[this.pos + 1]!;
        // Inside double quotes the escape only takes effect before `"`, `$` and itself.
        out += next === '"' || next === '$' || next === this.escape ? next : c + next;
        this.pos += 2;
      } else if (c === '$') {
        out += this.variable();
      } else {
        out += c;
        this.pos++;
      }
    }
    throw new EngineError('INVALID_ARGUMENT', `unexpected end of statement while looking for matching double-quote in ${JSON.stringify(this.text)}`);
  }

  /** At a `$`: the value it stands for, or `$` itself when no name follows. */
  private variable(): string {
    this.pos++;
    const rest = this.text.slice(this.pos);
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest) ?? /^[0-9]/.exec(rest);
    if (bare) {
      this.pos += bare[0].length;
      return this.lookup(bare[0]) ?? '';
    }
    if (rest[0] !== '{') return '$';
    const name = /^\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+)/.exec(rest);
    if (!name) throw new EngineError('INVALID_ARGUMENT', `bad substitution in ${JSON.stringify(this.text)}`);
    this.pos += name[0].length;
    const value = this.lookup(name[1]!);
    if (this.text[this.pos] === '}') {
      this.pos++;
      return value ?? '';
    }
    if (this.pos >= this.text.length) throw new EngineError('INVALID_ARGUMENT', `missing '}' in ${JSON.stringify(this.text)}`);
    const op = /^(:?[-+?])/.exec(this.text.slice(this.pos));
    if (!op) throw new EngineError('INVALID_ARGUMENT', `unsupported modifier in ${JSON.stringify(this.text)}: only :- :+ :? (with or without the colon) are allowed`);
    this.pos += op[1]!.length;
    const word = this.until('}');
    const colon = op[1]!.startsWith(':');
    const set = colon ? value !== undefined && value !== '' : value !== undefined;
    switch (op[1]!.at(-1)) {
      case '-':
        return set ? value! : word;
      case '+':
        return set ? word : '';
      default:
        if (!set) throw new EngineError('INVALID_ARGUMENT', `${name[1]}: ${word || 'is not allowed to be unset'}`);
        return value!;
    }
  }

  /** The expanded word up to the closing `}` (which is consumed). */
  private until(close: string): string {
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === close) {
        this.pos++;
        return out;
      }
      if (c === this.escape && this.pos + 1 < this.text.length) {
        out += this.text[this.pos + 1];
        this.pos += 2;
      } else if (c === "'") out += this.single();
      else if (c === '"') out += this.double();
      else if (c === '$') out += this.variable();
      else {
        out += c;
        this.pos++;
      }
    }
    throw new EngineError('INVALID_ARGUMENT', `missing '}' in ${JSON.stringify(this.text)}`);
  }
}
