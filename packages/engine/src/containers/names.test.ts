import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { generateName, validateName } from './names.js';

describe('container names', () => {
  it('generates adjective_surname names that are not taken', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const name = generateName((n) => taken.has(n));
      expect(name).toMatch(/^[a-z]+_[a-z]+\d?$/);
      expect(taken.has(name)).toBe(false);
      taken.add(name);
    }
  });

  it('accepts Docker-valid names and strips the slash', () => {
    expect(validateName('/web-1')).toBe('web-1');
    expect(validateName('a.b_c')).toBe('a.b_c');
  });

  it('refuses invalid names with the wording docker users know', () => {
    expect(() => validateName('x')).toThrow(EngineError);
    expect(() => validateName('bad name')).toThrow(/Invalid container name \(bad name\)/);
    expect(() => validateName('-x')).toThrow(/only \[a-zA-Z0-9\]/);
  });
});
