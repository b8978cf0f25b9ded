import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { RegistryError } from '../errors.js';

/**
 * Compact JWS with ES256 only (ECDSA P-256 + SHA-256, raw r||s signatures as RFC 7518 asks).
 * Verification pins the algorithm: `none`, HS256 and anything else are refused.
 */
export interface JwtHeader {
  alg: 'ES256';
  typ: 'JWT';
  kid: string;
}

export function signJwt(payload: object, privateKey: KeyObject, kid: string): string {
  const header: JwtHeader = { alg: 'ES256', typ: 'JWT', kid };
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** Checks the signature and returns the payload; throws UNAUTHORIZED-flavoured errors. */
export function verifyJwt(token: string, publicKey: KeyObject, kid: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) throw invalidToken('token is not a compact JWT');
  const [h, p, s] = parts as [string, string, string];
  const header = decode(h, 'header');
  if (header.alg !== 'ES256') throw invalidToken(`token algorithm ${JSON.stringify(header.alg)} is not accepted (ES256 only)`);
  if (header.kid !== undefined && header.kid !== kid) throw invalidToken('token was signed by another key');
  const signature = Buffer.from(s, 'base64url');
  const ok = signature.length === 64 && verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw invalidToken('token signature is not valid');
  return decode(p, 'payload');
}

/** RFC 7638 thumbprint of an EC public key, base64url: the `kid` of tokens it verifies. */
export function keyId(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

export function invalidToken(message: string): RegistryError {
  return new RegistryError('INVALID_ARGUMENT', message, { ociCode: 'UNAUTHORIZED' });
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken(`token ${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidToken(`token ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}
