import type { Readable } from 'node:stream';
import type { ErrorCode } from '@berth/sdk';
import { expect } from 'vitest';
import { RegistryError } from '../errors.js';

// Helpers of the storage driver conformance suite.

export const MiB = 1024 * 1024;

/** Awaits `promise` and checks that it rejected with a RegistryError of `code`. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<RegistryError> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a RegistryError ${code}, but the call succeeded`);
  expect(outcome.error).toBeInstanceOf(RegistryError);
  expect((outcome.error as RegistryError).code).toBe(code);
  return outcome.error as RegistryError;
}

/** Reads a stream to the end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** True when the files under each directory appear together in `paths` (a depth-first order). */
export function isDepthFirst(paths: string[]): boolean {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 2; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') + '/');
  }
  for (const dir of dirs) {
    const inside = paths.flatMap((path, index) => (path.startsWith(dir) ? [index] : []));
    const first = inside[0] ?? 0;
    if (inside.some((index, n) => index !== first + n)) return false;
  }
  return true;
}
