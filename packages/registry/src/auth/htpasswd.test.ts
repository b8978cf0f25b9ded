import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Htpasswd } from './htpasswd.js';

// A published crypt_blowfish test vector: password "U*U", cost 5.
const KNOWN_2Y = '$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';

describe('Htpasswd', () => {
  it('verifies a known $2y$ hash (as `htpasswd -B` writes) and refuses other passwords', async () => {
    const file = Htpasswd.parse(`# registry users\n\nalice:${KNOWN_2Y}\r\n`);
    expect(file.users).toEqual(['alice']);
    expect(await file.verify('alice', 'U*U')).toBe(true);
    expect(await file.verify('alice', 'U*V')).toBe(false);
    expect(await file.verify('alice', '')).toBe(false);
    expect(await file.verify('bob', 'U*U')).toBe(false);
  });

  it('verifies $2a$ and $2b$ hashes made by a bcrypt library', async () => {
    const b = bcrypt.hashSync('s3cret:with colon', 4);
    const a = b.replace(/^\$2b\$/, '$2a$');
    const file = Htpasswd.parse(`b:${b}\na:${a}\n`);
    expect(await file.verify('b', 's3cret:with colon')).toBe(true);
    expect(await file.verify('a', 's3cret:with colon')).toBe(true);
    expect(await file.verify('a', 's3cret')).toBe(false);
  });

  it.each([
    ['bob:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/', /line 2: user "bob" has an Apache MD5 \(\$apr1\$\) hash; only bcrypt/],
    ['bob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=', /line 2: user "bob" has a SHA-1/],
    ['bob:rqXexS6ZhobKA', /line 2: user "bob" has a DES crypt hash/],
    ['bob:hunter2', /line 2: user "bob" has an unrecognised or plain-text password/],
    ['bob:$2y$05$tooShort', /line 2: user "bob" has a malformed bcrypt hash/],
    ['bob:$2y$99$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', /line 2: user "bob" has bcrypt cost 99/],
    [`alice:${KNOWN_2Y}`, /line 2: user "alice" appears twice/],
    ['just-a-name', /line 2: expected "user:hash"/],
  ])('refuses %s at load, naming the line', (line, message) => {
    expect(() => Htpasswd.parse(`alice:${KNOWN_2Y}\n${line}\n`, 'users.htpasswd')).toThrow(message);
    expect(() => Htpasswd.parse(`alice:${KNOWN_2Y}\n${line}\n`, 'users.htpasswd')).toThrow(/^users\.htpasswd line 2/);
  });

  it('does not put the refused hash in the error', () => {
    expect(() => Htpasswd.parse('bob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=')).not.toThrow(/W6ph5/);
  });

  it('remembers a success only for its lifetime, and never a failure', async () => {
    let now = 0;
    const hash = bcrypt.hashSync('pw', 4);
    const file = Htpasswd.parse(`u:${hash}`, 'f', { cacheTtlMs: 1000, now: () => now });
    const hashing = vi.spyOn(bcrypt, 'hash');
    try {
      expect(await file.verify('u', 'pw')).toBe(true);
      expect(await file.verify('u', 'other')).toBe(false);
      expect(hashing).toHaveBeenCalledTimes(2);
      now = 500;
      expect(await file.verify('u', 'pw')).toBe(true);
      expect(hashing).toHaveBeenCalledTimes(2);
      expect(await file.verify('u', 'other')).toBe(false);
      expect(hashing).toHaveBeenCalledTimes(3);
      now = 5000;
      expect(await file.verify('u', 'pw')).toBe(true);
      expect(hashing).toHaveBeenCalledTimes(4);
    } finally {
      hashing.mockRestore();
    }
  });

  describe('load', () => {
    const dir = mkdtemp(join(tmpdir(), 'berth-htpasswd-'));
    afterAll(async () => rm(await dir, { recursive: true, force: true }));

    it('reads a file and names it in errors', async () => {
      const file = join(await dir, 'htpasswd');
      await writeFile(file, `alice:${KNOWN_2Y}\n`);
      expect(await (await Htpasswd.load(file)).verify('alice', 'U*U')).toBe(true);
      await writeFile(file, 'alice:plain\n');
      await expect(Htpasswd.load(file)).rejects.toThrow(`${file} line 1`);
      await expect(Htpasswd.load(join(await dir, 'missing'))).rejects.toMatchObject({
        code: 'FAILED_PRECONDITION',
        message: expect.stringContaining('cannot read htpasswd file'),
      });
    });
  });
});
