import { describe, expect, it } from 'vitest';
import { lookupCredentials, registryKey } from './credentials.js';

describe('credentials', () => {
  it('finds credentials by registry host however the key was written', async () => {
    const alice = { username: 'alice', password: 'wonderland' };
    const source = { 'https://Registry.Example.com/v1/': alice, '127.0.0.1:5000': { username: 'bob', password: 'x' } };
    expect(await lookupCredentials(source, 'registry.example.com')).toBe(alice);
    expect(await lookupCredentials(source, '127.0.0.1:5000')).toEqual({ username: 'bob', password: 'x' });
    expect(await lookupCredentials(source, '127.0.0.1:5001')).toBeUndefined();
    expect(await lookupCredentials((host) => (host === 'r.example' ? alice : undefined), 'r.example')).toBe(alice);
    expect(registryKey('index.docker.io')).toBe('docker.io');
  });
});
