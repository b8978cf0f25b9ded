import { describe, expect, it } from 'vitest';
import { envLookup, expandWord, expandWords } from './shell-expand.js';

const env = envLookup(['NAME=berth', 'EMPTY=', 'PATH=/usr/bin']);

describe('Dockerfile variable substitution', () => {
  it('expands $VAR and ${VAR}, unset ones to nothing', () => {
    expect(expandWord('$NAME-${NAME}_x', env)).toBe('berth-berth_x');
    expect(expandWord('a${MISSING}b$MISSING', env)).toBe('ab');
    expect(expandWord('cost $5 and $', env)).toBe('cost  and $');
  });

  it('supports :- :+ and the colon-less forms', () => {
    expect(expandWord('${MISSING:-dflt}', env)).toBe('dflt');
    expect(expandWord('${EMPTY:-dflt}', env)).toBe('dflt');
    expect(expandWord('${EMPTY-dflt}', env)).toBe('');
    expect(expandWord('${NAME:-dflt}', env)).toBe('berth');
    expect(expandWord('${NAME:+alt}', env)).toBe('alt');
    expect(expandWord('${MISSING:+alt}', env)).toBe('');
    expect(expandWord('${EMPTY+alt}', env)).toBe('alt');
    expect(expandWord('${MISSING:-$NAME/x}', env)).toBe('berth/x');
    expect(() => expandWord('${MISSING:?must be set}', env)).toThrow(/MISSING: must be set/);
  });

  it('keeps single-quoted text, expands in double quotes, and honours the escape character', () => {
    expect(expandWord(`'$NAME' "$NAME" \\$NAME`, env)).toBe('$NAME berth $NAME');
    expect(expandWord('"a \\"b\\" \\n"', env)).toBe('a "b" \\n');
    expect(expandWord('`$NAME', env, '`')).toBe('$NAME');
  });

  it('splits words at unquoted white space only', () => {
    expect(expandWords('a "b c" d\\ e  $NAME', env)).toEqual(['a', 'b c', 'd e', 'berth']);
    expect(expandWords('  ', env)).toEqual([]);
  });

  it('names the problem in malformed input', () => {
    expect(() => expandWord('"open', env)).toThrow(/double-quote/);
    expect(() => expandWord('${NAME', env)).toThrow(/missing '}'/);
    expect(() => expandWord('${NAME%x}', env)).toThrow(/modifier/);
  });
});
