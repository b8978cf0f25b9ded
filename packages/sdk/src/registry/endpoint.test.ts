import { describe, expect, it } from 'vitest';
import { isLoopbackHost, registryBaseUrl } from './endpoint.js';

describe('registryBaseUrl', () => {
  const none = new Set<string>();

  it('speaks plain HTTP to loopback hosts only', () => {
    expect(registryBaseUrl('127.0.0.1:5000', none).href).toBe('http://127.0.0.1:5000/');
    expect(registryBaseUrl('127.3.2.1', none).protocol).toBe('http:');
    expect(registryBaseUrl('localhost:5000', none).protocol).toBe('http:');
    expect(registryBaseUrl('[::1]:5000', none).href).toBe('http://[::1]:5000/');
    expect(registryBaseUrl('registry.example.com', none).href).toBe('https://registry.example.com/');
    expect(registryBaseUrl('128.0.0.1:5000', none).protocol).toBe('https:');
    expect(registryBaseUrl('localhost.example.com', none).protocol).toBe('https:');
  });

  it('uses plain HTTP for hosts named insecure, with or without the port', () => {
    expect(registryBaseUrl('10.0.0.5:5000', new Set(['10.0.0.5:5000'])).protocol).toBe('http:');
    expect(registryBaseUrl('10.0.0.5:5000', new Set(['10.0.0.5'])).protocol).toBe('http:');
    expect(registryBaseUrl('10.0.0.5:5001', new Set(['10.0.0.5:5000'])).protocol).toBe('https:');
  });

  it('sends Docker Hub to its API host', () => {
    expect(registryBaseUrl('docker.io', none).href).toBe('https://registry-1.docker.io/');
  });

  it('recognises loopback names', () => {
    expect(['localhost', '::1', '[::1]', '127.0.0.1', '127.255.0.9'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '192.0.2.2', 'localhost.test'].some(isLoopbackHost)).toBe(false);
  });
});
