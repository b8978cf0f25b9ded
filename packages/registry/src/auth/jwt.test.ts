import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyId, signJwt, verifyJwt } from './jwt.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = keyId(publicKey);
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('jwt', () => {
  it('round-trips an ES256 token with a 64-byte raw signature', () => {
    const token = signJwt({ sub: 'alice' }, privateKey, kid);
    const [header, , sig] = token.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({ alg: 'ES256', typ: 'JWT', kid });
    expect(Buffer.from(sig ?? '', 'base64url')).toHaveLength(64);
    expect(verifyJwt(token, publicKey, kid)).toEqual({ sub: 'alice' });
  });

  it('refuses a changed payload', () => {
    const [h, , s] = signJwt({ sub: 'alice' }, privateKey, kid).split('.');
    expect(() => verifyJwt(`${h}.${b64({ sub: 'admin' })}.${s}`, publicKey, kid)).toThrow('signature is not valid');
  });

  it('refuses alg none and HS256 signed with the public key', () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'admin' })}.`;
    expect(() => verifyJwt(none, publicKey, kid)).toThrow('not a compact JWT');
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'admin' })}`;
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    const hs = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    expect(() => verifyJwt(hs, publicKey, kid)).toThrow('algorithm "HS256" is not accepted');
  });

  it('refuses a token from another key', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = signJwt({ sub: 'alice' }, other.privateKey, kid);
    expect(() => verifyJwt(token, publicKey, kid)).toThrow('signature is not valid');
    expect(() => verifyJwt(signJwt({}, other.privateKey, keyId(other.publicKey)), publicKey, kid)).toThrow('another key');
  });

  it('errors carry the UNAUTHORIZED OCI code', () => {
    expect(() => verifyJwt('a.b', publicKey, kid)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', ociCode: 'UNAUTHORIZED' }));
  });
});
